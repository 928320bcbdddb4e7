/* Step 3 of identity verification: the live check. Frames are drawn as the camera sees them (the
 * server's directions are the person's own); only the on-screen preview is mirrored.
 */

import { h } from "../core/dom.js";
import { api, postForm } from "../core/http.js";
import { t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { liveOutcome } from "./outcome.js";
import { closeIdentity, goTo, idp, panelEl } from "./panel.js";
import { idErrorBox } from "./widgets.js";

const ID_FRAMES = 10;

const ID_FRAME_GAP_MS = 250; // 10 frames over 2.25-2.5 s

const ID_LEAD_IN_S = 3; // "look straight at the camera" before recording: the first frame is the baseline

const ID_JPEG_QUALITY = 0.85;

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

function instructionFor(challenge) {
  if (!challenge) return "";
  if (challenge.text) return challenge.text;
  return { turn_left: t("id_turn_left"), turn_right: t("id_turn_right"), blink: t("id_blink") }[challenge.kind] || "";
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
    h("progress", { class: "id-progress", "data-testid": "identity-progress", max: String(ID_FRAMES), value: "0", "aria-label": t("id_capturing") }),
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
  const kind = idp.challenge ? idp.challenge.kind : "";
  const text = instructionFor(idp.challenge);
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
    capturing: `${t("id_capturing")} · ${t("id_frames", { n: live.frames, total: ID_FRAMES })}`,
    checking: t("id_checking"),
  }[live.sub];
  count.textContent = live.sub === "ready" ? String(live.count) : "";
  progress.value = live.frames;
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

/** ID_FRAMES frames, ID_FRAME_GAP_MS apart, as JPEG blobs (null if the check was abandoned). */
async function captureFrames(video, alive, onFrame) {
  const width = video.videoWidth;
  const height = video.videoHeight;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  const blobs = [];
  const start = performance.now();
  for (let i = 0; i < ID_FRAMES; i++) {
    const wait = start + i * ID_FRAME_GAP_MS - performance.now();
    if (wait > 0) await sleep(wait);
    if (!alive()) return null;
    ctx.drawImage(video, 0, 0, width, height);
    // toBlob copies the bitmap now and encodes in the background
    blobs.push(new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", ID_JPEG_QUALITY)));
    onFrame(i + 1);
  }
  const done = await Promise.all(blobs);
  return done.every(Boolean) ? done : null;
}

export async function runLiveCheck() {
  const run = ++idp.run;
  const alive = () => idp.open && run === idp.run;
  clearTimeout(idp.closeTimer);
  stopCamera();
  idp.error = null;
  idp.result = null;
  idp.challenge = null;
  idp.live = { sub: "opening", count: ID_LEAD_IN_S, frames: 0 };
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
  // the challenge is asked for once the camera shows a picture: its 30 s start now
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
  const frames = await captureFrames(video, alive, (n) => {
    idp.live.frames = n;
    updateLive();
  });
  stopCamera();
  if (!alive()) return;
  if (!frames) {
    cameraProblem("missing");
    return;
  }
  idp.live.sub = "checking";
  idp.busy = true;
  updateLive();
  const form = new FormData();
  form.append("nonce", idp.challenge.nonce);
  frames.forEach((blob, i) => form.append("frames", blob, `frame-${String(i + 1).padStart(2, "0")}.jpg`));
  const r = await postForm("/api/identity/selfie", form);
  if (!alive()) return;
  idp.busy = false;
  liveOutcome(r);
}

function cameraProblem(kind) {
  stopCamera();
  idp.cameraProblem = kind;
  goTo("camera_error");
}
