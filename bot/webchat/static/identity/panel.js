/* Identity verification (OLR 7): a panel over the app, opened from an `identity` prompt or from the
 * header. Three steps:
 *   1. separate consent to facial data (PIPL 28-29)      POST /api/identity/consent   (consent.js)
 *   2. name, ID number, photo of the portrait side        POST /api/identity/reference (reference.js)
 *   3. live check: a challenge, one recorded take          POST /api/identity/challenge, /recording (camera.js)
 * GET /api/identity/status says which steps are done. This module owns the panel: its state (idp),
 * opening and closing, the phase and its rendering.
 */

import { h } from "../core/dom.js";
import { api } from "../core/http.js";
import { t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { langToggle } from "../core/lang.js";
import { root, state } from "../core/state.js";
import { setLocale } from "../net/navigation.js";
import { afterIdentityClosed } from "../parties/verify.js";
import { idCameraBody, idLiveIntroBody, runLiveCheck, stopCamera, updateLive } from "./camera.js";
import { idConsentBody } from "./consent.js";
import { idDeleteBody } from "./deletion.js";
import { setVerified } from "./entry.js";
import { idCameraErrorBody, idFailedBody, idVerifiedBody } from "./outcome.js";
import { idReferenceBody } from "./reference.js";
import { closeButton, idErrorBox } from "./widgets.js";

const ID_STEP_OF = { consent: 1, reference: 2, live: 3, camera: 3, failed: 3, busy: 3, camera_error: 3 };

export const idp = {
  open: false,
  phase: "loading", // loading | unavailable | consent | reference | live | camera | failed | busy | camera_error | manual | verified | already
  status: null,
  consentTicked: false,
  name: "",
  number: "",
  photo: null, // the chosen File (kept across re-renders and errors)
  photoUrl: null,
  error: null, // a problem shown in place on the current step
  busy: false, // a request of the current step is in flight
  attemptsLeft: null,
  result: null, // {text, attemptsLeft} of the last live check
  cameraProblem: null, // denied | missing | insecure
  challenge: null,
  live: null, // {sub: opening | ready | capturing | checking, count, step, progress}
  stream: null,
  run: 0, // bumped on close and on each live check: callbacks of an old run do nothing
  opener: null,
  closeTimer: null,
  focusStep: false,
};

export let panelEl = null;

export function openIdentity(opener) {
  if (idp.open) return;
  clearTimeout(idp.closeTimer);
  Object.assign(idp, {
    open: true,
    phase: "loading",
    opener: opener || document.activeElement,
    consentTicked: false, // consent is asked afresh every time: never pre-ticked
    error: null,
    busy: false,
    result: null,
    cameraProblem: null,
    challenge: null,
    live: null,
    focusStep: false,
  });
  panelEl = h("div", { class: "id-overlay", "data-testid": "identity-panel" });
  document.body.append(panelEl);
  root.inert = true; // the chat underneath is out of reach (and out of the accessibility tree)
  document.addEventListener("keydown", onIdentityKey);
  renderIdentity();
  panelEl.querySelector("#id-title")?.focus({ preventScroll: true });
  loadIdentityStatus();
}

export function closeIdentity() {
  if (!idp.open) return;
  idp.run += 1;
  stopCamera();
  clearTimeout(idp.closeTimer);
  idp.open = false;
  idp.busy = false;
  document.removeEventListener("keydown", onIdentityKey);
  if (panelEl) panelEl.remove();
  panelEl = null;
  root.inert = false;
  const back =
    idp.opener && idp.opener.isConnected ? idp.opener : root.querySelector("[data-testid=identity-menu]");
  if (back && typeof back.focus === "function") back.focus({ preventScroll: true });
  idp.opener = null;
  afterIdentityClosed();
}

function onIdentityKey(event) {
  if (event.key === "Escape" && idp.open) {
    event.preventDefault();
    closeIdentity();
  }
}

async function loadIdentityStatus() {
  const run = idp.run;
  const r = await api("GET", "/api/identity/status");
  if (!idp.open || run !== idp.run) return;
  if (!r.ok) {
    idp.error = r.status === 0 ? r.data.text : r.data.text || t("id_unavailable");
    goTo("unavailable");
    return;
  }
  applyStatus(r.data);
}

function applyStatus(st) {
  idp.status = { ...st };
  if (st.filed_as && !idp.name && !idp.number) {
    // the check must find the plaintiff the filing names (OLR 7): start from what it says
    idp.name = st.filed_as.name;
    idp.number = st.filed_as.id_number;
  }
  if (typeof st.attempts_left === "number") idp.attemptsLeft = st.attempts_left;
  setVerified(Boolean(st.verified));
  if (st.verified) goTo("already");
  else if (idp.attemptsLeft === 0 || st.in_review) goTo("manual"); // a clerk has it now
  else if (!st.consent) goTo("consent");
  else if (!st.reference) goTo("reference");
  else goTo("live");
}

export function goTo(phase) {
  if (phase !== idp.phase) idp.focusStep = true;
  idp.phase = phase;
  renderIdentity();
}

export function renderIdentity() {
  if (!panelEl) return;
  const step = ID_STEP_OF[idp.phase] || 0;
  const recording = idp.phase === "camera";
  const other = state.locale === "zh" ? "en" : "zh";
  const dialog = h(
    "section",
    {
      class: "id-panel",
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": "id-title",
      "data-testid": "identity-dialog",
      "data-phase": idp.phase,
      "aria-busy": String(idp.busy || idp.phase === "loading"),
    },
    h(
      "header",
      { class: "id-head" },
      icon("idcard"),
      h("h2", { id: "id-title", tabindex: "-1", text: t("id_title") }),
      langToggle({
        "data-testid": "identity-lang",
        disabled: recording || idp.busy, // a re-render would drop the camera preview or a send
        onclick: () => {
          setLocale(other);
          panelEl?.querySelector("[data-testid=identity-lang]")?.focus({ preventScroll: true });
        },
      }),
      h(
        "button",
        {
          type: "button",
          class: "icon-btn",
          "data-testid": "identity-close",
          "aria-label": t("id_close"),
          title: t("id_close"),
          onclick: closeIdentity,
        },
        icon("close"),
      ),
    ),
    step ? renderIdSteps(step) : null,
    h("div", { class: "id-body", "data-testid": `identity-step-${idp.phase}` }, identityBody()),
  );
  panelEl.replaceChildren(dialog);
  if (idp.focusStep) {
    idp.focusStep = false;
    const heading = dialog.querySelector(".id-body h3");
    if (heading) heading.focus({ preventScroll: true });
  }
  if (recording) updateLive();
}

function renderIdSteps(current) {
  const steps = ["consent", "reference", "live"];
  return h(
    "nav",
    { class: "id-steps-wrap", "aria-label": t("id_steps") },
    h("p", { class: "visually-hidden", text: t("id_step_n", { n: current }) }),
    h(
      "ol",
      { class: "id-steps", "data-testid": "identity-steps" },
      steps.map((key, i) => {
        const n = i + 1;
        const done = n < current;
        return h(
          "li",
          {
            class: done ? "done" : n === current ? "current" : "",
            "aria-current": n === current ? "step" : null,
          },
          h("span", { class: "id-step-num", "aria-hidden": "true" }, done ? icon("check") : String(n)),
          h("span", { class: "id-step-name", text: t(`id_step_${key}`) }),
        );
      }),
    ),
  );
}

function identityBody() {
  switch (idp.phase) {
    case "loading":
      return [h("p", { class: "muted center id-wait", role: "status", text: t("id_loading") })];
    case "unavailable":
      return [
        h("h3", { tabindex: "-1", text: t("id_title") }),
        idErrorBox(idp.error || t("id_unavailable")),
        closeButton(),
      ];
    case "consent":
      return idConsentBody();
    case "reference":
      return idReferenceBody();
    case "live":
      return idLiveIntroBody();
    case "camera":
      return idCameraBody();
    case "camera_error":
      return idCameraErrorBody();
    case "failed":
      return idFailedBody();
    case "busy":
      return [
        h("h3", { tabindex: "-1", text: t("id_live_h") }),
        h("p", { class: "id-note", role: "alert", "data-testid": "identity-busy", text: (idp.result && idp.result.text) || t("id_busy") }),
        h("button", { type: "button", class: "btn primary wide", "data-testid": "identity-retry", text: t("id_try_again"), onclick: runLiveCheck }),
      ];
    case "manual":
      return [
        h("div", { class: "id-outcome manual", "aria-hidden": "true" }, icon("alert")),
        h("h3", { tabindex: "-1", text: t("id_manual_h") }),
        h("p", { role: "alert", "data-testid": "identity-manual", text: (idp.result && idp.result.text) || t("id_manual_note") }),
        idp.result && idp.result.text ? h("p", { class: "muted", text: t("id_manual_note") }) : null,
        closeButton(),
      ];
    case "verified":
    case "already":
      return idVerifiedBody();
    case "delete":
      return idDeleteBody();
    case "deleted":
      return [
        h("div", { class: "id-outcome ok", "aria-hidden": "true" }, icon("check")),
        h("h3", { tabindex: "-1", text: t("id_deleted_h") }),
        h("p", { role: "status", "data-testid": "identity-deleted", text: (idp.result && idp.result.text) || "" }),
        closeButton(t("id_done")),
      ];
    default:
      return [];
  }
}
