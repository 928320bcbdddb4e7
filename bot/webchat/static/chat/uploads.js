/* Evidence upload: files checked against the prompt's limits, then sent one by one with progress. */

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

/** Check a file against the prompt's limits before sending a byte; return an explanation or null. */
function fileProblem(file, prompt) {
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

export async function uploadFiles(caseId, fileList) {
  let files = Array.from(fileList);
  const first = activePromptMsg(caseId);
  if (!first || !first.prompt || first.prompt.kind !== "files" || state.uploading) return;
  const maxFiles = first.prompt.max_files;
  if (maxFiles && files.length > maxFiles) {
    addLocal(caseId, { kind: "system", text: t("too_many_files", { n: maxFiles }) });
    files = files.slice(0, maxFiles);
  }
  state.uploading = true;
  refreshControls();
  try {
    for (const file of files) {
      const msg = activePromptMsg(caseId);
      if (!msg || msg.prompt.kind !== "files") break;
      const problem = fileProblem(file, msg.prompt);
      if (problem) {
        addLocal(caseId, { kind: "system", text: problem });
        continue;
      }
      await uploadOne(caseId, msg.prompt, file);
    }
  } finally {
    state.uploading = false;
    refreshControls();
  }
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
      } else {
        entry.status = "failed";
        updateLocalEntry(caseId, entry);
        addLocal(caseId, { kind: "system", text: body.text || t("upload_network", { name: file.name }) });
      }
      resolve();
    });
    const fail = () => {
      entry.status = "failed";
      updateLocalEntry(caseId, entry);
      addLocal(caseId, { kind: "system", text: t("upload_network", { name: file.name }) });
      resolve();
    };
    xhr.addEventListener("error", fail);
    xhr.addEventListener("abort", fail);
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
