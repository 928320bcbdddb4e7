/* The client's one state object, the app's root element, and who is signed in (staff or not).
 * Every module reads and changes `state` directly; nothing else is kept between renders.
 */

import { CASE_KEY, LOCALES, LOCALE_KEY } from "./config.js";
import { readStore } from "./storage.js";

export const state = {
  locale: initialLocale(),
  localeChosen: Boolean(readStore(localStorage, LOCALE_KEY)),
  person: null,
  demo: false,
  demoPeople: [],
  view: "boot", // boot | signin | cases | queue | chat
  listTab: "cases",
  cases: [],
  queue: [],
  caseInfo: new Map(), // case_id -> case summary object
  convs: new Map(), // case_id -> {msgs: Map<id,msg>, local: entry[]}
  currentCaseId: readStore(sessionStorage, CASE_KEY),
  returnTo: "cases",
  drafts: new Map(), // case_id -> text typed into the composer
  inflight: new Map(), // client_id -> {caseId, entry, value, fromInput, timer}
  receipts: new Set(), // ids of served documents whose "received" is on its way
  uploading: false,
  unread: new Set(),
  banner: null,
  linkDone: false, // a `linked` frame came: the next welcome is the linked person's
  ws: null,
  wsWanted: false,
  wsOpen: false,
  backoffStep: 0,
  reconnectTimer: null,
  composerKey: null,
  listRefreshTimer: null,
  localSeq: 0,
  stick: true,
  pendingIntent: null, // new_case / open_case asked for before the socket was open
  creating: false,
  relocalise: null, // case_id re-opened after a language change: redraw its answers and composer
  identityVerified: null, // null until /api/identity/status answers
  agencyItems: [], // powers of attorney awaiting review (clerk, judge)
  deliveries: [], // failed deliveries (clerk, judge)
  agencyRefusing: null, // mandate id whose refusal reason is being typed
  agencyReasons: new Map(), // mandate id -> reason typed
  agencyNotes: new Map(), // mandate id -> error text shown on that item
  agencyPending: new Map(), // client_id -> {mandateId, accept, reference, timer}
  bannerCaseId: null, // the banner shows a message of this case (not open here)
  side: null, // the one request outside a case waiting for its answer: {kind, caseId, timer}
  resumeAfterIdentity: null, // "join" | "agent": go back there when the identity panel closes
  openIdentityOnEnter: false, // ?verify=identity
};

export const root = document.getElementById("app");

function initialLocale() {
  const saved = readStore(localStorage, LOCALE_KEY);
  if (LOCALES.includes(saved)) return saved;
  const nav = (navigator.language || "zh").toLowerCase();
  return nav.startsWith("en") ? "en" : "zh";
}

/** Clerks and judges review filings; an admin configures the court and has no queue. */
export function isStaff() {
  return Boolean(state.person && ["clerk", "judge"].includes(state.person.staff_role));
}
