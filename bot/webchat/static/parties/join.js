/* Joining a case with the court's invitation code (OLR 10). */

import { JOIN_KEY } from "../core/config.js";
import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { writeStore } from "../core/storage.js";
import { sendIntent } from "../net/navigation.js";
import { forms, newForms } from "./forms.js";
import { closeSheet, focusInSheet, renderSheet, sheet } from "./sheet.js";
import { beginSide, clearSide } from "./side.js";
import { verifyFromSheet } from "./verify.js";

export function startJoin(code) {
  const f = forms.join;
  f.code = code;
  f.busy = true;
  f.error = null;
  f.errorCode = null;
  writeStore(sessionStorage, JOIN_KEY, code);
  beginSide("join");
  sendIntent({ type: "join", code });
  if (sheet.kind === "join") renderSheet();
}

function submitJoin(event) {
  event.preventDefault();
  const f = forms.join;
  if (f.busy) return;
  const code = f.code.trim();
  if (!code) {
    f.error = t("join_missing");
    f.errorCode = "missing";
    renderSheet();
    focusInSheet("[data-testid=join-code]");
    return;
  }
  startJoin(code);
}

/** The court linked this person to the case: the case opens (onCaseOpened) in place of the sheet. */
export function joined() {
  clearSide();
  writeStore(sessionStorage, JOIN_KEY, null);
  forms.join = newForms().join;
  if (sheet.kind === "join") closeSheet();
}

export function joinBody() {
  const f = forms.join;
  const input = h("input", {
    id: "join-code",
    class: "id-input mono",
    type: "text",
    "data-testid": "join-code",
    "data-focus-key": "join-code",
    "data-autofocus": true,
    autocomplete: "off",
    autocapitalize: "off",
    spellcheck: "false",
    enterkeyhint: "go",
    "aria-describedby": "join-error",
    "aria-invalid": f.error && f.errorCode === "missing" ? "true" : null,
    disabled: f.busy,
  });
  input.value = f.code;
  input.addEventListener("input", () => (f.code = input.value));
  const verify = f.errorCode === "verify_first";
  return [
    h("p", { text: t("join_intro") }),
    h(
      "form",
      { class: "id-form", "data-testid": "join-form", novalidate: true, onsubmit: submitJoin },
      h("div", { class: "id-field" }, h("label", { for: "join-code", text: t("join_code") }), input),
      h("p", { id: "join-error", class: "error-box", role: "alert", "data-testid": "join-error", "data-code": f.errorCode, hidden: !f.error, text: f.error || "" }),
      verify
        ? h(
            "button",
            {
              type: "button",
              class: "btn primary wide",
              "data-testid": "join-verify",
              "data-focus-key": "join-verify",
              "aria-haspopup": "dialog",
              onclick: () => verifyFromSheet("join"),
            },
            icon("idcard"),
            t("id_open"),
          )
        : null,
      verify ? h("p", { class: "muted small center", text: t("join_verify_note") }) : null,
      h("button", {
        type: "submit",
        class: `btn ${verify ? "secondary" : "primary"} wide`,
        "data-testid": "join-submit",
        "data-focus-key": "join-submit",
        disabled: f.busy,
        "aria-busy": String(f.busy),
        text: f.busy ? t("joining") : t("join_btn"),
      }),
      h("p", { class: "visually-hidden", role: "status", text: f.busy ? t("joining") : "" }),
    ),
  ];
}
