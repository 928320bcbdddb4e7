/* What the person asks the court for outside an answer: open a case, a new filing, a list, a language. */

import { render } from "../chat/shell.js";
import { ACK_TIMEOUT_MS, CASE_KEY, LOCALES, LOCALE_KEY } from "../core/config.js";
import { isStaff, root, state } from "../core/state.js";
import { writeStore } from "../core/storage.js";
import { idp, renderIdentity } from "../identity/panel.js";
import { renderSheet, sheet } from "../parties/sheet.js";
import { reconnectNow, send } from "./socket.js";

/** Navigation asked for while (re)connecting is sent as soon as the socket opens. */
export function sendIntent(frame) {
  if (send(frame)) return;
  state.pendingIntent = frame;
  if (!state.ws) reconnectNow();
}

export function openCase(caseId, returnTo) {
  state.returnTo = returnTo || "cases";
  sendIntent({ type: "open_case", case_id: caseId });
}

export function newFiling() {
  if (state.creating) return; // a double tap must not open two filings
  state.creating = true;
  setTimeout(() => (state.creating = false), ACK_TIMEOUT_MS);
  const button = root.querySelector("[data-testid=new-filing]");
  if (button) button.disabled = true;
  state.returnTo = "cases";
  sendIntent({ type: "new_case", flow: "filing" });
}

export function showList(tab) {
  state.view = tab;
  state.listTab = tab;
  state.currentCaseId = null;
  state.composerKey = null;
  writeStore(sessionStorage, CASE_KEY, null);
  render();
  const frame = { queue: "queue", agents: "agency_queue", deliveries: "delivery_problems" }[tab] || "list_cases";
  send({ type: frame });
}

export function requestStaffLists() {
  send({ type: "queue" });
  send({ type: "agency_queue" });
  send({ type: "delivery_problems" });
}

export function setLocale(locale) {
  if (!LOCALES.includes(locale) || locale === state.locale) return;
  state.locale = locale;
  state.localeChosen = true;
  writeStore(localStorage, LOCALE_KEY, locale);
  render();
  if (idp.open) renderIdentity();
  if (sheet.el) renderSheet();
  if (send({ type: "set_locale", locale })) {
    send({ type: "list_cases" });
    if (isStaff()) send({ type: "queue" });
    if (state.view === "chat" && state.currentCaseId) {
      // the open case again, in the new language: its question, buttons and summary at once
      state.relocalise = state.currentCaseId;
      send({ type: "open_case", case_id: state.currentCaseId });
    }
  }
}
