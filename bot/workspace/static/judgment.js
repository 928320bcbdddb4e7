/* The judgment desk (issue 16): while the case waits for the judgment (DELIBERATION), the assigned
 * judge chooses the outcome, gets the draft filled from the case, edits the facts, reasoning and
 * orders (and, partly granted, the amount; money ordered, the days to pay it, CPL 250), previews the
 * PDF and issues it. The fee and who bears it (FM 29) come from the court, never typed. Issuing signs
 * and serves it on every party. What the judge writes is saved on the server as they type (and by
 * "Save draft"), and comes back when the desk opens again, in any browser, until it is issued. */

import { api } from "./api.js";
import { el } from "./dom.js";
import { lang, t } from "./i18n.js";

const OUTCOMES = ["granted", "partly", "dismissed", "default", "withdrawn_treated", "withdrawal_approved"];
const PARTS = ["facts", "reasoning", "orders"];
const MONEY = ["granted", "partly", "default"]; // outcomes that may order money paid (CPL 250: a time to pay)
const AUTOSAVE_MS = 1500; // after the judge stops typing

/** The desk, or null when the case is not waiting for a judgment (nor for the ruling on a pending
 * application to withdraw that may be approved at its stage, CPL 148: then that outcome alone,
 * preselected, with the application quoted). */
