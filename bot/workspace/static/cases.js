/* "My cases": the cases assigned to the signed-in judge, most urgent first (the server orders them). */

import { api } from "./api.js";
import { el } from "./dom.js";
import { formatTime, t, timeLeft } from "./i18n.js";

export async function myCases(open) {
  const answer = await api("GET", "/api/workspace/cases");
  if (!answer.ok) return el("p", { class: "error", role: "alert" }, answer.data.text);
  const cases = answer.data.cases;
  const body = cases.length === 0
    ? el("p", { "data-testid": "no-cases" }, t("no_cases"))
    : el("table", { class: "cases" },
      el("thead", {}, el("tr", {}, ["col_case", "col_parties", "col_stage", "col_deadline", "col_waiting"].map((k) => el("th", {}, t(k))))),
      el("tbody", {}, cases.map((c) => row(c, open))));
  return el("section", { "data-testid": "my-cases" }, el("h2", {}, t("my_cases")), el("p", { class: "note" }, t("my_cases_note")), body);
}

function row(card, open) {
  const left = card.next_deadline ? timeLeft(card.next_deadline) : null;
  const waiting = [
    card.asks_ruling ? t("waits_ruling") : null,
    card.applications ? t("waits_applications", { n: card.applications }) : null,
    card.withdrawal ? t("waits_withdrawal") : null,
  ].filter(Boolean);
  return el("tr", {
    class: card.for_judge ? "for-judge" : "", tabindex: "0", "data-testid": "case-row", "data-case-id": card.case_id,
    onclick: () => open(card.case_id),
    onkeydown: (event) => event.key === "Enter" && open(card.case_id),
  },
  el("td", {}, el("strong", {}, card.case_number || card.reference), el("div", { class: "muted" }, card.reference)),
  el("td", {}, `${card.plaintiff} ${t("versus")} ${card.defendant}`),
  el("td", {}, card.status_text),
  el("td", { class: left && left.urgent ? "urgent" : "" },
    card.next_deadline ? [formatTime(card.next_deadline), el("div", { class: "muted" }, left.text)] : t("none")),
  el("td", {}, waiting.join(" · ") || t("none")));
}
