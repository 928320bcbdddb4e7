/* Boot, entering the app after sign-in, and signing out. */

import { render } from "../chat/shell.js";
import { CASE_KEY, JOIN_KEY, LOCALES } from "../core/config.js";
import { api } from "../core/http.js";
import { t } from "../core/i18n.js";
import { launch } from "../core/launch.js";
import { root, state } from "../core/state.js";
import { readStore, writeStore } from "../core/storage.js";
import { refreshIdentityMark, showsIdentityEntry } from "../identity/entry.js";
import { closeIdentity, openIdentity } from "../identity/panel.js";
import { startSocket, stopSocket } from "../net/socket.js";
import { forms, resetPartyState } from "../parties/forms.js";
import { startJoin } from "../parties/join.js";
import { closeSheet, openSheet } from "../parties/sheet.js";
import { setSigninError } from "./screen.js";

export async function boot() {
  const me = await api("GET", "/api/me");
  if (me.ok && me.data.person) {
    enterApp(me.data);
    return;
  }
  if (launch.initData) {
    // opened from the bot: Telegram vouches for the person (HMAC of initData, checked by the court)
    const initData = launch.initData;
    launch.initData = "";
    const status = root.querySelector("[role=status]");
    if (status) status.textContent = t("tg_signing_in");
    const r = await api("POST", "/api/telegram/session", { init_data: initData });
    if (r.ok && r.data.person) {
      enterApp(r.data);
      return;
    }
    await showSignin(r.data.text || t("tg_signin_failed"));
    return;
  }
  await showSignin();
}

export async function showSignin(errorText) {
  stopSocket();
  state.person = null;
  state.view = "signin";
  const people = await api("GET", "/api/demo/people");
  state.demo = people.ok && Array.isArray(people.data.people);
  state.demoPeople = state.demo ? people.data.people : [];
  render();
  if (errorText) setSigninError(errorText);
}

export function enterApp(me) {
  state.person = me.person;
  state.demo = Boolean(me.demo);
  if (!state.localeChosen && LOCALES.includes(me.locale)) state.locale = me.locale;
  const join = readStore(sessionStorage, JOIN_KEY);
  if (join) {
    state.currentCaseId = null; // the invitation decides which case opens
    writeStore(sessionStorage, CASE_KEY, null);
  }
  state.view = state.currentCaseId ? "chat" : "cases";
  state.listTab = "cases";
  render();
  startSocket();
  refreshIdentityMark();
  if (join) {
    forms.join.code = join;
    openSheet("join", root.querySelector("[data-testid=join-open]"));
    startJoin(join);
  } else if (state.openIdentityOnEnter && showsIdentityEntry()) {
    openIdentity(root.querySelector("[data-testid=identity-menu]"));
  }
  state.openIdentityOnEnter = false;
}

export async function signOut() {
  resetPartyState(); // first: closing the panels must not resume anything
  closeSheet();
  closeIdentity();
  state.identityVerified = null;
  writeStore(sessionStorage, CASE_KEY, null);
  stopSocket();
  await api("POST", "/api/signout", {});
  state.currentCaseId = null;
  state.cases = [];
  state.queue = [];
  state.convs.clear();
  state.caseInfo.clear();
  state.drafts.clear();
  state.unread.clear();
  await showSignin();
}
