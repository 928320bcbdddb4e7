/* A party's code for its agent (a case's menu, invite an agent). */

import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { state } from "../core/state.js";
import { sendIntent } from "../net/navigation.js";
import { forms } from "./forms.js";
import { copyButton, renderSheet, sheetError } from "./sheet.js";
import { beginSide, clearSide, showSheetResult } from "./side.js";

export function requestInvite(caseId) {
  forms.invite = { caseId, busy: true, error: null, result: null, copied: false };
  beginSide("invite", { caseId });
  sendIntent({ type: "invite_agent", case_id: caseId });
}

export function onAgentCode(frame) {
  if (!state.side || state.side.kind !== "invite") return;
  clearSide();
  forms.invite = {
    caseId: frame.case_id,
    busy: false,
    error: null,
    result: { code: frame.code || "", text: frame.text || frame.code || "" },
    copied: false,
  };
  showSheetResult("invite");
}

export function inviteBody() {
  const f = forms.invite;
  if (f.busy) return [h("p", { class: "muted center sheet-wait", role: "status", text: t("invite_getting") })];
  if (f.error || !f.result) {
    return [
      sheetError("invite-error", f.error || t("network_error")),
      h("button", {
        type: "button",
        class: "btn primary wide",
        "data-testid": "invite-retry",
        "data-focus-key": "invite-retry",
        "data-autofocus": true,
        text: t("invite_again"),
        onclick: () => {
          requestInvite(state.currentCaseId);
          renderSheet();
        },
      }),
    ];
  }
  return [
    h("p", { class: "code-text", "data-testid": "agent-code-text", "data-code": f.result.code, text: f.result.text }),
    copyButton("copy-agent-code", f.result.code, f),
  ];
}
