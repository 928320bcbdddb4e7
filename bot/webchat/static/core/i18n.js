/* t() over the catalog, and times, sizes and roles in the person's language. */

import { STRINGS } from "../texts.js";
import { COURT_TZ } from "./config.js";
import { state } from "./state.js";

export function t(key, params) {
  const table = STRINGS[state.locale] || STRINGS.zh;
  let text = table[key] ?? STRINGS.en[key] ?? key;
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }
  return text;
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  // rounded up, so a file just over a limit never reads as equal to it
  return `${(Math.ceil((bytes / 1024 / 1024) * 10) / 10).toFixed(1)} MB`;
}

/** An instant from the server; one without a zone designator is taken as UTC. */
function parseInstant(iso) {
  if (typeof iso !== "string") return new Date(NaN);
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/i.test(iso) || !iso.includes("T");
  return new Date(zoned ? iso : `${iso}Z`);
}

export function formatTime(iso) {
  const date = parseInstant(iso);
  if (Number.isNaN(date.getTime())) return "";
  const tag = state.locale === "zh" ? "zh-CN" : "en-GB";
  const sameDay = new Date().toDateString() === date.toDateString();
  const opts = sameDay
    ? { hour: "2-digit", minute: "2-digit" }
    : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
  try {
    return new Intl.DateTimeFormat(tag, { ...opts, timeZone: COURT_TZ }).format(date);
  } catch {
    return date.toLocaleString(tag, opts);
  }
}

/** "3 days 4 hours left" / "剩余3天4小时"; null when the instant is unreadable. */
export function timeLeft(iso, now = Date.now()) {
  const due = parseInstant(iso).getTime();
  if (Number.isNaN(due)) return null;
  const ms = due - now;
  if (ms <= 0) return { text: t("overdue"), overdue: true, urgent: true };
  const totalMin = Math.floor(ms / 60000);
  const d = Math.floor(totalMin / 1440);
  const hr = Math.floor((totalMin % 1440) / 60);
  const min = totalMin % 60;
  let text;
  if (state.locale === "zh") {
    if (d > 0) text = `剩余${d}天${hr}小时`;
    else if (hr > 0) text = `剩余${hr}小时${min}分钟`;
    else text = `剩余${Math.max(min, 1)}分钟`;
  } else {
    const unit = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
    if (d > 0) text = `${unit(d, "day")} ${unit(hr, "hour")} left`;
    else if (hr > 0) text = `${unit(hr, "hour")} ${unit(min, "minute")} left`;
    else text = `${unit(Math.max(min, 1), "minute")} left`;
  }
  return { text, overdue: false, urgent: ms < 24 * 3600 * 1000 };
}

export function roleLabel(role) {
  return role ? t(`role_${role}`) : "";
}

export function caseTitle(info) {
  if (!info) return t("app_name");
  return info.case_number || info.reference || t("app_name");
}
