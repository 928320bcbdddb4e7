/* Uploads: evidence files, or a statement's one file (chosen or recorded), checked against the
 * prompt's limits before a byte is sent, then sent one by one with progress. */

import { formatSize, t } from "../core/i18n.js";
import { root, state } from "../core/state.js";
import { addLocal, updateLocalEntry } from "./answers.js";
import { refreshControls } from "./conversation.js";
import { activePromptMsg } from "./prompts.js";

export function acceptList(prompt) {
  return Array.isArray(prompt.accept) ? prompt.accept.map((x) => String(x).toLowerCase()) : [];
}

function extensionOf(name) {
  const dot = name.lastIndexOf(".");
  return dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
}

const UPLOAD_KINDS = new Set(["files", "statement"]);

/** Check a file against the prompt's limits before sending a byte; return an explanation or null. */
export function fileProblem(file, prompt) {
  const accept = acceptList(prompt);
  if (accept.length && !accept.includes(extensionOf(file.name))) {
    return t("file_bad_type", { name: file.name, accept: accept.join(", ") });
  }
  if (file.size === 0) return t("file_empty", { name: file.name });
  if (prompt.max_mb && file.size > prompt.max_mb * 1024 * 1024) {
    return t("file_too_big", { name: file.name, size: formatSize(file.size), mb: prompt.max_mb });
  }
  return null;
}

/** Send files to the current `files` prompt, or one file as the current statement; resolves to
 * the number of files the court took. */
export async function uploadFiles(caseId, fileList) {
  let files = Array.from(fileList);
  const first = activePromptMsg(caseId);
  if (!first || !first.prompt || !UPLOAD_KINDS.has(first.prompt.kind) || state.uploading) return 0;
  const kind = first.prompt.kind;
  const maxFiles = kind === "statement" ? 1 : first.prompt.max_files;
  if (maxFiles && files.length > maxFiles) {
    addLocal(caseId, { kind: "system", text: t("too_many_files", { n: maxFiles }) });
    files = files.slice(0, maxFiles);
  }
  state.uploading = true;
  refreshControls();
  let taken = 0;
  try {
    for (const file of files) {
      const msg = activePromptMsg(caseId);
      if (!msg || msg.prompt.kind !== kind) break;
      const problem = fileProblem(file, msg.prompt);
      if (problem) {
        addLocal(caseId, { kind: "system", text: problem });
        continue;
      }
      if (await uploadOne(caseId, msg.prompt, file)) taken += 1;
    }
  } finally {
    state.uploading = false;
    refreshControls();
  }
  return taken;
}

function uploadOne(caseId, prompt, file) {
  const entry = addLocal(caseId, {
    kind: "mine",
    file: { name: file.name, size: file.size },
    text: file.name,
    status: "uploading",
    progress: 0,
  });
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const query = `step=${encodeURIComponent(prompt.step)}&seq=${encodeURIComponent(prompt.seq)}`;
    xhr.open("POST", `/api/cases/${encodeURIComponent(caseId)}/evidence?${query}`);
    xhr.responseType = "json";
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      entry.progress = event.loaded / event.total;
      const bar = root.querySelector(`[data-local="${entry.key}"] progress`);
      if (bar) bar.value = entry.progress;
    });
    xhr.addEventListener("load", () => {
      const body = xhr.response || {};
      if (xhr.status >= 200 && xhr.status < 300 && body.evidence) {
        entry.status = "sent";
        entry.evidence = body.evidence;
        updateLocalEntry(caseId, entry);
        resolve(true);
        return;
      }
      entry.status = "failed";
      updateLocalEntry(caseId, entry);
      addLocal(caseId, { kind: "system", text: body.text || t("upload_network", { name: file.name }) });
      resolve(false);
    });
    const fail = () => {
      entry.status = "failed";
      updateLocalEntry(caseId, entry);
      addLocal(caseId, { kind: "system", text: t("upload_network", { name: file.name }) });
      resolve(false);
    };
    xhr.addEventListener("error", fail);
    xhr.addEventListener("abort", fail);
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
