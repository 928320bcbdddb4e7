/* One case as the court works on it: what it must decide now (the ruling form, applications for
 * more time), the windows that lapsed, the evidence with both sides' opinions, and the record. */

import { api } from "./api.js";
import { el } from "./dom.js";
import { evidenceView } from "./evidence.js";
import { applicationsView, liveHearingForm, rulingForm, withdrawalView } from "./forms.js";
import { formatTime, t } from "./i18n.js";
import { judgmentDesk } from "./judgment.js";
import { publicationView } from "./publication.js";
import { recordView } from "./record.js";

/** The case view; `back` returns to the list, `reload(note)` draws the case again after a decision. */
export async function caseView(caseId, back, reload, note) {
  const answer = await api("GET", `/api/workspace/cases/${encodeURIComponent(caseId)}`);
  const nav = el("button", { type: "button", class: "link", "data-testid": "back", onclick: back }, `← ${t("back")}`);
  if (!answer.ok) return el("div", {}, nav, el("p", { class: "error", role: "alert" }, answer.data.text));
  const view = answer.data;
  const card = view.case;
  return el("div", { class: "case", "data-testid": "case", "data-case-id": card.case_id, "data-stage": card.stage },
    nav,
    el("h2", {}, card.case_number || card.reference, " ", el("span", { class: "muted" }, card.status_text)),
    el("p", {}, `${card.plaintiff} ${t("versus")} ${card.defendant}`),
    card.enforcement ? el("p", { "data-testid": "case-enforcement" }, card.enforcement.text) : null,
    card.judge_id ? null : el("p", { class: "refusal" }, t("judge_unassigned")),
    note ? el("p", { class: "status", role: "status", "data-testid": "case-note" }, note) : null,
    el("div", { class: "columns" },
      el("div", { class: "main" }, judgmentDesk(view, reload), recordView(view.record), evidenceView(view.evidence)),
      el("aside", {}, rulingForm(view, reload), liveHearingForm(view, reload), withdrawalView(view, reload), applicationsView(view, reload), publicationView(card.case_id, reload), lapsedView(view.lapsed))));
}

function lapsedView(lapsed) {
  return el("section", { class: "lapsed", "data-testid": "lapsed" }, el("h2", {}, t("lapsed_heading")),
    lapsed.length === 0
      ? el("p", {}, t("no_lapsed"))
      : el("ul", {}, lapsed.map((d) => el("li", { class: "is-lapsed" },
        t("lapsed_line", { deadline: d.deadline, due: formatTime(d.due_at) }), d.rule ? ` (${d.rule})` : ""))));
}
