/* Ways into the identity panel: the header's verified mark and the composer's button for an `identity` prompt. */

import { renderComposer } from "../chat/composer.js";
import { h } from "../core/dom.js";
import { api } from "../core/http.js";
import { t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { root, state } from "../core/state.js";
import { openIdentity } from "./panel.js";

export function showsIdentityEntry() {
  return Boolean(state.person && !state.person.staff_role);
}

/** Ask the server once after sign-in, so the header can show a verified mark. */
export async function refreshIdentityMark() {
  if (!showsIdentityEntry()) return;
  const r = await api("GET", "/api/identity/status");
  if (r.ok && typeof r.data.verified === "boolean") setVerified(r.data.verified);
}

export function setVerified(verified) {
  if (state.identityVerified === verified) return;
  state.identityVerified = verified;
  const entry = root.querySelector("[data-testid=identity-menu]");
  if (entry) entry.replaceWith(identityEntry());
  const composer = root.querySelector("[data-testid=composer]");
  if (composer && composer.dataset.kind === "identity") renderComposer(true);
}

export function identityEntry() {
  const verified = state.identityVerified === true;
  const label = verified ? t("id_menu_done") : t("id_menu");
  return h(
    "button",
    {
      type: "button",
      class: `icon-btn id-entry ${verified ? "verified" : ""}`,
      "data-testid": "identity-menu",
      "data-verified": String(verified),
      "aria-label": label,
      "aria-haspopup": "dialog",
      title: label,
      onclick: (event) => openIdentity(event.currentTarget),
    },
    icon(verified ? "check" : "idcard"),
    h("span", { class: "id-entry-label", text: t("id_menu") }),
  );
}

/** The composer for an `identity` prompt: one prominent button. */
export function renderIdentityPrompt() {
  const done = state.identityVerified === true;
  return h(
    "div",
    { class: "id-prompt" },
    h(
      "button",
      {
        type: "button",
        class: "btn primary wide id-prompt-btn",
        "data-testid": "verify-identity",
        "aria-haspopup": "dialog",
        onclick: (event) => openIdentity(event.currentTarget),
      },
      icon("idcard"),
      t("id_open"),
    ),
    h("p", { class: "muted small center", "data-testid": "verify-identity-hint", text: done ? t("id_prompt_done") : t("id_prompt_hint") }),
  );
}
