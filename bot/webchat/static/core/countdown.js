/* Deadline countdowns ("3 days 4 hours left"), repainted every minute by main.js. */

import { h } from "./dom.js";
import { formatTime, timeLeft } from "./i18n.js";
import { icon } from "./icons.js";
import { state } from "./state.js";

export function countdown(iso, label, testid = "countdown") {
  const el = h("span", {
    class: "countdown",
    "data-testid": testid,
    "data-due": iso,
    "data-label": label || "",
    role: "timer",
  });
  paintCountdown(el);
  return el;
}

function paintCountdown(el) {
  const left = timeLeft(el.dataset.due);
  if (!left) {
    el.hidden = true;
    return;
  }
  const label = el.dataset.label;
  el.replaceChildren(
    icon("clock"),
    label ? `${label}${state.locale === "zh" ? "：" : ": "}${left.text}` : left.text,
  );
  el.classList.toggle("urgent", left.urgent);
  el.classList.toggle("overdue", left.overdue);
  el.title = formatTime(el.dataset.due);
}

export function tickCountdowns() {
  for (const el of document.querySelectorAll("[data-due]")) paintCountdown(el);
}
