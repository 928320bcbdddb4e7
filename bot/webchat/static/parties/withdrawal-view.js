/* The defendant's view on the plaintiff's application to withdraw the suit (CPL 148; SPC
 * Interpretation of the CPL Art. 238), from a case's menu while its period runs: agree or object
 * (an objection with reasons), then the `withdrawal_view` frame. The judge decides either way. */

import { setBanner } from "../chat/banner.js";
import { h } from "../core/dom.js";
import { formatTime, t } from "../core/i18n.js";
import { sendIntent } from "../net/navigation.js";
import { forms } from "./forms.js";
import { closeSheet, renderSheet } from "./sheet.js";

function choose(caseId, view) {
  Object.assign(forms.withdrawalView, { caseId, view, busy: false, error: null });
  renderSheet();
}

/** The case menu's block: the plaintiff's reasons and the period, the two choices, and once one is
 * chosen the reasons (needed to object) and the send button. */
export function withdrawalViewBlock(caseId, application) {
  const f = forms.withdrawalView;
  const chosen = f.caseId === caseId ? f.view : null;
  const reasons = h("textarea", { rows: 3, "data-testid": "withdrawal-view-reasons", "aria-label": t("withdrawal_view_reasons"), placeholder: t(chosen === "object" ? "withdrawal_view_reasons_needed" : "withdrawal_view_reasons") });
  const send = () => {
    if (f.busy) return;
    if (chosen === "object" && !reasons.value.trim()) {
      f.error = t("withdrawal_view_reasons_needed");
      renderSheet();
      return;
    }
    f.busy = true;
    sendIntent({ type: "withdrawal_view", case_id: caseId, view: chosen, reasons: reasons.value.trim() });
  };
  return h(
    "div",
    { class: "tool-block", "data-testid": "withdrawal-view" },
    h("p", { text: t("withdrawal_view_intro", { reasons: application.reasons || t("withdrawal_view_no_reasons"), until: formatTime(application.until) }) }),
    h("button", { type: "button", class: chosen === "agree" ? "btn primary wide" : "btn wide", "aria-pressed": String(chosen === "agree"), "data-testid": "withdrawal-view-agree", text: t("withdrawal_view_agree"), onclick: () => choose(caseId, "agree") }),
    h("button", { type: "button", class: chosen === "object" ? "btn primary wide" : "btn wide", "aria-pressed": String(chosen === "object"), "data-testid": "withdrawal-view-object", text: t("withdrawal_view_object"), onclick: () => choose(caseId, "object") }),
    chosen ? reasons : null,
    f.error && chosen ? h("p", { role: "alert", class: "error", text: f.error }) : null,
    chosen ? h("button", { type: "button", class: "btn primary wide", "data-testid": "withdrawal-view-send", disabled: f.busy, text: f.busy ? t("sending") : t("withdrawal_view_send"), onclick: send }) : null,
    h("p", { class: "muted small center", text: t("withdrawal_view_hint") }),
  );
}

/** The court recorded the view: the sheet closes and the banner says what follows. */
export function onWithdrawalViewStated() {
  Object.assign(forms.withdrawalView, { caseId: null, view: null, busy: false, error: null });
  closeSheet();
  setBanner(t("withdrawal_view_sent"), true);
}

/** A refusal (e.g. the period ended, or a view already given): said in the block, nothing lost. */
export function withdrawalViewFailed(frame) {
  if (!forms.withdrawalView.busy) return;
  Object.assign(forms.withdrawalView, { busy: false, error: frame.text || frame.code });
  renderSheet();
}
