/* The list view: the person's cases, or one of the staff's lists (staff/). */

import { countdown } from "../core/countdown.js";
import { h, keepingFocus } from "../core/dom.js";
import { caseTitle, roleLabel, t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { root, state } from "../core/state.js";
import { newFiling, openCase } from "../net/navigation.js";
import { renderPartyTools } from "../parties/menus.js";
import { renderAgencyQueue } from "../staff/agency.js";
import { renderDeliveries } from "../staff/deliveries.js";
import { renderQueue } from "../staff/queue.js";

export function renderList() {
  const main = root.querySelector("[data-testid=list-view]");
  if (!main) return;
  keepingFocus(main, () => {
    main.replaceChildren();
    if (state.view === "queue") main.append(renderQueue());
    else if (state.view === "agents") main.append(...renderAgencyQueue());
    else if (state.view === "deliveries") main.append(...renderDeliveries());
    else renderCases(main);
  });
}

function renderCases(main) {
  const staff = Boolean(state.person && state.person.staff_role); // clerks, judges, admins file nothing
  if (!staff) {
    main.append(
      h(
        "div",
        { class: "new-filing" },
        h("button", {
          type: "button",
          class: "btn primary wide",
          "data-testid": "new-filing",
          "data-focus-key": "new-filing",
          disabled: state.creating,
          onclick: newFiling,
        }, icon("plus"), t("new_filing")),
        h("p", { class: "muted small", text: t("new_filing_hint") }),
      ),
    );
    if (state.person) main.append(renderPartyTools());
  }
  if (!state.cases.length) {
    main.append(h("p", { class: "empty", "data-testid": "no-cases", text: t(staff ? "no_cases_staff" : "no_cases") }));
    return;
  }
  main.append(
    h(
      "ul",
      { class: "items", "data-testid": "case-list", "aria-label": t("my_cases") },
      state.cases.map((c) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "item",
              "data-testid": "case-item",
              "data-case-id": c.case_id,
              "data-focus-key": `case:${c.case_id}`,
              onclick: () => openCase(c.case_id, "cases"),
            },
            h(
              "span",
              { class: "item-top" },
              h("span", { class: "item-title", text: caseTitle(c) }),
              state.unread.has(c.case_id) ? h("span", { class: "dot", title: "new", text: "" }) : null,
            ),
            h("span", { class: "badge status", "data-testid": "case-status", text: c.status_text || c.status }),
            c.case_number && c.reference
              ? h("span", { class: "item-line muted", text: `${t("reference")} ${c.reference}` })
              : null,
            c.role ? h("span", { class: "item-line muted", text: roleLabel(c.role) }) : null,
            c.prompt_text
              ? h(
                  "span",
                  { class: "item-line next" },
                  h("strong", { text: t("next_step") }),
                  h("span", { text: c.prompt_text }),
                )
              : null,
            c.due_at ? countdown(c.due_at) : null,
            c.enforcement
              ? h("span", { class: "item-line", "data-testid": "case-enforcement", text: c.enforcement.text })
              : null,
          ),
        ),
      ),
    ),
  );
}
