/* What the court's public pages (/cases, /judgments) share: the reader's language (?lang=, else
 * the browser's), t() over the web chat's catalog, elements, the court's time zone and a request
 * to the public API that never throws. */

import { STRINGS } from "../texts.js";

const asked = new URLSearchParams(location.search).get("lang");
export const locale = asked === "zh" || asked === "en" ? asked : (navigator.language || "zh").startsWith("zh") ? "zh" : "en";
const TAG = locale === "zh" ? "zh-CN" : "en-GB";

export function t(key, values) {
  const text = STRINGS[locale][key] ?? STRINGS.en[key] ?? key;
  return values ? text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m)) : text;
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined));
  return node;
}

/** An instant as the court's calendar shows it (China time). */
export function courtTime(iso) {
  return new Date(iso).toLocaleString(TAG, { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "short" });
}

/** GET a public route: {ok, data}; the court's refusal text, or a network note, when not ok. */
export async function get(path) {
  try {
    const response = await fetch(`${path}${path.includes("?") ? "&" : "?"}lang=${locale}`, { headers: { "Accept-Language": locale } });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, data };
  } catch {
    return { ok: false, data: { text: t("public_network") } };
  }
}

/** The page's frame: the language switch, the links between the public pages, the title. */
export function frame(titleKey, ...body) {
  document.documentElement.lang = TAG;
  document.title = t(titleKey);
  const other = locale === "zh" ? "en" : "zh";
  const nav = el("nav", { class: "public-nav" },
    el("a", { href: `/cases?lang=${locale}` }, t("status_title")), " · ",
    el("a", { href: `/judgments?lang=${locale}` }, t("judgments_title")), " · ",
    el("a", { href: `?lang=${other}`, lang: other, "data-testid": "switch-language" }, t("public_switch")));
  document.getElementById("public").replaceChildren(nav, el("h1", {}, t(titleKey)), ...body);
}
