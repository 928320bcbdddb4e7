/* Small dialogs ("sheets") over the app, one at a time: the account menu, joining a case, acting as
 * an agent, linking Telegram, a case's menu and its service records. This module opens, closes and
 * renders them; each sheet's body lives in its feature's module.
 */

import { h, keepingFocus } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { root, state } from "../core/state.js";
import { idp } from "../identity/panel.js";
import { agentBody } from "./agent.js";
import { forms, newForms } from "./forms.js";
import { inviteBody } from "./invite.js";
import { joinBody } from "./join.js";
import { linkCodeBody } from "./link-code.js";
import { caseSheetBody, menuBody } from "./menus.js";
import { serviceBody } from "./service.js";
import { linkBody, requestLink } from "./telegram-link.js";

export const sheet = { kind: null, opener: null, el: null };

export function openSheet(kind, opener) {
  if (idp.open || !state.person) return;
  if (!sheet.el) {
    sheet.opener = opener || document.activeElement;
    sheet.el = h("div", {
      class: "sheet-overlay",
      "data-testid": "sheet",
      onclick: (event) => {
        if (event.target === sheet.el) closeSheet(); // a tap beside the sheet
      },
    });
    document.body.append(sheet.el);
    root.inert = true;
    document.addEventListener("keydown", onSheetKey);
  }
  sheet.kind = kind;
  renderSheet();
  focusInSheet("[data-autofocus]:not([disabled])", "#sheet-title");
}

/** Open a sheet from the app's own entries: a form left with an old answer starts afresh. */
export function openTool(kind, opener) {
  const f = kind === "link_code" ? forms.linkCode : forms[kind];
  if (kind === "agent" && f.result) forms.agent = newForms().agent;
  else if (f && !f.busy && f.errorCode !== "verify_first") {
    f.error = null;
    f.errorCode = null;
  }
  if (kind === "link" && !forms.link.busy) requestLink();
  openSheet(kind, opener);
}

export function closeSheet() {
  if (!sheet.el) return;
  sheet.el.remove();
  sheet.el = null;
  sheet.kind = null;
  document.removeEventListener("keydown", onSheetKey);
  if (!idp.open) root.inert = false;
  const back = sheet.opener;
  sheet.opener = null;
  if (back && back.isConnected && typeof back.focus === "function") back.focus({ preventScroll: true });
}

function onSheetKey(event) {
  if (event.key === "Escape" && sheet.el) {
    event.preventDefault();
    closeSheet();
  }
}

/** Focus the first element found, trying the selectors in order. */
export function focusInSheet(...selectors) {
  if (!sheet.el) return;
  for (const selector of selectors) {
    const target = sheet.el.querySelector(selector);
    if (target && typeof target.focus === "function") {
      target.focus({ preventScroll: true });
      return;
    }
  }
}

export function renderSheet() {
  if (!sheet.el) return;
  const { title, body, busy } = sheetContent(sheet.kind);
  const dialog = h(
    "section",
    {
      class: "sheet",
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": "sheet-title",
      "data-testid": `sheet-${sheet.kind}`,
      "aria-busy": String(Boolean(busy)),
    },
    h(
      "header",
      { class: "sheet-head" },
      h("h2", { id: "sheet-title", tabindex: "-1", text: title }),
      h(
        "button",
        {
          type: "button",
          class: "icon-btn",
          "data-testid": "sheet-close",
          "data-focus-key": "sheet-close",
          "aria-label": t("sheet_close"),
          title: t("sheet_close"),
          onclick: closeSheet,
        },
        icon("close"),
      ),
    ),
    h("div", { class: "sheet-body" }, body),
  );
  const hadFocus = sheet.el.contains(document.activeElement) || document.activeElement === document.body;
  keepingFocus(sheet.el, () => sheet.el.replaceChildren(dialog));
  // a control that had focus may be disabled now (a request in flight): keep focus in the dialog
  if (hadFocus && !sheet.el.contains(document.activeElement)) focusInSheet("#sheet-title");
}

function sheetContent(kind) {
  switch (kind) {
    case "menu":
      return { title: t("account_title"), body: menuBody() };
    case "case":
      return { title: t("case_title"), body: caseSheetBody() };
    case "invite":
      return { title: t("invite_title"), body: inviteBody(), busy: forms.invite.busy };
    case "service":
      return { title: t("service_title"), body: serviceBody(), busy: forms.service.busy };
    case "join":
      return { title: t("join_title"), body: joinBody(), busy: forms.join.busy };
    case "agent":
      return { title: t("agent_title"), body: agentBody(), busy: forms.agent.busy };
    case "link":
      return { title: t("link_title"), body: linkBody(), busy: forms.link.busy };
    case "link_code":
      return { title: t("link_enter"), body: linkCodeBody(), busy: forms.linkCode.busy };
    default:
      return { title: t("app_name"), body: [] };
  }
}

export function sheetError(testid, text) {
  return h("p", { class: "error-box", role: "alert", "data-testid": testid, hidden: !text, text: text || "" });
}

export function copyButton(testid, value, form) {
  if (!value || !navigator.clipboard || typeof navigator.clipboard.writeText !== "function") return null;
  return h(
    "button",
    {
      type: "button",
      class: "btn",
      "data-testid": testid,
      "data-focus-key": testid,
      "aria-live": "polite",
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(value);
          form.copied = true;
        } catch {
          form.copied = false;
        }
        renderSheet();
      },
    },
    icon(form.copied ? "check" : "copy"),
    form.copied ? t("copied") : t("copy_code"),
  );
}
