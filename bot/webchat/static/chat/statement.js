/* A statement prompt's composer (an inquiry answer, a hearing statement): write it, attach one file,
 * or record a video (or only the voice) here; the first answer sent is the one the court keeps. */

import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { sendAnswer } from "./answers.js";
import { optionsFor } from "./conversation.js";
import { canRecord, openRecorder } from "./recorder.js";
import { acceptList, uploadFiles } from "./uploads.js";

/** The statement composer: `form` (the text box) above the buttons to attach or record. */
export function renderStatement(caseId, msg, form) {
  const prompt = msg.prompt;
  const accept = acceptList(prompt);
  const recordable = canRecord(prompt);
  const hint = t(recordable ? "statement_hint" : "statement_hint_no_recording", {
    mb: prompt.max_mb ?? "—",
    accept: accept.join(", ") || "—",
  });
  const panel = h("div", { class: "recorder", "data-testid": "recorder", hidden: true });
  const inputId = `statement-file-${msg.id}`;
  const picker = h("input", {
    id: inputId,
    type: "file",
    class: "visually-hidden",
    "data-testid": "file-input",
    accept: accept.length ? accept.map((x) => `.${x}`).join(",") : null,
    onchange: (event) => {
      const files = event.currentTarget.files;
      if (files && files.length) uploadFiles(caseId, files).finally(() => (event.target.value = ""));
    },
  });
  const record = (kind, testid, label) =>
    h(
      "button",
      {
        type: "button",
        class: "btn secondary",
        "data-testid": testid,
        "data-needs-ready": "",
        onclick: () => openRecorder(caseId, msg, panel, kind),
      },
      icon(kind === "video" ? "camera" : "mic"),
      h("span", { text: label }),
    );
  return h(
    "div",
    { class: "statement", "data-testid": "statement" },
    h("p", { class: "muted small", "data-testid": "statement-hint", text: hint }),
    form,
    h(
      "div",
      { class: "files-row" },
      h("label", { class: "btn secondary file-pick", for: inputId }, picker, icon("clip"), h("span", { text: t("attach_file") })),
      recordable ? record("video", "record-video", t("record_video")) : null,
      recordable ? record("audio", "record-voice", t("record_voice")) : null,
    ),
    panel,
    renderOptions(caseId, msg),
  );
}

/** The prompt's own buttons, if it has any (e.g. the window's one self-service extension). */
function renderOptions(caseId, msg) {
  const options = optionsFor(msg.prompt);
  if (!options.length) return null;
  return h(
    "div",
    { class: "files-row" },
    options.map((o) =>
      h("button", {
        type: "button",
        class: "btn secondary option",
        "data-testid": "option",
        "data-value": o.value,
        "data-msg-id": msg.id,
        text: o.label,
        onclick: (event) => {
          event.currentTarget.disabled = true;
          sendAnswer(caseId, msg, o.value, o.label, false);
        },
      }),
    ),
  );
}
