/* Micro Court: the judge's workspace. The page's one entry module (plain ES modules, no build step).
 *
 * Talks to the server over HTTP only:
 *   /api/me, /api/demo/people, /api/demo/signin, /api/signout     who is signed in (as in the chat)
 *   /api/workspace/cases                                           my cases, most urgent first
 *   /api/workspace/cases/{id}                                      one case: record, evidence, what to decide
 *   /api/workspace/cases/{id}/ruling, .../more-time/{n}            decisions (the service layer's commands)
 *   /api/workspace/cases/{id}/live-hearing                         the judge's order for a live hearing (OLR 21)
 *   /api/identity/queue[/{person}[/pictures/...]], /api/identity/override   the identity desk (identity.js)
 * The address says what is shown: /judge (my cases), /judge#case=ID (one case), /judge#identity
 * (identity checks waiting for the court) or /judge#identity=PERSON (one of them).
 * Every string the server sends is shown as text, never parsed as HTML.
 *
 * Where things are: texts.js (中文 and English), i18n.js (language, times), api.js, dom.js,
 * signin.js, cases.js (my cases), case.js (one case), record.js, evidence.js, forms.js (decisions),
 * identity.js (the identity desk).
 */

import { api } from "./api.js";
import { caseView } from "./case.js";
import { myCases } from "./cases.js";
import { el, show } from "./dom.js";
import { chooseLocale, switchLocale, t } from "./i18n.js";
import { identityItem, identityQueue } from "./identity.js";
import { isStaff, signInPanel, whoAmI } from "./signin.js";

const app = document.getElementById("app");
let me = null;
let pendingNote = null;  // what the last decision recorded, shown once on the next page

function takeNote() {
  const note = pendingNote;
  pendingNote = null;
  return note ? el("p", { class: "status", role: "status", "data-testid": "desk-note" }, note) : null;
}

function openCase(caseId) {
  location.hash = `case=${encodeURIComponent(caseId)}`;
}

function shownCase() {
  const found = /^#case=(.+)$/.exec(location.hash);
  return found ? decodeURIComponent(found[1]) : null;
}

/** The identity desk's address: null (not shown), "" (the queue) or a person's id. */
function shownIdentity() {
  const found = /^#identity(?:=(.+))?$/.exec(location.hash);
  if (!found) return null;
  return found[1] ? decodeURIComponent(found[1]) : "";
}

function openIdentity(personId) {
  location.hash = personId ? `identity=${encodeURIComponent(personId)}` : "identity";
}

function header() {
  const person = me && me.person;
  return el("header", { class: "top" },
    el("h1", {}, `${t("court")} · ${t("title")}`),
    el("div", { class: "tools" },
      isStaff(me) ? el("a", { href: "#", class: "nav", "data-testid": "nav-cases" }, t("my_cases")) : null,
      isStaff(me) ? el("a", { href: "#identity", class: "nav", "data-testid": "nav-identity" }, t("id_queue")) : null,
      person ? el("span", { class: "muted", "data-testid": "signed-in-as" }, person.name) : null,
      el("button", { type: "button", class: "link", "data-testid": "lang-switch", "aria-label": t("switch_label"),
        onclick: () => { switchLocale(); render(); } }, t("switch_lang")),
      person ? el("button", { type: "button", class: "link", onclick: signOut }, t("sign_out")) : null));
}

async function signOut() {
  await api("POST", "/api/signout");
  await start();
}

async function render(note) {
  app.setAttribute("aria-busy", "true");
  const caseId = shownCase();
  const identity = shownIdentity();
  let body;
  if (!isStaff(me)) body = await signInPanel(me, start);
  else if (caseId) body = await caseView(caseId, () => { location.hash = ""; }, (done) => render(done), note);
  else if (identity) body = await identityItem(identity, () => openIdentity(""), (done) => { pendingNote = done; openIdentity(""); });
  else if (identity === "") body = [takeNote(), await identityQueue(openIdentity)];
  else body = await myCases(openCase);
  show(app, header(), el("main", {}, body));
  document.title = `${t("title")} · ${t("court")}`;
  app.setAttribute("aria-busy", "false");
}

async function start() {
  me = await whoAmI();
  chooseLocale(me.locale);
  await render();
}

window.addEventListener("hashchange", () => render());
start();
