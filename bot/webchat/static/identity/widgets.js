/* Small pieces shared by the identity panel's steps. */

import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { closeIdentity, idp } from "./panel.js";

export function idErrorBox(text) {
  const message = text === undefined ? idp.error : text;
  return h("p", {
    class: "error-box",
    role: "alert",
    "data-testid": "identity-error",
    hidden: !message,
    text: message || "",
  });
}

export function closeButton(label) {
  return h("button", {
    type: "button",
    class: "btn secondary wide",
    "data-testid": "identity-done",
    text: label || t("id_close"),
    onclick: closeIdentity,
  });
}

/** "What is captured: …" with its label in bold. */
export function labelled(text) {
  const m = /^(.+?[：:])\s*(.*)$/s.exec(text);
  return m ? [h("strong", { text: m[1] }), " ", m[2]] : [text];
}
