/* "The side request": a request over the socket that is not an answer in a case (join, link,
 * link_code, invite). One at a time, answered by its own frame or by an error without a client_id.
 */

import { ACK_TIMEOUT_MS, JOIN_KEY } from "../core/config.js";
import { t } from "../core/i18n.js";
import { state } from "../core/state.js";
import { writeStore } from "../core/storage.js";
import { idp } from "../identity/panel.js";
import { forms } from "./forms.js";
import { focusInSheet, openSheet, renderSheet, sheet } from "./sheet.js";

export function beginSide(kind, extra) {
  clearSide();
  const side = { kind, ...extra };
  side.timer = setTimeout(() => {
    if (state.side === side) sideFailed({ code: "timeout", text: t("network_error") });
  }, ACK_TIMEOUT_MS);
  state.side = side;
}

export function clearSide() {
  if (state.side) clearTimeout(state.side.timer);
  state.side = null;
}

/** The court refused the side request (or it timed out): say why where it was asked. */
export function sideFailed(frame) {
  const side = state.side;
  if (!side) return false;
  clearSide();
  const text = frame.text || frame.code || t("network_error");
  switch (side.kind) {
    case "join": {
      const f = forms.join;
      f.busy = false;
      f.error = text;
      f.errorCode = frame.code || null;
      // a code that can never work is forgotten; one waiting for verification or the network is kept
      if (!["verify_first", "timeout"].includes(frame.code)) writeStore(sessionStorage, JOIN_KEY, null);
      showSheetResult("join", true);
      break;
    }
    case "link":
      forms.link.busy = false;
      forms.link.error = frame.code === "bad_request" ? t("link_unavailable") : text;
      showSheetResult("link");
      break;
    case "link_code":
      forms.linkCode.busy = false;
      forms.linkCode.confirm = null;
      forms.linkCode.error = text;
      showSheetResult("link_code");
      break;
    case "invite":
      forms.invite.busy = false;
      forms.invite.error = text;
      showSheetResult("invite");
      break;
    default:
      return false;
  }
  return true;
}

export function showSheetResult(kind, reopen) {
  if (sheet.kind === kind) {
    renderSheet();
    focusInSheet("[data-testid$=-verify]", "[data-autofocus]:not([disabled])", "#sheet-title");
  } else if (reopen && !sheet.el && !idp.open && state.person) {
    openSheet(kind, null);
  }
}