export function judgmentDesk(view, done) {
  const withdrawal = view.withdrawal && view.withdrawal.may_approve ? view.withdrawal : null;
  if (view.case.stage !== "deliberation" && !withdrawal) return null;
  const outcomes = view.case.stage === "deliberation" ? OUTCOMES : ["withdrawal_approved"];
  const section = el("section", { class: "judgment", "data-testid": "judgment-desk" }, el("h2", {}, t("judgment_heading")));
  if (!view.may_rule) {
    section.append(el("p", { class: "refusal", role: "note" }, t("may_not_rule"), " ", view.refusal || ""));
    return section;
  }
  const base = `/api/workspace/cases/${encodeURIComponent(view.case.case_id)}/judgment`;
  const status = el("p", { class: "status", role: "status", "data-testid": "judgment-status" });
  const outcome = el("select", { "data-testid": "judgment-outcome", "aria-label": t("judgment_outcome") },
    outcomes.map((o) => el("option", { value: o, selected: withdrawal && o === "withdrawal_approved" }, t(`outcome_${o}`))));
  const granted = el("input", { type: "text", inputmode: "decimal", "data-testid": "judgment-granted", "aria-label": t("judgment_granted"), placeholder: t("judgment_granted") });
  const docLang = el("select", { "data-testid": "judgment-lang", "aria-label": t("judgment_doc_lang") },
    el("option", { value: "zh" }, "中文"), el("option", { value: "en" }, "English"));
  const days = el("input", { type: "number", min: "1", max: "365", step: "1", value: "10", "data-testid": "judgment-days", "aria-label": t("judgment_days") });
  const daysField = el("label", {}, t("judgment_days"), " ", days);
  const saved = el("p", { class: "muted", role: "status", "data-testid": "judgment-saved" });
  const fields = Object.fromEntries(PARTS.map((p) => [p, el("textarea", { rows: p === "facts" ? 8 : 4, "data-testid": `judgment-${p}`, "aria-label": t(`judgment_${p}`) })]));
  const facts = el("div", { class: "judgment-facts", "data-testid": "judgment-summary" });
  const preview = el("p", { "data-testid": "judgment-preview-area" });
  const edited = { current: null };
  const showAmount = () => {
    granted.hidden = outcome.value !== "partly";
    daysField.hidden = !MONEY.includes(outcome.value);
  };
  outcome.addEventListener("change", showAmount);
  showAmount();

  const filled = async () => {
    const params = new URLSearchParams({ outcome: outcome.value, doc_lang: docLang.value });
    if (outcome.value === "partly" && granted.value.trim()) params.set("granted", granted.value.trim());
    if (MONEY.includes(outcome.value)) params.set("days", days.value.trim() || "10");
    const answer = await api("GET", `${base}/draft?${params}`);
    if (!answer.ok) {
      status.textContent = answer.data.text || "";
      return null;
    }
    edited.current = answer.data;
    facts.replaceChildren(...summary(answer.data));
    body.hidden = false;
    return answer.data;
  };
  const draft = async () => {
    const d = await filled();
    if (!d) return;
    for (const p of PARTS) fields[p].value = d[p].join("\n");
    status.textContent = t("judgment_drafted");
    save();
  };
  const performanceDays = () => (MONEY.includes(edited.current.outcome) ? Number.parseInt(days.value, 10) || 0 : 10);
  const current = () => ({
    outcome: edited.current.outcome,
    locale: edited.current.locale,
    granted_amount: edited.current.outcome === "partly" ? granted.value.trim() || null : null,
    performance_days: performanceDays(),
    ...Object.fromEntries(PARTS.map((p) => [p, fields[p].value.split("\n").map((s) => s.trim()).filter(Boolean)])),
  });
  // The draft kept on the server: the texts as typed, saved a moment after the judge stops typing.
  const timer = { id: null };
  const save = async () => {
    clearTimeout(timer.id);
    if (!edited.current) return;
    const kept = {
      outcome: edited.current.outcome, locale: edited.current.locale,
      granted_amount: edited.current.outcome === "partly" ? granted.value.trim() || null : null,
      performance_days: performanceDays(),
      ...Object.fromEntries(PARTS.map((p) => [p, fields[p].value])),
    };
    const answer = await api("PUT", `${base}/saved-draft`, kept);
    saved.textContent = answer.ok ? t("judgment_saved_at", { time: clock(answer.data.saved_at) }) : answer.data.text || t("judgment_save_failed");
  };
  const later = () => {
    clearTimeout(timer.id);
    saved.textContent = t("judgment_unsaved");
    timer.id = setTimeout(save, AUTOSAVE_MS);
  };
  const restore = async () => {
    const answer = await api("GET", `${base}/saved-draft`);
    const kept = answer.ok ? answer.data.draft : null;
    if (!kept || !outcomes.includes(kept.outcome)) return;
    outcome.value = kept.outcome;
    docLang.value = kept.locale;
    granted.value = kept.granted_amount || "";
    days.value = String(kept.performance_days || 10);
    showAmount();
    if (!(await filled())) return;
    for (const p of PARTS) fields[p].value = kept[p];
    saved.textContent = t("judgment_restored", { time: clock(answer.data.saved_at) });
  };
  for (const field of [...Object.values(fields), granted, days]) field.addEventListener("input", later);
  const showPreview = async () => {
    const response = await fetch(`${base}/preview?lang=${lang.locale}`, {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify(current()),
    }).catch(() => null);
    if (!response || !response.ok) {
      status.textContent = response ? (await response.json().catch(() => ({}))).text || "" : t("network_error");
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    preview.replaceChildren(
      el("a", { href: url, target: "_blank", rel: "noopener", "data-testid": "judgment-preview-link" }, t("judgment_open_preview")),
      el("iframe", { src: url, title: t("judgment_preview"), class: "judgment-preview", "data-testid": "judgment-preview-frame" }));
    status.textContent = t("judgment_previewed");
  };
  const issue = async () => {
    if (!window.confirm(t("judgment_confirm"))) return;
    const answer = await api("POST", base, current());
    if (!answer.ok) {
      status.textContent = answer.data.text || "";
      return;
    }
    done(t("judgment_issued", { sha256: answer.data.sha256 }));
  };
  const body = el("div", { hidden: true },
    facts,
    PARTS.map((p) => el("label", { class: "field" }, t(`judgment_${p}`), fields[p])),
    el("p", { class: "muted" }, t("judgment_lines")),
    el("div", { class: "buttons" },
      el("button", { type: "button", class: "secondary", "data-testid": "judgment-save", onclick: save }, t("judgment_save")),
      el("button", { type: "button", class: "secondary", "data-testid": "judgment-preview", onclick: showPreview }, t("judgment_preview")),
      el("button", { type: "button", "data-testid": "judgment-issue", onclick: issue }, t("judgment_issue"))),
    preview, saved);
  restore();
  section.append(
    el("p", {}, t("judgment_note")),
    withdrawal ? el("blockquote", { "data-testid": "judgment-withdrawal" }, t("withdrawal_quoted", { reasons: withdrawal.reasons || t("withdrawal_no_reasons") })) : null,
    el("form", { class: "judgment-choose", onsubmit: (e) => e.preventDefault() },
      el("label", {}, t("judgment_outcome"), " ", outcome), granted, daysField,
      el("label", {}, t("judgment_doc_lang"), " ", docLang),
      el("button", { type: "button", "data-testid": "judgment-draft", onclick: draft }, t("judgment_draft"))),
    body, status);
  return section;
}

/** The local time of day an instant was saved at, HH:MM. */
function clock(iso) {
  return new Date(iso).toLocaleTimeString(lang.locale === "zh" ? "zh-CN" : "en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
}

/** What the court computes and the judge does not type: the fee and who bears it, the appeal. */
function summary(d) {
  const shares = d.fee_shares.map(([role, amount]) => t("judgment_share", { party: t(`role_${role}`), amount }));
  return [
    el("p", { "data-testid": "judgment-fees" }, t("judgment_fee", { fee: d.fee }), " ", shares.join("；")),
    el("p", {}, d.claimed_amount ? t("judgment_amounts", { claimed: d.claimed_amount, granted: d.granted_amount ?? "—" }) : ""),
    el("p", { "data-testid": "judgment-appeal" }, t(d.kind === "ruling" ? "judgment_ruling_final" : d.appealable ? "judgment_appealable" : "judgment_small_claims")),
  ];
}
