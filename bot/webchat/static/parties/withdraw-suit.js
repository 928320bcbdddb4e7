/* The plaintiff's application to withdraw the suit (CPL 148), from a case's menu: optional reasons,
 * a confirmation, then the `apply_to_withdraw` frame. The judge approves it by a ruling or refuses
 * it with reasons; the court's message says which. */

import { setBanner } from "../chat/banner.js";
import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { sendIntent } from "../net/navigation.js";
import { forms } from "./forms.js";
import { closeSheet, renderSheet } from "./sheet.js";

function ask(caseId, asking) {
  Object.assign(forms.withdrawSuit, { caseId, asking, busy: false });
  renderSheet();
}

/** The case menu's block: the button, or the reasons and the confirmation it asks first. */
export function withdrawSuitBlock(caseId) {
  const f = forms.withdrawSuit;
  if (!(f.asking && f.caseId === caseId)) {
    return h(
      "div",
      { class: "tool-block" },
      h("button", { type: "button", class: "btn danger wide", "data-testid": "withdraw-suit", "data-focus-key": "withdraw-suit", text: t("withdraw_suit"), onclick: () => ask(caseId, true) }),
      h("p", { class: "muted small center", text: t("withdraw_suit_hint") }),
    );
  }
  const reasons = h("textarea", { rows: 3, "data-testid": "withdraw-suit-reasons", "aria-label": t("withdraw_suit_reasons"), placeholder: t("withdraw_suit_reasons") });
  const send = () => {
    if (f.busy) return;
    f.busy = true;
    sendIntent({ type: "apply_to_withdraw", case_id: caseId, reasons: reasons.value.trim() });
  };
  return h(
    "div",
    { class: "tool-block", "data-testid": "withdraw-suit-confirm" },
    h("p", { role: "alert", text: t("withdraw_suit_confirm") }),
    reasons,
    h("button", { type: "button", class: "btn danger wide", "data-testid": "withdraw-suit-yes", disabled: f.busy, text: f.busy ? t("sending") : t("withdraw_suit_yes"), onclick: send }),
    h("button", { type: "button", class: "btn wide", "data-testid": "withdraw-suit-no", disabled: f.busy, text: t("withdraw_suit_no"), onclick: () => ask(caseId, false) }),
  );
}

/** The court recorded the application: the sheet closes and the banner says what follows. */
export function onWithdrawalApplied() {
  Object.assign(forms.withdrawSuit, { caseId: null, asking: false, busy: false });
  closeSheet();
  setBanner(t("withdraw_suit_sent"), true);
}

/** A refusal (e.g. not the plaintiff, or one already pending): the block shows its button again. */
export function withdrawSuitFailed() {
  if (!forms.withdrawSuit.busy) return;
  Object.assign(forms.withdrawSuit, { caseId: null, asking: false, busy: false });
  renderSheet();
}
