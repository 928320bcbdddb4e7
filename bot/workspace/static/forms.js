/* The court's decisions as forms. The ruling the case's flow asks now is drawn from its prompt,
 * whatever the step: a choice as buttons, a text as a text area, with the deadline and rule when
 * it has them; it is sent through the same command as a chat answer. Applications for more time
 * are granted or refused with reasons (CPL 86). */

import { api } from "./api.js";
import { el } from "./dom.js";
import { formatTime, t, timeLeft } from "./i18n.js";

const TYPED = new Set(["text", "long_text", "amount"]);

export function rulingForm(view, done) {
  const prompt = view.prompt;
  const section = el("section", { class: "ruling", "data-testid": "ruling" }, el("h2", {}, t("ruling_heading")));
  if (!prompt) {
    section.append(el("p", {}, t("no_ruling")));
    return section;
  }
  const status = el("p", { class: "status", role: "status", "data-testid": "ruling-status" });
  const send = async (value) => {
    const answer = await api("POST", `/api/workspace/cases/${view.case.case_id}/ruling`, { step: prompt.step, seq: prompt.seq, value });
    if (!answer.ok) {
      status.textContent = answer.data.text || "";
      return;
    }
    done(t("recorded"));
  };
  section.append(el("p", { class: "prompt" }, prompt.text));
  if (prompt.due_at || prompt.rule) section.append(deadline(prompt));
  if (!view.may_rule) {
    section.append(refusal(view));
    return section;
  }
  const form = el("form", { "data-testid": "ruling-form", "data-step": prompt.step, onsubmit: (e) => e.preventDefault() });
  if (TYPED.has(prompt.kind)) {
    const field = el("textarea", { rows: prompt.kind === "long_text" ? 6 : 2, maxlength: prompt.max_length || null, "aria-label": t("your_reasons"), placeholder: t("your_reasons") });
    form.append(field, el("button", { type: "submit", onclick: () => field.value.trim() && send(field.value.trim()) }, t("submit")));
  } else if (prompt.options.length === 0) {  // nothing to choose or type here (e.g. a file): the chat takes it
    form.append(el("p", {}, t("answer_in_chat"), " ", el("a", { href: "/" }, t("open_chat"))));
  } else {
    form.append(el("div", { class: "buttons" }, prompt.options.map((o) =>
      el("button", { type: "button", "data-testid": "ruling-option", "data-value": o.value, onclick: () => send(o.value) }, o.label))));
  }
  section.append(form, status);
  return section;
}

function deadline(prompt) {
  const left = prompt.due_at ? timeLeft(prompt.due_at) : null;
  return el("p", { class: left && left.urgent ? "deadline urgent" : "deadline" },
    prompt.due_at ? `${t("deadline_line", { deadline: prompt.deadline || "", due: formatTime(prompt.due_at) })} (${left.text})` : "",
    prompt.rule ? el("span", { class: "rule" }, ` ${t("rule_line", { rule: prompt.rule })}`) : "");
}

function refusal(view) {
  return el("p", { class: "refusal", role: "note", "data-testid": "may-not-rule" }, t("may_not_rule"), " ", view.refusal || "");
}

export function applicationsView(view, done) {
  const section = el("section", { "data-testid": "applications" }, el("h2", {}, t("applications_heading")));
  if (view.applications.length === 0) section.append(el("p", {}, t("no_applications")));
  for (const a of view.applications) section.append(application(view, a, done));
  return section;
}

function application(view, a, done) {
  const days = el("input", { type: "number", min: "1", max: "60", value: "7", "aria-label": t("days") });
  const reason = el("textarea", { rows: 3, placeholder: t("reasons"), "aria-label": t("reasons") });
  const status = el("p", { class: "status", role: "status" });
  const decide = async (grant) => {
    if (!reason.value.trim()) {
      status.textContent = t("reasons_needed");
      return;
    }
    const body = { grant, days: grant ? Number(days.value) : 0, reason: reason.value.trim() };
    const answer = await api("POST", `/api/workspace/cases/${view.case.case_id}/more-time/${a.application}`, body);
    if (!answer.ok) {
      status.textContent = answer.data.text || "";
      return;
    }
    done(t("recorded"));
  };
  const who = `${a.by} (${t(`role_${a.role}`)})`;
  const form = view.may_rule
    ? el("form", { onsubmit: (e) => e.preventDefault() },
      el("label", {}, t("days"), " ", days), reason,
      el("div", { class: "buttons" },
        el("button", { type: "button", onclick: () => decide(true) }, t("grant")),
        el("button", { type: "button", class: "secondary", onclick: () => decide(false) }, t("refuse"))))
    : refusal(view);
  return el("article", { class: "application", "data-testid": "application", "data-application": a.application },
    el("p", {}, t("application_line", { n: a.application, deadline: a.deadline, who, ended: a.obstacle_ended })),
    el("p", {}, t("application_reason", { reason: a.reason })), form, status);
}

