/* Micro Court web chat: the litigant's and the court staff's chat client. The page's one entry
 * module: it imports the rest (plain ES modules, no build step) and starts the app.
 *
 * Talks to the server over:
 *   HTTP  /api/me, /api/demo/people, /api/demo/signin, /api/session, /api/signout,
 *         /api/telegram/session (the mini-app opened in Telegram), /api/agency/accept,
 *         /api/cases/{id}/evidence (uploads), /api/identity/* (the identity panel)
 *   WS    /ws (hello, list_cases, new_case, open_case, answer, queue, set_locale, join,
 *         link_telegram, link_code, link_answer, invite_agent, agency_queue, decide_agency,
 *         delivery_problems)
 * The page may be opened with ?join=CODE (the defendant's invitation), ?case=ID, ?verify=identity,
 * and inside Telegram with #tgWebAppData=... (signed initData, used to sign in).
 * Every string the server sends is shown with textContent, never parsed as HTML.
 *
 * Where things are:
 *   texts.js       the catalog of texts (中文 and English)
 *   core/          state, storage, texts and times, elements, icons, HTTP, countdowns
 *   net/           the WebSocket, the frames it carries, navigation requests
 *   signin/        boot, sign-in and sign-out
 *   chat/          the shell, lists, a case's conversation, the composer, answers, evidence uploads
 *   identity/      identity verification with the camera (OLR 7)
 *   parties/       sheets: joining a case, agents, Telegram linking, service records
 *   staff/         the clerk's queues: filings, powers of attorney, failed deliveries
 */

import { tickCountdowns } from "./core/countdown.js";
import { state } from "./core/state.js";
import { reconnectNow } from "./net/socket.js";
import { boot } from "./signin/session.js";

setInterval(tickCountdowns, 60000);
window.addEventListener("online", () => {
  if (state.wsWanted && !state.ws) reconnectNow();
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && state.wsWanted && !state.ws) reconnectNow();
});

boot();
