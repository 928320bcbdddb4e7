/* Sending an answer to a prompt, and the person's own bubbles (drawn here, not echoed by the court). */

import { ACK_TIMEOUT_MS } from "../core/config.js";
import { t } from "../core/i18n.js";
import { root, state } from "../core/state.js";
import { newClientId, send } from "../net/socket.js";
import { refreshControls, renderLocal } from "./conversation.js";
import { activePromptMsg, asksActive, caseBusy, conv, maxMsgId } from "./prompts.js";
import { scrollToEnd } from "./scroll.js";

/** Send one answer to the court; the person's own bubble is drawn here, not echoed. */
export function sendAnswer(caseId, msg, value, label, fromInput) {
  const prompt = msg && msg.prompt;
  if (!prompt || caseBusy(caseId)) return;
  const active = activePromptMsg(caseId);
  if (!asksActive(msg, active)) return; // a stale button: the server would refuse it
  if (!state.wsOpen) {
    addLocal(caseId, { kind: "system", text: t("offline_send") });
    return;
  }
  const clientId = newClientId();
  const entry = addLocal(caseId, { kind: "mine", text: label, status: "pending" });
  const timer = setTimeout(() => {
    const f = state.inflight.get(clientId);
    if (!f) return;
    state.inflight.delete(clientId);
    f.entry.status = "unconfirmed";
    updateLocalEntry(caseId, f.entry);
    refreshControls();
  }, ACK_TIMEOUT_MS);
  state.inflight.set(clientId, { caseId, entry, value, fromInput, timer, seq: prompt.seq });
  send({
    type: "answer",
    case_id: caseId,
    step: prompt.step,
    seq: prompt.seq,
    value,
    client_id: clientId,
  });
  refreshControls();
}

export function addLocal(caseId, entry) {
  const c = conv(caseId);
  const full = { ...entry, key: ++state.localSeq, afterId: maxMsgId(c) };
  c.local.push(full);
  if (caseId === state.currentCaseId && state.view === "chat") {
    const list = root.querySelector("[data-testid=conversation]");
    if (list) {
      list.append(renderLocal(full));
      scrollToEnd(true);
    }
  }
  return full;
}

export function updateLocalEntry(caseId, entry) {
  if (caseId !== state.currentCaseId) return;
  const el = root.querySelector(`[data-local="${entry.key}"]`);
  if (el) el.replaceWith(renderLocal(entry));
}