/** The plaintiff's application to withdraw the suit (CPL 148): quoted, with the judge's choice.
 * Approving is issuing the ruling from the judgment desk (preselected there); refusing needs reasons,
 * which the plaintiff is told, and the case goes on. */
export function withdrawalView(view, done) {
  const w = view.withdrawal;
  if (!w) return null;
  const reasons = el("textarea", { rows: 3, placeholder: t("reasons"), "aria-label": t("reasons"), "data-testid": "withdrawal-refusal" });
  const status = el("p", { class: "status", role: "status", "data-testid": "withdrawal-status" });
  const refuse = async () => {
    if (!reasons.value.trim()) {
      status.textContent = t("reasons_needed");
      return;
    }
    const answer = await api("POST", `/api/workspace/cases/${view.case.case_id}/withdrawal/refuse`, { reasons: reasons.value.trim() });
    if (!answer.ok) {
      status.textContent = answer.data.text || "";
      return;
    }
    done(t("withdrawal_refused"));
  };
  const form = view.may_rule
    ? el("form", { onsubmit: (e) => e.preventDefault() },
      el("p", { class: "muted" }, t(w.may_approve ? "withdrawal_approve_hint" : "withdrawal_not_yet")), reasons,
      el("div", { class: "buttons" },
        el("button", { type: "button", class: "secondary", "data-testid": "withdrawal-refuse", onclick: refuse }, t("refuse"))))
    : refusal(view);
  return el("section", { class: "withdrawal", "data-testid": "withdrawal" }, el("h2", {}, t("withdrawal_heading")),
    el("p", {}, t("withdrawal_line", { at: formatTime(w.applied_at), stage: w.stage_text })),
    el("p", { "data-testid": "withdrawal-reasons" }, w.reasons ? t("application_reason", { reason: w.reasons }) : t("withdrawal_no_reasons")),
    defendantView(w), form, status);
}

/** The defendant's view beside the application (Interp. 238(2)): given, awaited while its period
 * runs, or silence once it lapsed; after the debate an objection is a ground to refuse. */
function defendantView(w) {
  const line = w.view
    ? t(`withdrawal_view_${w.view.view}`, { at: formatTime(w.view.at), reasons: w.view.reasons || t("withdrawal_view_no_reasons") })
    : t(`withdrawal_view_${w.view_status}`, { until: w.view_until ? formatTime(w.view_until) : "—" });
  return el("div", { class: "defendant-view", "data-testid": "withdrawal-view", "data-view-status": w.view_status },
    el("p", {}, line),
    w.defendant_told ? null : el("p", { class: "muted" }, t("withdrawal_view_not_told")),
    w.objection_ground ? el("p", { class: "refusal", role: "note", "data-testid": "withdrawal-interp238" }, t("withdrawal_interp238_objection"))
      : w.debate_ended && !w.view ? el("p", { class: "muted", "data-testid": "withdrawal-interp238" }, t("withdrawal_interp238_note")) : null);
}

/** The judge's order sending the case from its asynchronous stage to a live hearing, with
 * reasons (OLR 21: what was done stays valid); shown only while the case is in such a stage. */
export function liveHearingForm(view, done) {
  if (!view.may_order_live) return null;
  const status = el("p", { class: "status", role: "status", "data-testid": "live-hearing-status" });
  const field = el("textarea", { rows: 3, "aria-label": t("live_reasons"), placeholder: t("live_reasons"), "data-testid": "live-hearing-reasons" });
  const send = async () => {
    if (!field.value.trim()) {
      status.textContent = t("live_reasons_needed");
      return;
    }
    if (!window.confirm(t("live_confirm"))) return;
    const answer = await api("POST", `/api/workspace/cases/${view.case.case_id}/live-hearing`, { reasons: field.value.trim() });
    if (!answer.ok) {
      status.textContent = answer.data.text || "";
      return;
    }
    done(t("recorded"));
  };
  return el("section", { class: "ruling", "data-testid": "live-hearing" },
    el("h2", {}, t("live_heading")),
    el("p", {}, t("live_note")),
    el("form", { onsubmit: (e) => e.preventDefault() }, field,
      el("button", { type: "submit", "data-testid": "live-hearing-order", onclick: send }, t("live_order"))),
    status);
}
