/* The WebSocket to the court: connect, reconnect with backoff, send frames, and what a lost
 * connection means for answers in flight.
 */

import { updateLocalEntry } from "../chat/answers.js";
import { setBanner } from "../chat/banner.js";
import { refreshControls } from "../chat/conversation.js";
import { MAX_BACKOFF_MS, RELINKED_CLOSE, SIGNED_OUT_CLOSE } from "../core/config.js";
import { api } from "../core/http.js";
import { t } from "../core/i18n.js";
import { isStaff, state } from "../core/state.js";
import { forgetLinkQuestion } from "../parties/link-code.js";
import { sideFailed } from "../parties/side.js";
import { showSignin } from "../signin/session.js";
import { handleFrame } from "./frames.js";
import { requestStaffLists } from "./navigation.js";

export function newClientId() {
  if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function startSocket() {
  state.wsWanted = true;
  if (state.ws) return;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${location.host}/ws`);
  state.ws = ws;
  ws.addEventListener("open", () => {
    if (state.ws !== ws) return;
    state.wsOpen = true;
    state.backoffStep = 0;
    setBanner(null);
    send({ type: "hello", locale: state.locale });
    const intent = state.pendingIntent;
    state.pendingIntent = null;
    if (intent) send(intent);
    else if (state.currentCaseId) send({ type: "open_case", case_id: state.currentCaseId });
    if (isStaff()) requestStaffLists();
    refreshControls();
  });
  ws.addEventListener("message", (event) => {
    if (state.ws !== ws) return;
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    handleFrame(frame);
  });
  ws.addEventListener("close", (event) => {
    if (state.ws !== ws) return;
    state.ws = null;
    state.wsOpen = false;
    dropInflight();
    if (state.side) sideFailed({ code: "timeout", text: t("status_unconfirmed") });
    forgetLinkQuestion();
    refreshControls();
    if (event.code === RELINKED_CLOSE && state.wsWanted) {
      // accounts were linked elsewhere: the session now names the kept person; at once
      state.relinkedFrom = state.person && state.person.id;
      reconnectNow();
    } else if (event.code === SIGNED_OUT_CLOSE && state.wsWanted) {
      reconnectNow(); // /api/me answers `person: null` and the sign-in screen says why
    } else if (state.wsWanted) {
      setBanner(t("reconnecting"));
      scheduleReconnect();
    }
  });
}

export function stopSocket() {
  state.wsWanted = false;
  delete state.relinkedFrom; // signed out: the next welcome is a sign-in, not a link
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = null;
  const ws = state.ws;
  state.ws = null;
  state.wsOpen = false;
  if (ws) ws.close(1000);
  for (const f of state.inflight.values()) clearTimeout(f.timer);
  state.inflight.clear();
  setBanner(null);
}

function scheduleReconnect() {
  clearTimeout(state.reconnectTimer);
  const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** state.backoffStep);
  const delay = base / 2 + Math.random() * (base / 2);
  state.backoffStep = Math.min(state.backoffStep + 1, 10);
  state.reconnectTimer = setTimeout(reconnectNow, delay);
}

export async function reconnectNow() {
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = null;
  if (!state.wsWanted || state.ws) return;
  const me = await api("GET", "/api/me");
  if (me.ok && !me.data.person) {
    await showSignin(me.data.text); // signed out meanwhile (another tab, an expiry)
    return;
  }
  if (!state.wsWanted || state.ws) return;
  startSocket();
}

export function send(frame) {
  if (!state.ws || !state.wsOpen) return false;
  state.ws.send(JSON.stringify(frame));
  return true;
}

/** On a lost connection nothing is confirmed: free the controls, keep every draft. */
function dropInflight() {
  for (const f of state.inflight.values()) {
    clearTimeout(f.timer);
    f.entry.status = "unconfirmed";
    updateLocalEntry(f.caseId, f.entry);
  }
  state.inflight.clear();
}
