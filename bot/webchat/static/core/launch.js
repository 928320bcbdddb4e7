/* What the address asked for when the page opened (?join=, ?case=, ?verify=identity, Telegram's
 * initData), read once and then removed from the address.
 */

import { CASE_KEY, JOIN_KEY } from "./config.js";
import { state } from "./state.js";
import { readStore, writeStore } from "./storage.js";

export const launch = readLaunch();

/**
 * What the address asked for: ?join=CODE, ?case=ID, ?verify=identity, and Telegram's signed
 * initData (#tgWebAppData=..., or Telegram.WebApp.initData if its script is on the page).
 * They are taken out of the address, so a reload or a shared link does not repeat them; a join
 * code waits in sessionStorage until the court has answered it (sign-in may come first).
 */
function readLaunch() {
  const found = { join: null, initData: "" };
  let query;
  let hash;
  try {
    query = new URLSearchParams(location.search);
    hash = new URLSearchParams(location.hash.replace(/^#/, ""));
  } catch {
    return found;
  }
  const join = (query.get("join") || "").trim();
  if (join) writeStore(sessionStorage, JOIN_KEY, join.slice(0, 200));
  found.join = readStore(sessionStorage, JOIN_KEY);
  const caseId = (query.get("case") || "").trim();
  if (caseId && !join) {
    state.currentCaseId = caseId;
    writeStore(sessionStorage, CASE_KEY, caseId);
  }
  state.openIdentityOnEnter = query.get("verify") === "identity";
  found.initData = hash.get("tgWebAppData") || "";
  if (!found.initData) {
    try {
      const webApp = window.Telegram && window.Telegram.WebApp;
      if (webApp && typeof webApp.initData === "string") found.initData = webApp.initData;
    } catch {
      /* no Telegram object */
    }
  }
  const ours = ["join", "case", "verify"];
  const tgHash = Array.from(hash.keys()).some((k) => k.startsWith("tgWebApp"));
  if (ours.some((k) => query.has(k)) || tgHash) {
    for (const k of ours) query.delete(k);
    const rest = query.toString();
    try {
      history.replaceState(history.state, "", `${location.pathname}${rest ? `?${rest}` : ""}${tgHash ? "" : location.hash}`);
    } catch {
      /* an address we may not rewrite: leave it */
    }
  }
  return found;
}
