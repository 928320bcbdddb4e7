/* The header's language switch: it shows which language is on (bold, marked) beside the one a
 * tap switches to, and its accessible name says both. */

import { STRINGS } from "../texts.js";
import { LOCALES } from "./config.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { state } from "./state.js";

/** A button switching to the other language; `attrs` adds its test id, click handler and so on. */
export function langToggle(attrs) {
  const other = LOCALES.find((loc) => loc !== state.locale) || "en";
  return h(
    "button",
    {
      type: "button",
      class: "icon-btn lang",
      "data-locale": state.locale,
      "aria-label": `${t("language")}: ${t("lang_name")}. ${t("switch_label")}`,
      title: t("switch_label"),
      ...attrs,
    },
    h("span", { class: "lang-now", "data-testid": "lang-now", text: t("lang_short") }),
    h("span", { class: "lang-sep", "aria-hidden": "true", text: "/" }),
    h("span", { class: "lang-next", lang: other === "en" ? "en" : "zh-CN", text: STRINGS[other].lang_short }),
  );
}
