/* Powers of attorney awaiting review (clerk, judge): accept, or refuse with a reason. */

import { setBanner } from "../chat/banner.js";
import { renderList } from "../chat/lists.js";
import { updateTabs } from "../chat/shell.js";
import { ACK_TIMEOUT_MS } from "../core/config.js";
import { h } from "../core/dom.js";
import { roleLabel, t } from "../core/i18n.js";
import { root, state } from "../core/state.js";
import { openCase } from "../net/navigation.js";
import { newClientId, send } from "../net/socket.js";

export function onAgencyQueue(items) {
  state.agencyItems = items;
  const ids = new Set(items.map((m) => m.id));
  for (const id of Array.from(state.agencyNotes.keys())) if (!ids.has(id)) state.agencyNotes.delete(id);
  if (state.agencyRefusing && !ids.has(state.agencyRefusing)) state.agencyRefusing = null;
  if (state.view === "agents") renderList();
  updateTabs();
}

function agencyBusy(mandateId) {
  for (const p of state.agencyPending.values()) if (p.mandateId === mandateId) return true;
  return false;
}

export function renderAgencyQueue() {
  if (!state.agencyItems.length) {
    return [h("p", { class: "empty", "data-testid": "agents-empty", text: t("agents_empty") })];
  }
  return [
    h(
      "ul",
      { class: "items", "data-testid": "agency-list", "aria-label": t("agents_tab") },
      state.agencyItems.map(renderAgencyItem),
    ),
  ];
}

function renderAgencyItem(m) {
  const busy = agencyBusy(m.id);
  const refusing = state.agencyRefusing === m.id;
  const note = state.agencyNotes.get(m.id);
  const role = roleLabel(m.party_role);
  const titleId = `mandate-${m.id}`;
  let controls;
  if (refusing) {
    const reason = h("textarea", {
      id: `reason-${m.id}`,
      class: "answer",
      rows: "3",
      maxlength: "2000",
      "data-testid": "agency-reason",
      "data-focus-key": `reason:${m.id}`,
      disabled: busy,
    });
    reason.value = state.agencyReasons.get(m.id) || "";
    reason.addEventListener("input", () => state.agencyReasons.set(m.id, reason.value));
    controls = h(
      "form",
      {
        class: "refuse-form",
        "data-testid": "agency-refuse-form",
        novalidate: true,
        onsubmit: (event) => {
          event.preventDefault();
          decideAgency(m, false);
        },
      },
      h("label", { for: `reason-${m.id}`, class: "small", text: t("refuse_reason") }),
      reason,
      h(
        "div",
        { class: "item-actions" },
        h("button", { type: "submit", class: "btn danger", "data-testid": "agency-refuse-confirm", "data-focus-key": `confirm:${m.id}`, disabled: busy, text: busy ? t("sending") : t("refuse_confirm") }),
        h("button", {
          type: "button",
          class: "btn",
          "data-testid": "agency-refuse-cancel",
          disabled: busy,
          text: t("cancel"),
          onclick: () => {
            state.agencyRefusing = null;
            state.agencyNotes.delete(m.id);
            renderList();
            root.querySelector(`[data-focus-key="refuse:${CSS.escape(m.id)}"]`)?.focus({ preventScroll: true });
          },
        }),
      ),
    );
  } else {
    controls = h(
      "div",
      { class: "item-actions" },
      h("button", { type: "button", class: "btn primary", "data-testid": "agency-accept", "data-focus-key": `accept:${m.id}`, disabled: busy, "aria-describedby": titleId, text: busy ? t("sending") : t("accept"), onclick: () => decideAgency(m, true) }),
      h("button", {
        type: "button",
        class: "btn",
        "data-testid": "agency-refuse",
        "data-focus-key": `refuse:${m.id}`,
        "aria-describedby": titleId,
        disabled: busy,
        text: t("refuse"),
        onclick: () => {
          state.agencyRefusing = m.id;
          state.agencyNotes.delete(m.id);
          renderList();
          root.querySelector(`[data-focus-key="reason:${CSS.escape(m.id)}"]`)?.focus({ preventScroll: true });
        },
      }),
      h("button", { type: "button", class: "link-btn", "data-testid": "agency-open-case", "aria-describedby": titleId, text: t("open_case"), onclick: () => openCase(m.case_id, "agents") }),
    );
  }
  return h(
    "li",
    { class: "item static", "data-testid": "agency-item", "data-mandate-id": m.id, "data-case-id": m.case_id, "aria-busy": String(busy) },
    h("span", { class: "item-top" }, h("span", { class: "item-title", id: titleId, text: m.reference || "" })),
    h("span", { class: "badge status", text: t("agent_for", { role: state.locale === "en" ? role.toLowerCase() : role }) }),
    m.agent_name || m.party_name ? h("span", { class: "item-line", "data-testid": "agency-who", text: t("agency_who", { agent: m.agent_name || "—", party: m.party_name || "—" }) }) : null,
    m.company ? h("span", { class: "item-line", "data-testid": "agency-company", text: t("agency_company", { company: m.company }) }) : null,
    m.poa_name ? h("span", { class: "item-line", "data-testid": "agency-poa", text: t("poa_file", { name: m.poa_name }) }) : null,
    m.poa_sha256 ? h("span", { class: "item-line hash", "data-testid": "agency-sha256", text: `SHA-256 ${m.poa_sha256}` }) : null,
    note ? h("p", { class: "error-box small", role: "alert", "data-testid": "agency-error", text: note }) : null,
    controls,
  );
}

