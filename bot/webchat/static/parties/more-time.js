/* A party's application for more time after an obstacle (CPL 86), from a case's menu: the day the
 * obstacle ended and why, then the `apply_more_time` frame. The judge grants it (with the days
 * added) or refuses it; the court's message says which. Telegram's /moretime does the same. */

import { setBanner } from "../chat/banner.js";
import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { sendIntent } from "../net/navigation.js";
import { forms } from "./forms.js";
import { closeSheet, renderSheet, sheetError } from "./sheet.js";

function ask(caseId, asking) {
  Object.assign(forms.moreTime, { caseId, asking, busy: false, ended: "", reason: "", error: null });
  renderSheet();
}

/** The case menu's block: the button, or the day and the reason it asks for. */
export function moreTimeBlock(caseId) {
  const f = forms.moreTime;
  if (!(f.asking && f.caseId === caseId)) {
    return h(
      "div",
      { class: "tool-block" },
      h("button", { type: "button", class: "btn wide", "data-testid": "more-time", "data-focus-key": "more-time", text: t("more_time"), onclick: () => ask(caseId, true) }),
      h("p", { class: "muted small center", text: t("more_time_hint") }),
    );
  }
  // kept in the form's state: a refusal re-renders the sheet, and what was typed stays
  const ended = h("input", { type: "date", value: f.ended, "data-testid": "more-time-ended", "aria-label": t("more_time_ended"), oninput: () => (f.ended = ended.value) });
  const reason = h("textarea", { rows: 3, "data-testid": "more-time-reason", "aria-label": t("more_time_reason"), placeholder: t("more_time_reason"), oninput: () => (f.reason = reason.value) });
  reason.value = f.reason;
  const send = () => {
    if (f.busy) return;
    if (!ended.value) return ended.focus();
    if (!reason.value.trim()) return reason.focus();
    Object.assign(f, { busy: true, error: null });
    sendIntent({ type: "apply_more_time", case_id: caseId, obstacle_ended: ended.value, reason: reason.value.trim() });
  };
  return h(
    "div",
    { class: "tool-block", "data-testid": "more-time-form" },
    sheetError("more-time-error", f.error),
    h("label", { class: "small", text: t("more_time_ended") }, ended),
    reason,
    h("button", { type: "button", class: "btn primary wide", "data-testid": "more-time-send", disabled: f.busy, text: f.busy ? t("sending") : t("more_time_send"), onclick: send }),
    h("button", { type: "button", class: "btn wide", "data-testid": "more-time-cancel", disabled: f.busy, text: t("cancel"), onclick: () => ask(caseId, false) }),
  );
}

/** The court recorded the application: the sheet closes and the banner says what follows. */
export function onMoreTimeApplied() {
  Object.assign(forms.moreTime, { caseId: null, asking: false, busy: false, ended: "", reason: "", error: null });
  closeSheet();
  setBanner(t("more_time_sent"), true);
}

/** A refusal (a bad date, no reason, too late): the form stays open, saying why, to correct it. */
export function moreTimeFailed(frame) {
  if (!forms.moreTime.busy) return;
  Object.assign(forms.moreTime, { busy: false, error: frame.text || frame.code });
  renderSheet();
}
