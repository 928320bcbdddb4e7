/* Going live from an asynchronous stage (OLR 5, 21), from a case's menu: a party withdraws its
 * consent (asked first, then the `withdraw_asynchronous_consent` frame), or the assigned judge
 * orders a live hearing with reasons (`order_live_hearing`). The court's messages say what follows. */

import { setBanner } from "../chat/banner.js";
import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { sendIntent } from "../net/navigation.js";
import { forms } from "./forms.js";
import { closeSheet, renderSheet } from "./sheet.js";

function ask(caseId, asking) {
  Object.assign(forms.live, { caseId, asking, busy: false });
  renderSheet();
}

function withdraw(caseId) {
  if (forms.live.busy) return;
  forms.live.busy = true;
  renderSheet();
  sendIntent({ type: "withdraw_asynchronous_consent", case_id: caseId });
}

/** The case menu's block: the button, or the confirmation it asks first. */
export function liveBlock(caseId) {
  const f = forms.live;
  if (!(f.asking && f.caseId === caseId)) {
    return h(
      "div",
      { class: "tool-block" },
      h("button", { type: "button", class: "btn danger wide", "data-testid": "live-withdraw", "data-focus-key": "live-withdraw", text: t("live_withdraw"), onclick: () => ask(caseId, true) }),
      h("p", { class: "muted small center", text: t("live_withdraw_hint") }),
    );
  }
  return h(
    "div",
    { class: "tool-block", "data-testid": "live-confirm" },
    h("p", { role: "alert", text: t("live_confirm") }),
    h("button", { type: "button", class: "btn danger wide", "data-testid": "live-confirm-yes", "data-autofocus": true, disabled: f.busy, text: f.busy ? t("sending") : t("live_confirm_yes"), onclick: () => withdraw(caseId) }),
    h("button", { type: "button", class: "btn wide", "data-testid": "live-confirm-no", disabled: f.busy, text: t("live_confirm_no"), onclick: () => ask(caseId, false) }),
  );
}

/** The judge's block: reasons, then the order (the server refuses anyone but the assigned judge). */
export function orderBlock(caseId) {
  const f = forms.live;
  const field = h("textarea", { rows: 3, "data-testid": "live-order-reasons", "aria-label": t("live_order_reasons"), placeholder: t("live_order_reasons") });
  const order = () => {
    const reasons = field.value.trim();
    if (!reasons || f.busy) return field.focus();
    Object.assign(f, { caseId, busy: true });
    sendIntent({ type: "order_live_hearing", case_id: caseId, reasons });
  };
  return h(
    "div",
    { class: "tool-block", "data-testid": "live-order" },
    h("p", { class: "muted small", text: t("live_order_hint") }),
    field,
    h("button", { type: "button", class: "btn danger wide", "data-testid": "live-order-send", disabled: f.busy, text: f.busy ? t("sending") : t("live_order"), onclick: order }),
  );
}

/** The court took the withdrawal or the order: the sheet closes and the banner says what follows. */
export function onWentLive(textKey) {
  Object.assign(forms.live, { caseId: null, asking: false, busy: false });
  closeSheet();
  setBanner(t(textKey), true);
}

/** A refusal (e.g. not in an asynchronous stage): the confirmation gives way to the button again. */
export function liveFailed() {
  if (!forms.live.busy) return;
  Object.assign(forms.live, { caseId: null, asking: false, busy: false });
  renderSheet();
}