function decideAgency(m, accept) {
  if (agencyBusy(m.id)) return;
  const reason = accept ? "" : (state.agencyReasons.get(m.id) || "").trim();
  if (!accept && !reason) {
    state.agencyNotes.set(m.id, t("refuse_missing"));
    renderList();
    root.querySelector(`[data-focus-key="reason:${CSS.escape(m.id)}"]`)?.focus({ preventScroll: true });
    return;
  }
  if (!state.wsOpen) {
    state.agencyNotes.set(m.id, t("offline_send"));
    renderList();
    return;
  }
  const clientId = newClientId();
  const timer = setTimeout(() => {
    if (!state.agencyPending.delete(clientId)) return;
    state.agencyNotes.set(m.id, t("status_unconfirmed"));
    if (state.view === "agents") renderList();
    send({ type: "agency_queue" });
  }, ACK_TIMEOUT_MS);
  state.agencyPending.set(clientId, { mandateId: m.id, accept, reference: m.reference, timer });
  state.agencyNotes.delete(m.id);
  send({ type: "decide_agency", mandate_id: m.id, accept, reason, client_id: clientId });
  renderList();
}

export function onAgencyAck(clientId) {
  const p = state.agencyPending.get(clientId);
  clearTimeout(p.timer);
  state.agencyPending.delete(clientId);
  state.agencyItems = state.agencyItems.filter((m) => m.id !== p.mandateId);
  state.agencyReasons.delete(p.mandateId);
  if (state.agencyRefusing === p.mandateId) state.agencyRefusing = null;
  if (state.view === "agents") {
    renderList();
    const next = root.querySelector("[data-testid=agency-accept]") || root.querySelector("[data-testid=tab-agents]");
    next?.focus({ preventScroll: true });
  }
  updateTabs();
  setBanner(t(p.accept ? "decided_accept" : "decided_refuse", { reference: p.reference }), true);
  send({ type: "agency_queue" });
}

/** decide_agency's refusals carry no client_id: the latest decision still waiting takes it. */
export function agencyFailed(frame) {
  const entries = Array.from(state.agencyPending.entries());
  const [clientId, p] = entries[entries.length - 1];
  clearTimeout(p.timer);
  state.agencyPending.delete(clientId);
  state.agencyNotes.set(p.mandateId, frame.text || frame.code);
  renderList();
  send({ type: "agency_queue" });
  return true;
}
