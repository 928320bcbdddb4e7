/* What each sheet's form holds (kept across re-renders and the identity panel), and clearing it all. */

import { JOIN_KEY } from "../core/config.js";
import { state } from "../core/state.js";
import { writeStore } from "../core/storage.js";
import { clearSide } from "./side.js";

export const forms = newForms();

export function newForms() {
  return {
    join: { code: "", busy: false, error: null, errorCode: null },
    agent: { code: "", file: null, busy: false, error: null, errorCode: null, result: null },
    link: { busy: false, error: null, result: null },
    linkCode: { code: "", busy: false, error: null, confirm: null, info: null }, // confirm: {nonce, text}
    invite: { caseId: null, busy: false, error: null, result: null, copied: false },
    service: { caseId: null, busy: false, error: null, items: [] },
    live: { caseId: null, asking: false, busy: false }, // withdrawing consent to the asynchronous trial
    withdrawSuit: { caseId: null, asking: false, busy: false }, // the plaintiff's application to withdraw (CPL 148)
    withdrawalView: { caseId: null, view: null, busy: false, error: null }, // the defendant's view on it (Interp. 238)
    moreTime: { caseId: null, asking: false, busy: false, ended: "", reason: "", error: null }, // more time after an obstacle (CPL 86)
  };
}

export function resetPartyState() {
  Object.assign(forms, newForms());
  clearSide();
  state.resumeAfterIdentity = null;
  writeStore(sessionStorage, JOIN_KEY, null);
  for (const p of state.agencyPending.values()) clearTimeout(p.timer);
  state.agencyPending.clear();
  state.agencyItems = [];
  state.deliveries = [];
  state.agencyRefusing = null;
  state.agencyReasons.clear();
  state.agencyNotes.clear();
}
