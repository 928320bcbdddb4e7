/* From a sheet to the identity panel and back (join and agent ask for a verified identity first). */

import { root, state } from "../core/state.js";
import { openIdentity } from "../identity/panel.js";
import { forms } from "./forms.js";
import { startJoin } from "./join.js";
import { closeSheet, openSheet, sheet } from "./sheet.js";

export function verifyFromSheet(kind) {
  state.resumeAfterIdentity = kind;
  const opener = sheet.opener;
  closeSheet();
  openIdentity(opener && opener.isConnected ? opener : root.querySelector("[data-testid=identity-menu]"));
}

/** Back from the identity panel to the join or agent sheet; once verified, the join is retried. */
export function afterIdentityClosed() {
  const kind = state.resumeAfterIdentity;
  state.resumeAfterIdentity = null;
  if (!kind || !state.person || sheet.el) return;
  const verified = state.identityVerified === true;
  const f = forms[kind];
  if (verified && f && f.errorCode === "verify_first") {
    f.error = null;
    f.errorCode = null;
  }
  openSheet(kind, document.activeElement);
  if (kind === "join" && verified && forms.join.code && !forms.join.busy) startJoin(forms.join.code);
}
