/* Step 3 of identity verification: the live check. The court draws a random sequence of actions;
 * the page records one continuous take with MediaRecorder while showing them one by one, and
 * sends the recording (issue 14: separately taken frames no longer verify anyone). The recording
 * is as the camera sees it (the server's directions are the person's own); only the on-screen
 * preview is mirrored.
 */

import { h } from "../core/dom.js";
import { api, postForm } from "../core/http.js";
import { t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { liveOutcome } from "./outcome.js";
import { closeIdentity, goTo, idp, panelEl } from "./panel.js";
import { idErrorBox } from "./widgets.js";

const ID_LEAD_IN_S = 3; // read the actions before recording starts

const ID_FRONTAL_MS = 1000; // recording starts with the face straight on: the baseline

const ID_ACTION_MS = 2500; // time shown for each action

const ID_TYPES = ["video/webm;codecs=vp8", "video/webm", "video/mp4"];

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function idLiveIntroBody() {
  return [
    h("h3", { tabindex: "-1", text: t("id_live_h") }),
    h("p", { text: t("id_live_intro") }),
    idp.attemptsLeft !== null && idp.attemptsLeft !== undefined
      ? h("p", { class: "muted small", "data-testid": "identity-attempts", text: t("id_attempts_left", { n: idp.attemptsLeft }) })
      : null,
    idErrorBox(),
    h(
      "button",
      { type: "button", class: "btn primary wide id-big", "data-testid": "identity-live-start", onclick: runLiveCheck },
      icon("camera"),
      t("id_live_start"),
    ),
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

function instructionFor(challenge, step) {
  if (!challenge) return "";
  if (step === null || step === undefined || step < 0) return challenge.text;
  const actions = challenge.actions || [];
  if (step >= actions.length) return t("id_look_straight");
  const fallback = { turn_left: t("id_turn_left"), turn_right: t("id_turn_right"), blink: t("id_blink") }[actions[step]];
  return `${step + 1}/${actions.length} · ${(challenge.steps && challenge.steps[step]) || fallback || ""}`;
}

export function idCameraBody() {
  return [
    h("h3", { tabindex: "-1", class: "visually-hidden", text: t("id_live_h") }),
    h(
      "div",
      { class: "id-stage", "data-testid": "identity-stage" },
      h("video", {
        class: "id-video",
        "data-testid": "identity-video",
        autoplay: true,
        muted: true,
        playsinline: true,
        "aria-label": t("id_preview"),
      }),
      h("div", { class: "id-oval", "aria-hidden": "true" }),
      h("div", { class: "id-count", "data-testid": "identity-countdown", "aria-hidden": "true" }),
    ),
    h("p", { class: "id-instruction", "data-testid": "identity-instruction", "aria-live": "assertive" }),
    h("p", { class: "id-live-status", "data-testid": "identity-live-status", role: "status" }),
    h("progress", { class: "id-progress", "data-testid": "identity-progress", max: "100", value: "0", "aria-label": t("id_capturing") }),
    h("button", { type: "button", class: "btn secondary wide", "data-testid": "identity-cancel", text: t("id_cancel"), onclick: closeIdentity }),
  ];
}

/** Repaint the live check's texts without touching the video element. */
export function updateLive() {
  if (!panelEl || idp.phase !== "camera" || !idp.live) return;
  const live = idp.live;
  const instruction = panelEl.querySelector("[data-testid=identity-instruction]");
  const status = panelEl.querySelector("[data-testid=identity-live-status]");
  const count = panelEl.querySelector("[data-testid=identity-countdown]");
  const progress = panelEl.querySelector("[data-testid=identity-progress]");
  const stage = panelEl.querySelector("[data-testid=identity-stage]");
  if (!instruction || !status) return;
  const actions = (idp.challenge && idp.challenge.actions) || [];
  const kind = live.sub === "capturing" && live.step >= 0 ? actions[live.step] || "" : "";
  const text = instructionFor(idp.challenge, live.sub === "capturing" ? live.step : -1);
  instruction.dataset.actions = actions.join("+");
  if (instruction.dataset.text !== text) {
    instruction.dataset.text = text;
    instruction.dataset.kind = kind;
    const arrow = kind === "turn_left" ? "left" : kind === "turn_right" ? "right" : kind === "blink" ? "eye" : null;
    instruction.replaceChildren(...(arrow ? [icon(arrow)] : []), text);
  }
  stage.dataset.sub = live.sub;
  status.dataset.sub = live.sub;
  status.textContent = {
    opening: t("id_camera_opening"),
    ready: t("id_get_ready", { n: live.count }),
    capturing: t("id_recording"),
    checking: t("id_checking"),
  }[live.sub];
  count.textContent = live.sub === "ready" ? String(live.count) : "";
  progress.value = live.progress;
  progress.hidden = live.sub !== "capturing" && live.sub !== "checking";
}

export function stopCamera() {
  const stream = idp.stream;
  idp.stream = null;
  if (stream) for (const track of stream.getTracks()) track.stop();
  const video = panelEl && panelEl.querySelector("[data-testid=identity-video]");
  if (video) video.srcObject = null;
}

function firstFrame(video, timeoutMs) {
  if (video.readyState >= 2 && video.videoWidth) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      video.removeEventListener("loadeddata", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    video.addEventListener("loadeddata", done);
  });
}

/** One continuous recording of the stream while the actions are shown in turn (null if the
 * check was abandoned or the browser cannot record). */
async function recordTake(stream, alive, steps, onStep) {
  if (typeof MediaRecorder === "undefined") return null;
  const type = ID_TYPES.find((candidate) => MediaRecorder.isTypeSupported(candidate));
  let recorder;
  try {
    recorder = new MediaRecorder(stream, type ? { mimeType: type, videoBitsPerSecond: 1500000 } : {});
  } catch (err) {
    return null;
  }
  const chunks = [];
  recorder.ondataavailable = (event) => {
    if (event.data && event.data.size) chunks.push(event.data);
  };
  const stopped = new Promise((resolve) => {
    recorder.onstop = resolve;
  });
  recorder.start();
  const total = ID_FRONTAL_MS + steps * ID_ACTION_MS + ID_FRONTAL_MS;
  const start = performance.now();
  let step = -1;
  onStep(step, 0);
  while (performance.now() - start < total) {
    await sleep(100);
    if (!alive()) {
      recorder.stop();
      return null;
    }
    const elapsed = performance.now() - start;
    step = elapsed < ID_FRONTAL_MS ? -1 : Math.floor((elapsed - ID_FRONTAL_MS) / ID_ACTION_MS);
    onStep(step, Math.min(100, Math.round((100 * elapsed) / total)));
  }
  recorder.stop();
  await stopped;
  if (!chunks.length) return null;
  return new Blob(chunks, { type: recorder.mimeType || type || "video/webm" });
}

export async function runLiveCheck() {
  const run = ++idp.run;
  const alive = () => idp.open && run === idp.run;
  clearTimeout(idp.closeTimer);
  stopCamera();
  idp.error = null;
  idp.result = null;
  idp.challenge = null;
  idp.live = { sub: "opening", count: ID_LEAD_IN_S, step: -1, progress: 0 };
  goTo("camera");
  const media = navigator.mediaDevices;
  if (!media || typeof media.getUserMedia !== "function") {
    cameraProblem(window.isSecureContext === false ? "insecure" : "missing");
    return;
  }
  let stream;
  try {
    stream = await media.getUserMedia({ video: { facingMode: "user", width: 640, height: 480 }, audio: false });
  } catch (err) {
    if (!alive()) return;
    const name = err && err.name;
    cameraProblem(["NotAllowedError", "PermissionDeniedError", "SecurityError"].includes(name) ? "denied" : "missing");
    return;
  }
  if (!alive()) {
    for (const track of stream.getTracks()) track.stop();
    return;
  }
  idp.stream = stream;
  const video = panelEl.querySelector("[data-testid=identity-video]");
  video.srcObject = stream;
  video.play().catch(() => {});
  await firstFrame(video, 8000);
  if (!alive()) return;
  if (!video.videoWidth) {
    cameraProblem("missing");
    return;
  }
  // the challenge is asked for once the camera shows a picture: its seconds start now
  const challenge = await api("POST", "/api/identity/challenge", {});
  if (!alive()) return;
  if (!challenge.ok || !challenge.data.nonce) {
    stopCamera();
    liveOutcome(challenge);
    return;
  }
  idp.challenge = challenge.data;
  for (let n = ID_LEAD_IN_S; n > 0; n--) {
    idp.live.sub = "ready";
    idp.live.count = n;
    updateLive();
    await sleep(1000);
    if (!alive()) return;
  }
  idp.live.sub = "capturing";
  updateLive();
  const recording = await recordTake(stream, alive, (idp.challenge.actions || []).length, (step, progress) => {
    idp.live.step = step;
    idp.live.progress = progress;
    updateLive();
  });
  stopCamera();
  if (!alive()) return;
  if (!recording) {
    cameraProblem("missing");
    return;
  }
  idp.live.sub = "checking";
  idp.busy = true;
  updateLive();
  const form = new FormData();
  form.append("nonce", idp.challenge.nonce);
  form.append("video", recording, recording.type.includes("mp4") ? "live.mp4" : "live.webm");
  const r = await postForm("/api/identity/recording", form);
  if (!alive()) return;
  idp.busy = false;
  liveOutcome(r);
}

function cameraProblem(kind) {
  stopCamera();
  idp.cameraProblem = kind;
  goTo("camera_error");
}
