/* The sign-in screen: demo people, a new litigant, the language switch. */

import { JOIN_KEY, LOCALES } from "../core/config.js";
import { h } from "../core/dom.js";
import { api } from "../core/http.js";
import { roleLabel, t } from "../core/i18n.js";
import { root, state } from "../core/state.js";
import { readStore } from "../core/storage.js";
import { setLocale } from "../net/navigation.js";
import { STRINGS } from "../texts.js";
import { enterApp } from "./session.js";

export function setSigninError(text) {
  const box = root.querySelector("[data-testid=signin-error]");
  if (!box) return;
  box.textContent = text || "";
  box.hidden = !text;
}

async function signIn(request) {
  const buttons = root.querySelectorAll(".signin button");
  buttons.forEach((b) => (b.disabled = true));
  setSigninError("");
  const status = root.querySelector("[data-testid=signin-status]");
  if (status) status.textContent = t("signing_in");
  const result = await request();
  if (status) status.textContent = "";
  buttons.forEach((b) => (b.disabled = false));
  if (result.ok && result.data.person) {
    state.localeChosen = true; // the language picked on the sign-in screen wins
    enterApp(result.data);
  } else {
    setSigninError(result.data.text || t("network_error"));
  }
}

function langSwitch(testid) {
  return h(
    "div",
    { class: "lang-switch", role: "group", "aria-label": `${t("language")} / Language` },
    LOCALES.map((loc) =>
      h("button", {
        type: "button",
        class: "lang-option",
        lang: loc === "zh" ? "zh-CN" : "en",
        "data-testid": `${testid}-${loc}`,
        "aria-pressed": String(state.locale === loc),
        text: STRINGS[loc].lang_name,
        onclick: () => setLocale(loc),
      }),
    ),
  );
}

export function renderSignin() {
  const demo = state.demo && state.demoPeople.length
    ? h(
        "section",
        { class: "card", "aria-labelledby": "demo-h" },
        h("h2", { id: "demo-h", text: t("demo_heading") }),
        h("p", { class: "muted", text: t("demo_note") }),
        h(
          "ul",
          { class: "people", "data-testid": "demo-people" },
          state.demoPeople.map((p) =>
            h(
              "li",
              null,
              h(
                "button",
                {
                  type: "button",
                  class: "person",
                  "data-testid": "demo-person",
                  "data-key": p.key,
                  onclick: () => signIn(() => api("POST", "/api/demo/signin", { person: p.key })),
                },
                h(
                  "span",
                  { class: "person-who" },
                  h("span", { class: "person-name", text: p.name }),
                  p.files_as
                    ? h("span", {
                        class: "small muted",
                        "data-testid": "demo-id",
                        text: t("demo_id", { name: p.files_as.name, id: p.files_as.id_number }),
                      })
                    : null,
                ),
                h("span", { class: `badge role-${p.role}`, text: roleLabel(p.role) }),
              ),
            ),
          ),
        ),
      )
    : null;
  return h(
    "main",
    { class: "signin", "data-testid": "signin-screen" },
    h(
      "header",
      { class: "signin-head" },
      h("div", { class: "emblem", "aria-hidden": "true", text: "⚖" }),
      h("h1", { text: t("app_name") }),
      h("p", { class: "tagline", text: t("tagline") }),
      langSwitch("signin-lang"),
    ),
    h("p", { class: "error-box", role: "alert", "data-testid": "signin-error", hidden: true }),
    readStore(sessionStorage, JOIN_KEY)
      ? h("p", { class: "id-note", "data-testid": "join-pending", text: t("join_pending_signin") })
      : null,
    h("p", { class: "muted", role: "status", "aria-live": "polite", "data-testid": "signin-status" }),
    demo,
    h(
      "section",
      { class: "card", "aria-labelledby": "new-h" },
      h("h2", { id: "new-h", text: t("signin_title") }),
      h("button", {
        type: "button",
        class: "btn primary wide",
        "data-testid": "new-litigant",
        text: t("new_litigant"),
        onclick: () => signIn(() => api("POST", "/api/session", { locale: state.locale })),
      }),
      h("p", { class: "muted small", text: t("new_litigant_note") }),
    ),
  );
}
