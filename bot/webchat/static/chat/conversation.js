/* A case's messages: the court's (with options and attachments) and the person's own, and which controls are live. */

import { BUTTON_KINDS } from "../core/config.js";
import { h } from "../core/dom.js";
import { formatSize, formatTime, t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { root, state } from "../core/state.js";
import { sendAnswer } from "./answers.js";
import { activePromptMsg, asksActive, caseBusy, conv } from "./prompts.js";
import { renderReceipt } from "./receipts.js";

export function renderConversation() {
  const list = root.querySelector("[data-testid=conversation]");
  if (!list) return;
  const c = conv(state.currentCaseId);
  const ids = Array.from(c.msgs.keys()).sort((a, b) => a - b);
  const byAfter = new Map();
  for (const e of c.local) {
    const key = e.afterId && c.msgs.has(e.afterId) ? e.afterId : ids.filter((id) => id <= e.afterId).pop() || 0;
    if (!byAfter.has(key)) byAfter.set(key, []);
    byAfter.get(key).push(e);
  }
  const nodes = [];
  for (const e of byAfter.get(0) || []) nodes.push(renderLocal(e));
  for (const id of ids) {
    nodes.push(renderServerMessage(c.msgs.get(id)));
    for (const e of byAfter.get(id) || []) nodes.push(renderLocal(e));
  }
  list.replaceChildren(...nodes);
  refreshControls();
}

export function renderServerMessage(msg) {
  const prompt = msg.prompt;
  const li = h(
    "li",
    {
      class: "msg court",
      "data-testid": "msg",
      "data-kind": "court",
      "data-id": msg.id,
      "data-step": prompt ? prompt.step : null,
    },
    h("div", { class: "bubble" }, h("p", { class: "text", "data-testid": "msg-text", text: msg.text })),
    h("span", { class: "meta" }, `${t("court")} · ${formatTime(msg.at)}`),
  );
  if (Array.isArray(msg.attachments) && msg.attachments.length) {
    li.querySelector(".bubble").append(renderAttachments(msg.attachments));
  }
  if (prompt && BUTTON_KINDS.has(prompt.kind)) {
    li.querySelector(".bubble").append(renderOptions(msg));
  }
  if (msg.service) li.querySelector(".bubble").append(renderReceipt(msg));
  return li;
}

/** Files a message refers to (e.g. documents the court must check), each opened in a new tab. */
function renderAttachments(attachments) {
  return h(
    "ul",
    { class: "attachments", "data-testid": "attachments" },
    ...attachments.map((a) =>
      h("li", {}, h("a", { href: a.url, target: "_blank", rel: "noopener", "data-testid": "attachment", text: a.name })),
    ),
  );
}

export function optionsFor(prompt) {
  if (Array.isArray(prompt.options) && prompt.options.length) return prompt.options;
  if (prompt.kind === "summary") return [{ value: "submit", label: t("send") }];
  if (prompt.kind === "info") return [{ value: "continue", label: t("continue") }];
  return [];
}

function renderOptions(msg) {
  const prompt = msg.prompt;
  const opts = optionsFor(prompt);
  const summary = prompt.kind === "summary";
  const primary = summary ? opts.filter((o) => o.value === "submit") : [];
  const rest = summary ? opts.filter((o) => o.value !== "submit") : opts;
  const button = (o, cls) =>
    h("button", {
      type: "button",
      class: `btn option ${cls}`,
      "data-testid": "option",
      "data-value": o.value,
      "data-msg-id": msg.id,
      text: o.label,
      disabled: true,
      onclick: (event) => {
        event.currentTarget.disabled = true;
        sendAnswer(msg.case_id, msg, o.value, o.label, false);
      },
    });
  const group = h("div", { class: `options ${summary ? "summary" : ""}`, role: "group" });
  for (const o of primary) group.append(button(o, "primary"));
  for (const o of rest) group.append(button(o, summary ? "secondary" : "choice"));
  return group;
}

export function renderLocal(entry) {
  if (entry.kind === "system") {
    return h(
      "li",
      { class: "msg system", "data-testid": "msg", "data-kind": "system", "data-local": entry.key, role: "alert" },
      h("div", { class: "bubble" }, h("p", { class: "text", "data-testid": "msg-text", text: entry.text })),
    );
  }
  const statusText = {
    pending: t("status_pending"),
    uploading: t("uploading"),
    failed: entry.file ? t("upload_failed") : t("status_failed"),
    unconfirmed: t("status_unconfirmed"),
    sent: entry.file ? t("uploaded") : "",
  }[entry.status];
  const bubble = h("div", { class: "bubble" });
  if (entry.file) {
    bubble.append(
      h(
        "p",
        { class: "text file", "data-testid": "msg-text" },
        icon("clip"),
        entry.file.name,
        h("span", { class: "file-size", text: ` · ${formatSize(entry.file.size)}` }),
      ),
    );
    if (entry.status === "uploading") {
      bubble.append(
        h("progress", {
          "data-testid": "upload-progress",
          max: "1",
          value: String(entry.progress || 0),
          "aria-label": `${t("uploading")} ${entry.file.name}`,
        }),
      );
    }
    if (entry.evidence && entry.evidence.sha256) {
      bubble.append(h("p", { class: "hash", "data-testid": "file-sha256", text: `SHA-256 ${entry.evidence.sha256}` }));
    }
  } else {
    bubble.append(h("p", { class: "text", "data-testid": "msg-text", text: entry.text }));
  }
  return h(
    "li",
    {
      class: `msg mine ${entry.status || ""}`,
      "data-testid": "msg",
      "data-kind": "mine",
      "data-status": entry.status,
      "data-local": entry.key,
    },
    bubble,
    h("span", { class: "meta" }, [t("me"), statusText].filter(Boolean).join(" · ")),
  );
}

/** Enable exactly the controls of the latest prompt, and none while a send is in flight. */
export function refreshControls() {
  const caseId = state.currentCaseId;
  if (!caseId || state.view !== "chat") return;
  const active = activePromptMsg(caseId);
  const ready = state.wsOpen && !caseBusy(caseId) && !state.uploading;
  for (const li of root.querySelectorAll("[data-testid=conversation] [data-kind=court]")) {
    li.dataset.active = String(Boolean(active && Number(li.dataset.id) === active.id));
  }
  for (const b of root.querySelectorAll("[data-testid=conversation] [data-testid=option]")) {
    const current = asksActive(conv(caseId).msgs.get(Number(b.dataset.msgId)), active);
    b.disabled = !(current && ready);
    b.classList.toggle("stale", !current);
  }
  const composer = root.querySelector("[data-testid=composer]");
  if (!composer) return;
  for (const b of composer.querySelectorAll("[data-testid=option]")) b.disabled = !ready;
  const sendBtn = composer.querySelector("[data-testid=send]");
  if (sendBtn) {
    const input = composer.querySelector("[data-testid=answer-input]");
    const tooLong = input && input.dataset.max && input.value.length > Number(input.dataset.max);
    sendBtn.disabled = !ready || !input || !input.value.trim() || Boolean(tooLong);
    sendBtn.textContent = caseBusy(caseId) ? t("sending") : t("send");
    sendBtn.setAttribute("aria-busy", String(caseBusy(caseId)));
  }
  for (const b of composer.querySelectorAll("[data-needs-ready]")) b.disabled = !ready;
  const picker = composer.querySelector("[data-testid=file-input]");
  if (picker) {
    picker.disabled = !ready;
    picker.closest(".file-pick")?.classList.toggle("disabled", !ready);
  }
}
