/* What the court said about a live check: verified, failed, sent to a clerk, or the camera could not be used. */

import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { runLiveCheck } from "./camera.js";
import { setVerified } from "./entry.js";
import { closeIdentity, goTo, idp } from "./panel.js";
import { closeButton } from "./widgets.js";

const ID_CLOSE_AFTER_MS = 3000;

/** The server says this person is verified already (e.g. in another tab, or by a clerk). */
export function alreadyVerified(d) {
  if (d.error !== "already_verified") return false;
  setVerified(true);
  idp.status = { ...(idp.status || {}), verified: true };
  goTo("already");
  return true;
}

export function liveOutcome(r) {
  const d = r.data || {};
  if (typeof d.attempts_left === "number") idp.attemptsLeft = d.attempts_left;
  if (alreadyVerified(d)) return;
  if (r.ok && d.outcome === "pending_review") {
    idp.result = { text: d.text };
    goTo("manual");
    return;
  }
  if (r.ok && d.outcome === "verified") {
    idp.result = { text: d.text };
    setVerified(true);
    goTo("verified");
    idp.closeTimer = setTimeout(() => {
      if (idp.open && idp.phase === "verified") closeIdentity();
    }, ID_CLOSE_AFTER_MS);
    return;
  }
  if (d.error === "too_many_attempts" || (d.outcome === "failed" && idp.attemptsLeft === 0)) {
    idp.attemptsLeft = 0;
    idp.result = { text: d.text };
    goTo("manual");
    return;
  }
  if (r.status === 503 || r.status === 429) {
    // the face checker is busy, or challenges came too fast: nothing was counted, try shortly
    idp.result = { text: d.text || t("id_busy") };
    goTo("busy");
    return;
  }
  // a step the server says is missing (e.g. the reference was withdrawn meanwhile)
  if (idp.status && r.status >= 400 && r.status < 500 && r.status !== 422) {
    if (/consent/.test(d.error || "")) {
      idp.error = d.text || null;
      idp.status.consent = false;
      goTo("consent");
      return;
    }
    if (/reference/.test(d.error || "")) {
      idp.error = d.text || null;
      idp.status.reference = false;
      goTo("reference");
      return;
    }
  }
  idp.result = { text: d.text || t("network_error"), error: d.error || (r.status === 0 ? "network" : null) };
  goTo("failed");
}

export function idCameraErrorBody() {
  const kind = idp.cameraProblem || "missing";
  return [
    h("div", { class: "id-outcome problem", "aria-hidden": "true" }, icon("camera")),
    h("h3", { tabindex: "-1", text: t("id_camera_h") }),
    h("p", { role: "alert", "data-testid": "identity-camera-error", "data-problem": kind, text: t(`id_camera_${kind}`) }),
    h("p", { class: "id-note", "data-testid": "identity-telegram-hint", text: t("id_camera_telegram") }),
    h("button", { type: "button", class: "btn primary wide", "data-testid": "identity-retry", text: t("id_try_again"), onclick: runLiveCheck }),
    closeButton(),
  ];
}

export function idFailedBody() {
  const left = idp.attemptsLeft;
  const text = idp.result ? idp.result.text : "";
  // the court's explanation usually ends with the attempts left; say it only if it does not
  const saysLeft = typeof left === "number" && text.includes(String(left));
  return [
    h("div", { class: "id-outcome problem", "aria-hidden": "true" }, icon("alert")),
    h("h3", { tabindex: "-1", text: t("id_failed_h") }),
    h("p", {
      role: "alert",
      "data-testid": "identity-failed",
      "data-error": idp.result && idp.result.error,
      "data-attempts-left": typeof left === "number" ? String(left) : null,
      text,
    }),
    typeof left === "number" && !saysLeft
      ? h("p", { class: "id-note", "data-testid": "identity-attempts", text: t("id_attempts_left", { n: left }) })
      : null,
    h("button", { type: "button", class: "btn primary wide id-big", "data-testid": "identity-retry", text: t("id_try_again"), onclick: runLiveCheck }),
    h("button", {
      type: "button",
      class: "link-btn",
      "data-testid": "identity-redo-reference",
      text: t("id_redo_reference"),
      onclick: () => {
        idp.error = null;
        goTo("reference");
      },
    }),
  ];
}

export function idVerifiedBody() {
  const method = idp.status && idp.status.method;
  const methodText = method ? t(`id_method_${method}`) : "";
  return [
    h("div", { class: "id-outcome ok", "aria-hidden": "true" }, icon("check")),
    h("h3", { tabindex: "-1", "data-testid": "identity-verified", text: t("id_verified_h") }),
    h("p", {
      role: "status",
      "data-testid": "identity-verified-text",
      text: idp.phase === "verified" ? (idp.result && idp.result.text) || t("id_verified_note") : t("id_already"),
    }),
    idp.phase === "already" && method && methodText !== `id_method_${method}`
      ? h("p", { class: "muted small", "data-testid": "identity-method", text: t("id_method", { method: methodText }) })
      : null,
    h("button", { type: "button", class: "btn primary wide", "data-testid": "identity-done", text: t("id_done"), onclick: closeIdentity }),
    h("button", {
      type: "button",
      class: "link-btn danger",
      "data-testid": "identity-delete",
      text: t("id_delete"),
      onclick: () => {
        clearTimeout(idp.closeTimer);
        idp.error = null;
        goTo("delete");
      },
    }),
  ];
}
