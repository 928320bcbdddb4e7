/* The clerk's and judge's review queue of filings. */

import { renderList } from "../chat/lists.js";
import { updateTabs } from "../chat/shell.js";
import { countdown } from "../core/countdown.js";
import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { state } from "../core/state.js";
import { openCase } from "../net/navigation.js";

export function onQueue(items) {
  state.queue = items;
  if (state.view === "queue") renderList();
  updateTabs();
}

export function renderQueue() {
  if (!state.queue.length) {
    return h("p", { class: "empty", "data-testid": "queue-empty", text: t("queue_empty") });
  }
  return h(
    "ul",
    { class: "items", "data-testid": "queue-list", "aria-label": t("review_queue") },
    state.queue.map((q) =>
      h(
        "li",
        null,
        h(
          "button",
          {
            type: "button",
            class: "item",
            "data-testid": "queue-item",
            "data-case-id": q.case_id,
            "data-focus-key": `queue:${q.case_id}`,
            onclick: () => openCase(q.case_id, "queue"),
          },
          h("span", { class: "item-top" }, h("span", { class: "item-title", text: q.reference })),
          h("span", { class: "badge status", text: q.status_text || q.status }),
          q.plaintiff ? h("span", { class: "item-line", text: `${t("plaintiff")}${q.plaintiff}` }) : null,
          q.overdue && q.overdue.length
            ? h("span", { class: "item-line overdue", "data-testid": "queue-overdue", text: t("queue_overdue") })
            : null,
          q.due_at ? countdown(q.due_at) : null,
        ),
      ),
    ),
  );
}
