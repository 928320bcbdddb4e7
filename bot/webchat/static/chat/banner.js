/* The one-line banner under the header (connection lost, notices from the court). */

import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { root, state } from "../core/state.js";

export function setBanner(text, dismissible) {
  state.banner = text ? { text, dismissible: Boolean(dismissible) } : null;
  state.bannerCaseId = null;
  renderBanner();
}

export function renderBanner() {
  const el = root.querySelector("[data-testid=conn-status]");
  if (!el) return;
  el.replaceChildren();
  el.hidden = !state.banner;
  if (!state.banner) return;
  el.append(h("span", { text: state.banner.text }));
  if (state.banner.dismissible) {
    el.append(
      h("button", {
        type: "button",
        class: "icon-btn",
        "aria-label": t("dismiss"),
        text: "×",
        onclick: () => setBanner(null),
      }),
    );
  }
}
