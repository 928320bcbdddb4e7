/* The public /cases page: a case's status by its number (stage, next hearing window), nothing
 * about its parties (GET /api/public/cases/{number}). */

import { courtTime, el, frame, get, locale, t } from "./page.js";

function shown(answer) {
  const status = answer.data;
  if (!answer.ok) return el("p", { class: "error", role: "alert", "data-testid": "status-error" }, status.text || t("public_network"));
  const hearing = status.next_hearing;
  return el("section", { class: "public-card", "data-testid": "status", "data-status": status.status, role: "status" },
    el("p", { class: "public-number" }, status.case_number),
    el("p", {}, t("status_stage", { stage: status.status_text })),
    el("p", { "data-testid": "next-hearing" },
      hearing ? t("status_hearing", { at: courtTime(hearing.window_closes_at) }) : t("status_no_hearing")),
    el("p", { class: "muted" }, t("status_updated", { at: courtTime(status.updated_at) })),
    status.judgment_id ? el("p", {}, el("a", { href: `/judgments?lang=${locale}#${status.judgment_id}`, "data-testid": "status-judgment" }, t("status_judgment"))) : null);
}

function render() {
  const input = el("input", { id: "case-number", name: "number", required: "", autocomplete: "off", placeholder: "(2026)浙0192民初1234号", "data-testid": "case-number" });
  const result = el("div", { "aria-live": "polite" });
  const form = el("form", { class: "public-form", onsubmit: async (event) => {
    event.preventDefault();
    const number = input.value.trim();
    if (!number) return;
    result.replaceChildren(el("p", { role: "status" }, t("public_searching")));
    result.replaceChildren(shown(await get(`/api/public/cases/${encodeURIComponent(number)}`)));
  } },
  el("label", { for: "case-number" }, t("status_number")), input,
  el("button", { type: "submit", "data-testid": "status-lookup" }, t("status_lookup")));
  frame("status_title", el("p", {}, t("status_intro")), form, result);
}

render();
