/* A case's conversation kept on the page, and which prompt in it may be answered now. */

import { state } from "../core/state.js";

export function conv(caseId) {
  let c = state.convs.get(caseId);
  if (!c) {
    c = { msgs: new Map(), local: [], answered: new Set() };
    state.convs.set(caseId, c);
  }
  return c;
}

export function maxMsgId(c) {
  let max = 0;
  for (const id of c.msgs.keys()) if (id > max) max = id;
  return max;
}

/** The latest message carrying a prompt: the one answerable question, unless it was answered
 * here. `answered` holds the prompts' seqs: a question asked again (its period started, with a
 * countdown) keeps its seq, and is answered once from either message. */
export function activePromptMsg(caseId) {
  const c = state.convs.get(caseId);
  if (!c) return null;
  let best = null;
  for (const msg of c.msgs.values()) {
    if (msg.prompt && (!best || msg.id > best.id)) best = msg;
  }
  if (!best || c.answered.has(best.prompt.seq)) return null;
  // The server says which prompt is still open when a case is (re)opened: older ones are closed.
  // A waiting viewer has nothing open (open_seq is past every prompt), yet the latest "wait"
  // message still says what they wait for; it has no controls, so it stays shown.
  const info = state.caseInfo.get(caseId);
  const closed = info && typeof info.open_seq === "number" && best.prompt.seq < info.open_seq;
  if (closed && best.prompt.kind !== "wait") return null;
  return best;
}

/** Whether `msg` asks the open question `active` (the latest message, or an earlier one asking
 * the same question before it was asked again): its buttons answer it. */
export function asksActive(msg, active) {
  return Boolean(msg && msg.prompt && active && msg.prompt.seq === active.prompt.seq && msg.prompt.step === active.prompt.step);
}

export function caseBusy(caseId) {
  for (const f of state.inflight.values()) if (f.caseId === caseId) return true;
  return false;
}
