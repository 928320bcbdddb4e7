/* Entering a code from the bot's /link: the court's question, the answer, and the session that follows. */

import { setBanner } from "../chat/banner.js";
import { render } from "../chat/shell.js";
import { CASE_KEY } from "../core/config.js";
import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { root, state } from "../core/state.js";
import { writeStore } from "../core/storage.js";
import { refreshIdentityMark } from "../identity/entry.js";
import { sendIntent } from "../net/navigation.js";
import { forms, newForms } from "./forms.js";
import { closeSheet, focusInSheet, renderSheet, sheet, sheetError } from "./sheet.js";
import { beginSide, clearSide, showSheetResult } from "./side.js";

function submitLinkCode(event) {
  event.preventDefault();
  const f = forms.linkCode;
  if (f.busy) return;
  const code = f.code.trim();
  if (!code) {
    f.error = t("link_missing");
    renderSheet();
    focusInSheet("[data-testid=link-code-input]");
    return;
  }
  f.busy = true;
  f.error = null;
  beginSide("link_code");
  sendIntent({ type: "link_code", code });
  renderSheet();
}

/** The court's question before linking: the answer goes back with its nonce. */
export function onLinkConfirm(frame) {
  if (!state.side || state.side.kind !== "link_code") return;
  clearSide();
  const f = forms.linkCode;
  f.busy = false;
  f.confirm = { nonce: frame.nonce, text: frame.text };
  showSheetResult("link_code");
}

function answerLink(accept) {
  const f = forms.linkCode;
  if (f.busy || !f.confirm) return;
  f.busy = true;
  beginSide("link_code");
  sendIntent({ type: "link_answer", nonce: f.confirm.nonce, accept });
  renderSheet();
}

/** The question lived in the closed connection: its answer can no longer be taken. */
export function forgetLinkQuestion() {
  if (!forms.linkCode.confirm) return;
  forms.linkCode = { ...newForms().linkCode, error: t("link_lost") };
  if (sheet.kind === "link_code") renderSheet();
}

export function onLinkCancelled(frame) {
  if (!state.side || state.side.kind !== "link_code") return;
  clearSide();
  forms.linkCode = { ...newForms().linkCode, info: frame.text };
  showSheetResult("link_code");
}

/** `welcome` after link_code: this session is now the person the bot's /link code named. */
export function linkedAs(beforeId) {
  clearSide();
  forms.linkCode = newForms().linkCode;
  if (state.person && state.person.id !== beforeId) {
    // another person: nothing on screen belongs to them
    state.convs.clear();
    state.caseInfo.clear();
    state.unread.clear();
    state.drafts.clear();
    state.cases = [];
    state.identityVerified = null;
    state.currentCaseId = null;
    writeStore(sessionStorage, CASE_KEY, null);
    state.view = "cases";
    state.listTab = "cases";
  }
  render();
  closeSheet();
  setBanner(t("link_done", { name: state.person ? state.person.name : "" }), true);
  root.querySelector("[data-testid=account-menu]")?.focus({ preventScroll: true });
  refreshIdentityMark();
}

export function linkCodeBody() {
  const f = forms.linkCode;
  if (f.confirm) return linkConfirmBody(f);
  const input = h("input", {
    id: "link-code-input",
    class: "id-input mono",
    type: "text",
    "data-testid": "link-code-input",
    "data-focus-key": "link-code-input",
    "data-autofocus": true,
    autocomplete: "one-time-code",
    autocapitalize: "off",
    spellcheck: "false",
    enterkeyhint: "go",
    disabled: f.busy,
  });
  input.value = f.code;
  input.addEventListener("input", () => (f.code = input.value));
  return [
    h("p", { text: t("link_enter_hint") }),
    f.info ? h("p", { class: "muted", role: "status", "data-testid": "link-code-info", text: f.info }) : null,
    h(
      "form",
      { class: "id-form", "data-testid": "link-code-form", novalidate: true, onsubmit: submitLinkCode },
      h("div", { class: "id-field" }, h("label", { for: "link-code-input", text: t("link_code_label") }), input),
      sheetError("link-code-error", f.error),
      h("button", {
        type: "submit",
        class: "btn primary wide",
        "data-testid": "link-code-submit",
        "data-focus-key": "link-code-submit",
        disabled: f.busy,
        "aria-busy": String(f.busy),
        text: f.busy ? t("link_linking") : t("link_code_btn"),
      }),
    ),
  ];
}

function linkConfirmBody(f) {
  return [
    h("p", { role: "alert", "data-testid": "link-confirm-text", text: f.confirm.text }),
    h(
      "div",
      { class: "id-form" },
      h("button", {
        type: "button",
        class: "btn primary wide",
        "data-testid": "link-confirm-yes",
        "data-autofocus": true,
        disabled: f.busy,
        "aria-busy": String(f.busy),
        text: f.busy ? t("link_linking") : t("link_confirm_yes"),
        onclick: () => answerLink(true),
      }),
      h("button", {
        type: "button",
        class: "btn wide",
        "data-testid": "link-confirm-no",
        disabled: f.busy,
        text: t("link_confirm_no"),
        onclick: () => answerLink(false),
      }),
    ),
  ];
}
