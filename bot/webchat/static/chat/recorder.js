/* Recording a statement in the mini-app: the camera and microphone (or the microphone alone) through
 * getUserMedia, MediaRecorder to a webm file, a preview with its length, then record again or send.
 * The recording is checked against the prompt's limits and sent through the upload route like any
 * file, so the court fingerprints it on receipt and it becomes the answer. */

import { h } from "../core/dom.js";
import { formatSize, t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { state } from "../core/state.js";
import { addLocal } from "./answers.js";
import { acceptList, fileProblem, uploadFiles } from "./uploads.js";

const TYPES = {
  video: ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp8", "video/webm"],
  audio: ["audio/webm;codecs=opus", "audio/webm"],
};
const SLICE_MS = 1000; // the recorder hands over data every second: the size is watched while recording

let session = null; // the one recording open in the page: { stream, recorder, url, timer }

/** Whether a statement prompt can take a recording here: the browser records, the court takes webm. */
export function canRecord(prompt) {
  const accept = acceptList(prompt);
  return typeof MediaRecorder === "function" && (!accept.length || accept.includes("webm"));
}

/** Stop the camera and forget the recording (the prompt changed, or the person cancelled). */
export function stopRecording() {
  if (!session) return;
  clearInterval(session.timer);
  if (session.recorder && session.recorder.state !== "inactive") {
    session.recorder.ondataavailable = null;
    session.recorder.onstop = null;
    session.recorder.stop();
  }
  for (const track of session.stream ? session.stream.getTracks() : []) track.stop();
  if (session.url) URL.revokeObjectURL(session.url);
  session = null;
}

/** Open the camera (kind "video") or the microphone ("audio") in `panel`, ready to record. */
export async function openRecorder(caseId, msg, panel, kind) {
  stopRecording();
  const mine = { kind, stream: null, recorder: null, url: null, timer: null };
  session = mine;
  panel.hidden = false;
  panel.closest(".statement")?.setAttribute("data-recording", "true"); // the recorder takes the composer
  fill(panel, h("p", { class: "muted small", "data-testid": "recorder-status", text: t("recorder_opening") }));
  const media = navigator.mediaDevices;
  if (!media || typeof media.getUserMedia !== "function") {
    showProblem(panel, t(window.isSecureContext === false ? "recorder_insecure" : "recorder_unavailable"));
    return;
  }
  try {
    mine.stream = await openStream(media, kind);
  } catch {
    if (session === mine) showProblem(panel, t("recorder_unavailable"));
    return;
  }
  if (session !== mine) {
    for (const track of mine.stream.getTracks()) track.stop();
    return;
  }
  showLive(caseId, msg, panel);
}

async function openStream(media, kind) {
  if (kind === "audio") return media.getUserMedia({ audio: true, video: false });
  const video = { facingMode: "user", width: 640, height: 480 };
  try {
    return await media.getUserMedia({ video, audio: true });
  } catch {
    return media.getUserMedia({ video, audio: false }); // no microphone: a silent video still speaks
  }
}

function showProblem(panel, text) {
  stopRecording();
  fill(
    panel,
    h("p", { class: "recorder-problem", role: "alert", "data-testid": "recorder-problem" }, icon("alert"), text),
    h("button", { type: "button", class: "btn secondary", text: t("cancel"), onclick: () => closePanel(panel) }),
  );
}

function closePanel(panel) {
  stopRecording();
  panel.hidden = true;
  panel.replaceChildren();
  panel.closest(".statement")?.removeAttribute("data-recording");
}

/** Replace the panel's content with the given nodes, leaving out the absent ones. */
function fill(panel, ...nodes) {
  panel.replaceChildren(...nodes.filter(Boolean));
}

/** The camera's picture (or a microphone note) and the button that starts recording. */
function showLive(caseId, msg, panel) {
  const live = session.kind === "video" ? liveVideo(session.stream) : liveAudioNote();
  fill(
    panel,
    live,
    h("p", { class: "muted small", "data-testid": "recorder-status", "aria-live": "polite", text: t("recorder_ready") }),
    h(
      "div",
      { class: "files-row" },
      h("button", {
        type: "button",
        class: "btn primary",
        "data-testid": "record-start",
        text: t("record_start"),
        onclick: () => record(caseId, msg, panel),
      }),
      h("button", { type: "button", class: "btn secondary", text: t("cancel"), onclick: () => closePanel(panel) }),
    ),
  );
}

function liveVideo(stream) {
  const video = h("video", { class: "recorder-video", "data-testid": "recorder-live", playsinline: true });
  video.muted = true; // no echo of one's own voice while recording
  video.autoplay = true;
  video.srcObject = stream;
  video.play().catch(() => {});
  return video;
}

function liveAudioNote() {
  return h("p", { class: "recorder-mic", "data-testid": "recorder-live" }, "🎤 ", t("recorder_mic_on"));
}

function supportedType(kind) {
  return TYPES[kind].find((type) => MediaRecorder.isTypeSupported(type)) || "";
}

/** Record until stopped, or until the recording reaches the prompt's size limit. */
function record(caseId, msg, panel) {
  const mine = session;
  const type = supportedType(mine.kind);
  let recorder;
  try {
    recorder = new MediaRecorder(mine.stream, type ? { mimeType: type } : undefined);
  } catch {
    showProblem(panel, t("recorder_unavailable"));
    return;
  }
  mine.recorder = recorder;
  const chunks = [];
  let size = 0;
  const limit = msg.prompt.max_mb ? msg.prompt.max_mb * 1024 * 1024 : Infinity;
  const started = performance.now();
  const status = h("p", { class: "recording", "data-testid": "recorder-status", "aria-live": "off" });
  const tick = () => (status.textContent = t("recording", { time: clock(performance.now() - started) }));
  tick();
  mine.timer = setInterval(tick, 250);
  let full = false;
  recorder.ondataavailable = (event) => {
    if (!event.data || !event.data.size) return;
    chunks.push(event.data);
    size += event.data.size;
    if (size >= limit && recorder.state === "recording") {
      full = true; // stopped at the limit: the person is told, the recording is kept to review
      recorder.stop();
    }
  };
  recorder.onstop = () => {
    clearInterval(mine.timer);
    for (const track of mine.stream.getTracks()) track.stop();
    if (session !== mine) return;
    const blob = new Blob(chunks, { type: recorder.mimeType || type || `${mine.kind}/webm` });
    showRecorded(caseId, msg, panel, blob, performance.now() - started, full);
  };
  recorder.start(SLICE_MS);
  fill(
    panel,
    panel.querySelector("[data-testid=recorder-live]"),
    status,
    h(
      "div",
      { class: "files-row" },
      h("button", {
        type: "button",
        class: "btn primary",
        "data-testid": "record-stop",
        text: t("record_stop"),
        onclick: () => recorder.state === "recording" && recorder.stop(),
      }),
    ),
  );
}

/** The recording to review: played back with its length and size; record again, send or cancel. */
function showRecorded(caseId, msg, panel, blob, ms, full) {
  const kind = session.kind;
  session.url = URL.createObjectURL(blob);
  const player = h(kind === "video" ? "video" : "audio", {
    class: kind === "video" ? "recorder-video" : "recorder-audio",
    "data-testid": "recording-preview",
    controls: true,
    playsinline: true,
    src: session.url,
  });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  const file = new File([blob], `${kind === "video" ? "video-statement" : "voice-statement"}-${stamp}.webm`, {
    type: blob.type,
  });
  const problem = fileProblem(file, msg.prompt);
  fill(
    panel,
    player,
    h("p", {
      class: "muted small",
      "data-testid": "recording-length",
      "data-seconds": String(Math.round(ms / 1000)),
      text: t("recording_length", { time: clock(ms), size: formatSize(blob.size) }),
    }),
    full ? h("p", { class: "recorder-problem", role: "status", text: t("recording_full", { mb: msg.prompt.max_mb }) }) : null,
    problem ? h("p", { class: "recorder-problem", role: "alert", "data-testid": "recorder-problem", text: problem }) : null,
    h(
      "div",
      { class: "files-row" },
      h("button", {
        type: "button",
        class: "btn secondary",
        "data-testid": "record-again",
        text: t("record_again"),
        onclick: () => openRecorder(caseId, msg, panel, kind),
      }),
      h("button", {
        type: "button",
        class: "btn primary",
        "data-testid": "record-send",
        "data-needs-ready": problem ? null : "",
        disabled: Boolean(problem) || !state.wsOpen,
        text: t("record_send"),
        onclick: async (event) => {
          event.currentTarget.disabled = true;
          const taken = await uploadFiles(caseId, [file]);
          if (taken) closePanel(panel);
          else event.currentTarget.disabled = false;
        },
      }),
      h("button", { type: "button", class: "btn secondary", text: t("cancel"), onclick: () => closePanel(panel) }),
    ),
  );
  if (problem) addLocal(caseId, { kind: "system", text: problem });
}

function clock(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
