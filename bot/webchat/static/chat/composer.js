/* The composer under the conversation: the current prompt's text field, file picker or waiting note. */

import { BUTTON_KINDS, INPUT_KINDS } from "../core/config.js";
import { countdown } from "../core/countdown.js";
import { h } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { root, state } from "../core/state.js";
import { renderIdentityPrompt } from "../identity/entry.js";
import { sendAnswer } from "./answers.js";
import { optionsFor, refreshControls } from "./conversation.js";
import { activePromptMsg } from "./prompts.js";
import { stopRecording } from "./recorder.js";
import { renderStatement } from "./statement.js";
import { acceptList, uploadFiles } from "./uploads.js";

export function renderComposer(force) {
  const composer = root.querySelector("[data-testid=composer]");
  if (!composer) return;
  const caseId = state.currentCaseId;
  const msg = activePromptMsg(caseId);
  const key = msg ? `${caseId}:${msg.id}` : `${caseId}:none`;
  if (!force && key === state.composerKey) {
    refreshControls();
    return;
  }
  const hadFocus = composer.contains(document.activeElement) || document.activeElement === document.body;
  state.composerKey = key;
  stopRecording(); // a recording belongs to the prompt it was made for
  composer.replaceChildren();
  const prompt = msg && msg.prompt;
  composer.dataset.kind = prompt ? prompt.kind : "none";
  composer.dataset.step = prompt ? prompt.step : "";
  if (prompt && prompt.due_at) composer.append(countdown(prompt.due_at, prompt.deadline_label));
  if (!prompt) {
    composer.append(h("p", { class: "muted center", "data-testid": "no-question", text: t("no_question") }));
  } else if (prompt.kind === "wait") {
    composer.append(
      h(
        "p",
        { class: "waiting", "data-testid": "waiting", role: "status" },
        h("span", { class: "pulse", "aria-hidden": "true" }),
        // the court is not waiting for itself: staff are told whose move it is
        t(state.person && state.person.staff_role ? "waiting_parties" : "waiting"),
      ),
    );
  } else if (BUTTON_KINDS.has(prompt.kind)) {
    composer.append(h("p", { class: "muted center small", "data-testid": "choose-above", text: t("choose_above") }));
  } else if (INPUT_KINDS.has(prompt.kind)) {
    composer.append(renderInputForm(caseId, msg));
    if (hadFocus) focusInput();
  } else if (prompt.kind === "files") {
    composer.append(renderFilePicker(caseId, msg));
  } else if (prompt.kind === "statement") {
    composer.append(renderStatement(caseId, msg, renderInputForm(caseId, msg)));
  } else if (prompt.kind === "identity") {
    composer.append(renderIdentityPrompt());
  } else {
    composer.append(renderInputForm(caseId, msg));
  }
  refreshControls();
}

function renderInputForm(caseId, msg) {
  const prompt = msg.prompt;
  const long = prompt.kind === "long_text" || prompt.kind === "statement";
  const amount = prompt.kind === "amount";
  const max = prompt.max_length || null;
  const inputId = `answer-${msg.id}`;
  const field = h(long ? "textarea" : "input", {
    id: inputId,
    class: "answer",
    "data-testid": "answer-input",
    "data-max": max,
    "aria-describedby": `hint-${msg.id}`,
    autocomplete: "off",
    rows: long ? "4" : null,
    type: long ? null : "text",
    inputmode: amount ? "decimal" : null,
    enterkeyhint: long ? null : "send",
    placeholder: amount ? t("amount_hint") : t("type_here"),
  });
  field.value = state.drafts.get(caseId) || "";
  field.addEventListener("input", () => {
    state.drafts.set(caseId, field.value);
    updateCounter();
    refreshControls();
  });
  field.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    const submit = long ? event.key === "Enter" && (event.ctrlKey || event.metaKey) : event.key === "Enter";
    if (submit) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  const hints = [];
  if (long) hints.push(t("send_hint_textarea"));
  const form = h(
    "form",
    {
      class: `answer-form ${long ? "long" : ""}`,
      "data-testid": "answer-form",
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const value = field.value;
        if (!value.trim() || (max && value.length > max)) return;
        const label = amount ? `${value.trim()} ${t("amount_unit")}` : value.trim();
        sendAnswer(caseId, msg, value, label, true);
      },
    },
    h("label", { class: "visually-hidden", for: inputId, text: t("your_answer") }),
    h(
      "div",
      { class: "field-row" },
      amount ? h("div", { class: "amount-wrap" }, field, h("span", { class: "unit", text: t("amount_unit") })) : field,
      h("button", { type: "submit", class: "btn primary send", "data-testid": "send", text: t("send") }),
    ),
    h(
      "div",
      { class: "field-foot" },
      h("span", { id: `hint-${msg.id}`, class: "muted small", text: hints.join(" · ") }),
      max ? h("span", { class: "counter small", "data-testid": "char-counter", "aria-live": "polite" }) : null,
    ),
  );
  queueMicrotask(updateCounter);
  return form;
}

export function updateCounter() {
  const input = root.querySelector("[data-testid=answer-input]");
  const counter = root.querySelector("[data-testid=char-counter]");
  if (!input || !counter) return;
  const max = Number(input.dataset.max);
  const n = input.value.length;
  const over = n > max;
  const long = input.tagName === "TEXTAREA";
  // a one-line answer only shows its count near the limit; a long text always does
  counter.hidden = !long && n < max * 0.8;
  counter.textContent = over ? t("too_long_local", { max }) : t("chars", { n, max });
  counter.classList.toggle("over", over);
  input.setAttribute("aria-invalid", String(over));
}

function renderFilePicker(caseId, msg) {
  const prompt = msg.prompt;
  const accept = acceptList(prompt);
  const limits = [];
  if (prompt.max_mb || prompt.max_files || accept.length) {
    limits.push(
      t("files_limit", {
        mb: prompt.max_mb ?? "—",
        n: prompt.max_files ?? "—",
        accept: accept.join(", ") || "—",
      }),
    );
  }
  const inputId = `files-${msg.id}`;
  const input = h("input", {
    id: inputId,
    type: "file",
    class: "visually-hidden",
    "data-testid": "file-input",
    multiple: true,
    accept: accept.length ? accept.map((x) => `.${x}`).join(",") : null,
    "aria-describedby": `limit-${msg.id}`,
    onchange: (event) => {
      const files = event.currentTarget.files;
      if (files && files.length) uploadFiles(caseId, files).finally(() => (event.target.value = ""));
    },
  });
  const opts = optionsFor(prompt);
  const done = opts.length ? opts : [{ value: "done", label: t("files_done") }];
  return h(
    "div",
    { class: "files" },
    h("p", { id: `limit-${msg.id}`, class: "muted small", "data-testid": "files-limit", text: limits.join(" ") }),
    h(
      "div",
      { class: "files-row" },
      h("label", { class: "btn secondary file-pick", for: inputId }, input, icon("clip"), h("span", { text: t("choose_files") })),
      done.map((o) =>
        h("button", {
          type: "button",
          class: "btn primary option",
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
    ),
  );
}

export function focusInput() {
  const input = root.querySelector("[data-testid=answer-input]");
  if (input) input.focus({ preventScroll: true });
}
