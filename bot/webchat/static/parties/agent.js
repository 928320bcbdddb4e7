/* Acting as an agent: the party's code and the power of attorney, uploaded for the court's review. */

import { h } from "../core/dom.js";
import { postForm } from "../core/http.js";
import { formatSize, t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { showSignin } from "../signin/session.js";
import { forms } from "./forms.js";
import { closeSheet, focusInSheet, renderSheet, sheet, sheetError } from "./sheet.js";
import { verifyFromSheet } from "./verify.js";

async function submitAgent(event) {
  event.preventDefault();
  const f = forms.agent;
  if (f.busy) return;
  const code = f.code.trim();
  const problem = !code
    ? ["agent_missing_code", "agent-code"]
    : !f.file
      ? ["agent_missing_file", "agent-file"]
      : f.file.size === 0
        ? ["agent_empty_file", "agent-file"]
        : null;
  if (problem) {
    f.error = t(problem[0], { name: f.file ? f.file.name : "" });
    f.errorCode = "missing";
    renderSheet();
    focusInSheet(`[data-testid=${problem[1]}]`);
    return;
  }
  f.busy = true;
  f.error = null;
  f.errorCode = null;
  renderSheet();
  const form = new FormData();
  form.append("code", code);
  form.append("file", f.file, f.file.name || "power-of-attorney");
  const r = await postForm("/api/agency/accept", form);
  f.busy = false;
  if (r.status === 401) {
    closeSheet();
    await showSignin(r.data.text);
    return;
  }
  if (r.ok && r.data.sha256) {
    f.result = { sha256: r.data.sha256, mandateId: r.data.mandate_id };
  } else {
    f.error = r.data.text || t("network_error");
    f.errorCode = r.data.error || null;
  }
  if (sheet.kind === "agent") {
    renderSheet();
    if (f.result) focusInSheet("#sheet-title");
    else focusInSheet("[data-testid=agent-verify]", "[data-testid=agent-submit]");
  }
}

export function agentBody() {
  const f = forms.agent;
  if (f.result) {
    return [
      h("div", { class: "id-outcome ok", "aria-hidden": "true" }, icon("check")),
      h("h3", { class: "center", "data-testid": "agent-done", text: t("agent_done_h") }),
      h("p", { role: "status", text: t("agent_done_note") }),
      h("p", { class: "muted small", text: t("agent_sha") }),
      h("p", { class: "code-box", "data-testid": "agent-sha256", text: f.result.sha256 }),
      h("button", { type: "button", class: "btn primary wide", "data-testid": "agent-close",
              "data-focus-key": "agent-close", text: t("id_done"), onclick: closeSheet }),
    ];
  }
  const code = h("input", {
    id: "agent-code",
    class: "id-input mono",
    type: "text",
    "data-testid": "agent-code",
    "data-focus-key": "agent-code",
    "data-autofocus": true,
    autocomplete: "off",
    autocapitalize: "off",
    spellcheck: "false",
    disabled: f.busy,
  });
  code.value = f.code;
  code.addEventListener("input", () => (f.code = code.value));
  const file = h("input", {
    id: "agent-file",
    type: "file",
    class: "visually-hidden",
    "data-testid": "agent-file",
    "data-focus-key": "agent-file",
    "aria-describedby": "agent-file-hint",
    disabled: f.busy,
    onchange: (event) => {
      const chosen = event.currentTarget.files && event.currentTarget.files[0];
      if (!chosen) return;
      f.file = chosen;
      if (f.errorCode === "missing") {
        f.error = null;
        f.errorCode = null;
      }
      renderSheet();
    },
  });
  const verify = f.errorCode === "verify_first" || f.errorCode === "agent_verify_first";
  return [
    h("p", { text: t("agent_intro") }),
    h(
      "form",
      { class: "id-form", "data-testid": "agent-form", novalidate: true, onsubmit: submitAgent },
      h("div", { class: "id-field" }, h("label", { for: "agent-code", text: t("agent_code_label") }), code),
      h(
        "div",
        { class: "id-field" },
        h("span", { class: "id-label", id: "agent-file-label", text: t("agent_file_label") }),
        f.file
          ? h("p", { class: "small", "data-testid": "agent-file-chosen", text: t("agent_file_chosen", { name: f.file.name, size: formatSize(f.file.size) }) })
          : null,
        h(
          "label",
          { class: `btn ${f.file ? "secondary" : ""} wide file-pick`, for: "agent-file", "aria-describedby": "agent-file-label" },
          file,
          icon("clip"),
          h("span", { text: f.file ? t("agent_file_change") : t("agent_file_pick") }),
        ),
        h("p", { id: "agent-file-hint", class: "muted small", text: t("agent_file_hint") }),
      ),
      sheetError("agent-error", f.error),
      verify
        ? h(
            "button",
            {
              type: "button",
              class: "btn primary wide",
              "data-testid": "agent-verify",
              "data-focus-key": "agent-verify",
              "aria-haspopup": "dialog",
              onclick: () => verifyFromSheet("agent"),
            },
            icon("idcard"),
            t("id_open"),
          )
        : null,
      h("button", {
        type: "submit",
        class: `btn ${verify ? "secondary" : "primary"} wide`,
        "data-testid": "agent-submit",
        "data-focus-key": "agent-submit",
        disabled: f.busy,
        "aria-busy": String(f.busy),
        text: f.busy ? t("agent_sending") : t("agent_submit"),
      }),
    ),
  ];
}
