/* The page's language, t() over the catalog, and times in court time. */

import { STRINGS } from "./texts.js";

export const LOCALES = ["zh", "en"];
const COURT_TZ = "Asia/Shanghai";
const LOCALE_KEY = "mc_workspace_locale";

export const lang = { locale: "zh" };

/** The language asked for in ?lang=, else the one chosen here before, else the person's. */
export function chooseLocale(personLocale) {
  const asked = new URLSearchParams(location.search).get("lang");
  const kept = localStorage.getItem(LOCALE_KEY);
  lang.locale = [asked, kept, personLocale].find((l) => LOCALES.includes(l)) || "zh";
  document.documentElement.lang = lang.locale === "zh" ? "zh-CN" : "en";
}

export function switchLocale() {
  lang.locale = lang.locale === "zh" ? "en" : "zh";
  localStorage.setItem(LOCALE_KEY, lang.locale);
  document.documentElement.lang = lang.locale === "zh" ? "zh-CN" : "en";
}

export function t(key, params) {
  let text = STRINGS[lang.locale][key] ?? STRINGS.en[key] ?? key;
  if (params) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  return text;
}

/** An instant in court time, e.g. "2026-12-08 23:59". */
export function formatTime(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return "";
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: COURT_TZ, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  }).formatToParts(date);
  const part = (type) => parts.find((p) => p.type === type)?.value || "";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
}

/** How long until `iso`, in words, and whether it is near (under a day) or past. */
export function timeLeft(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  if (Number.isNaN(ms)) return null;
  if (ms <= 0) return { text: t("overdue"), urgent: true, overdue: true };
  const minutes = Math.floor(ms / 60000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const text = d > 0 ? t("left_days", { d, h }) : t("left_hours", { h, m: minutes % 60 });
  return { text, urgent: ms < 24 * 3600 * 1000, overdue: false };
}
