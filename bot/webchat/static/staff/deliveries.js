/* Failed deliveries of court messages (clerk, judge), with the channel tried next. */

import { renderList } from "../chat/lists.js";
import { updateTabs } from "../chat/shell.js";
import { h } from "../core/dom.js";
import { formatTime, t } from "../core/i18n.js";
import { state } from "../core/state.js";
import { openCase } from "../net/navigation.js";

export function onDeliveries(items) {
  state.deliveries = items;
  if (state.view === "deliveries") renderList();
  updateTabs();
}

function channelName(channel) {
  const key = `channel_${channel}`;
  const text = t(key);
  return text === key ? String(channel) : text;
}

export function renderDeliveries() {
  const intro = h("p", { class: "muted small list-intro", text: t("deliveries_intro") });
  if (!state.deliveries.length) {
    return [intro, h("p", { class: "empty", "data-testid": "deliveries-empty", text: t("deliveries_empty") })];
  }
  return [
    intro,
    h(
      "ul",
      { class: "items", "data-testid": "delivery-list", "aria-label": t("deliveries_tab") },
      state.deliveries.map((d) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "item",
              "data-testid": "delivery-item",
              "data-case-id": d.case_id,
              "data-focus-key": `delivery:${d.id ?? ""}:${d.case_id}:${d.at}`,
              onclick: () => openCase(d.case_id, "deliveries"),
            },
            h(
              "span",
              { class: "item-top" },
              h("span", { class: "item-title", text: d.reference || "" }),
              h("span", { class: "muted small", text: formatTime(d.at) }),
            ),
            h("span", { class: "badge status problem", text: t("delivery_failed", { channel: channelName(d.channel) }) }),
            d.reason ? h("span", { class: "item-line", "data-testid": "delivery-reason", text: t("delivery_reason", { reason: d.reason }) }) : null,
            h("span", {
              class: "item-line muted",
              text: d.fallback ? t("delivery_fallback", { channel: channelName(d.fallback) }) : t("delivery_no_fallback"),
            }),
          ),
        ),
      ),
    ),
  ];
}
