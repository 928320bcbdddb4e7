/* Who is signed in, and the sign-in panel: staff sign in as in the chat (a one-time link from the
 * court's administrator, or in the demo court one click on a member of the staff). */

import { api } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";

export async function whoAmI() {
  const answer = await api("GET", "/api/me");
  return answer.ok ? answer.data : { person: null, demo: false };
}

export function isStaff(me) {
  return Boolean(me.person && ["clerk", "judge"].includes(me.person.staff_role));
}

/** The panel for someone who may not use the workspace yet; `signedIn` runs after a demo sign-in. */
export async function signInPanel(me, signedIn) {
  if (me.person) {
    return el("section", { class: "panel", "data-testid": "not-staff" },
      el("p", {}, t("not_staff")), el("a", { href: "/" }, t("open_chat")));
  }
  const panel = el("section", { class: "panel", "data-testid": "signin" },
    el("h2", {}, t("signin_title")), el("p", {}, t("signin_link")));
  if (!me.demo) return panel;
  const people = await api("GET", "/api/demo/people");
  const staff = (people.data.people || []).filter((p) => p.role === "judge" || p.role === "clerk");
  panel.append(el("p", {}, t("signin_demo")), el("div", { class: "buttons" },
    staff.map((p) => el("button", {
      type: "button", "data-testid": "demo-person", "data-key": p.key,
      onclick: async () => {
        const answer = await api("POST", "/api/demo/signin", { person: p.key });
        if (answer.ok) signedIn();
      },
    }, p.name))));
  return panel;
}
