/* Following new messages while the reader is at the bottom of the conversation. */

import { root, state } from "../core/state.js";

/** Follow new messages while the reader is at the bottom; leave them alone once they scroll up. */
export function watchScroll(list) {
  list.addEventListener("scroll", () => {
    state.stick = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }, { passive: true });
  // the composer growing (a textarea, a countdown) or the keyboard opening shrinks the list
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(() => scrollToEnd()).observe(list);
  }
}

export function scrollToEnd(always) {
  const list = root.querySelector("[data-testid=conversation]");
  if (!list) return;
  if (always) state.stick = true;
  if (state.stick) list.scrollTop = list.scrollHeight;
}
