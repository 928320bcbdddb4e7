/* Linking this account with Telegram: the bot's deep link and /start code. */

import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { state } from "../core/state.js";
import { sendIntent } from "../net/navigation.js";
import { forms } from "./forms.js";
import { copyButton, openTool, sheetError } from "./sheet.js";
import { beginSide, clearSide, showSheetResult } from "./side.js";

export function requestLink() {
  forms.link = { busy: true, error: null, result: null };
  beginSide("link");
  sendIntent({ type: "link_telegram" });
}

export function onLink(frame) {
  if (!state.side || state.side.kind !== "link") return;
  clearSide();
  forms.link = { busy: false, error: null, result: { deep_link: frame.deep_link, code: frame.code } };
  showSheetResult("link");
}

export function linkBody() {
  const f = forms.link;
  const other = h("button", {
    type: "button",
    class: "link-btn",
    "data-testid": "link-enter-code",
    "data-focus-key": "link-enter-code",
    text: t("link_enter"),
    onclick: () => openTool("link_code"),
  });
  if (f.busy) return [h("p", { class: "muted center sheet-wait", role: "status", text: t("link_loading") })];
  if (f.error || !f.result) return [sheetError("link-error", f.error || t("network_error")), other];
  const href = /^https:\/\//i.test(f.result.deep_link || "") ? f.result.deep_link : null;
  const manual = `/start link_${f.result.code}`;
  return [
    h("p", { text: t("link_intro") }),
    href
      ? h(
          "a",
          {
            class: "btn primary wide",
            href,
            target: "_blank",
            rel: "noopener noreferrer",
            "data-testid": "link-deep-link",
            "data-focus-key": "link-deep-link",
            "data-autofocus": true,
          },
          icon("plane"),
          t("link_open"),
        )
      : null,
    h("p", { class: "muted small", text: t("link_manual") }),
    h("p", { class: "code-box", "data-testid": "link-code", text: manual }),
    copyButton("copy-link-code", manual, f),
    other,
  ];
}
