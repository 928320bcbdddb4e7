/* The page's frame: sign-in or main view, the header, the tabs (cases, review queue, agents, deliveries). */

import { STAFF_TABS } from "../core/config.js";
import { h } from "../core/dom.js";
import { caseTitle, roleLabel, t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { langToggle } from "../core/lang.js";
import { isStaff, root, state } from "../core/state.js";
import { identityEntry, showsIdentityEntry } from "../identity/entry.js";
import { setLocale, showList } from "../net/navigation.js";
import { openSheet } from "../parties/sheet.js";
import { renderSignin } from "../signin/screen.js";
import { signOut } from "../signin/session.js";
import { renderBanner } from "./banner.js";
import { renderComposer } from "./composer.js";
import { renderConversation } from "./conversation.js";
import { renderList } from "./lists.js";
import { scrollToEnd, watchScroll } from "./scroll.js";

export function render() {
  document.documentElement.lang = state.locale === "zh" ? "zh-CN" : "en";
  document.title = `${t("app_name")} · ${state.locale === "zh" ? "Micro Court" : "微法庭"}`;
  root.removeAttribute("aria-busy");
  root.replaceChildren();
  if (state.view === "signin") {
    root.append(renderSignin());
    return;
  }
  if (state.view === "boot") {
    root.append(h("p", { class: "boot", role: "status", text: t("loading") }));
    return;
  }
  root.append(renderMain());
  updateHeader();
  updateTabs();
  if (state.view === "chat") {
    watchScroll(root.querySelector("[data-testid=conversation]"));
    renderConversation();
    renderComposer(true);
    scrollToEnd(true);
  } else {
    renderList();
  }
  renderBanner();
}

function tabLabel(view) {
  return t({ queue: "review_queue", agents: "agents_tab", deliveries: "deliveries_tab" }[view] || "my_cases");
}

function backTarget() {
  return STAFF_TABS.includes(state.returnTo) && isStaff() ? state.returnTo : "cases";
}

function renderMain() {
  const inChat = state.view === "chat";
  const header = h(
    "header",
    { class: "topbar", "data-testid": "topbar" },
    inChat
      ? h(
          "button",
          {
            type: "button",
            class: "icon-btn back",
            "data-testid": "nav-back",
            "aria-label": `${t("back")}: ${tabLabel(backTarget())}`,
            onclick: () => showList(backTarget()),
          },
          icon("back"),
          h("span", { class: "back-label", text: tabLabel(backTarget()) }),
        )
      : null,
    h(
      "div",
      { class: "title" },
      h("h1", { "data-testid": "header-title" }),
      h("p", { class: "subtitle", "data-testid": "header-subtitle" }),
    ),
    showsIdentityEntry() ? identityEntry() : null,
    inChat
      ? h(
          "button",
          {
            type: "button",
            class: "icon-btn more",
            "data-testid": "case-menu",
            "aria-label": t("case_menu"),
            "aria-haspopup": "dialog",
            title: t("case_menu"),
            hidden: true, // shown once the case says the person is a party (updateHeader)
            onclick: (event) => openSheet("case", event.currentTarget),
          },
          icon("more"),
        )
      : h(
          "button",
          {
            type: "button",
            class: "icon-btn more",
            "data-testid": "account-menu",
            "aria-label": `${t("more")}: ${t("account_title")}`,
            "aria-haspopup": "dialog",
            title: t("account_title"),
            onclick: (event) => openSheet("menu", event.currentTarget),
          },
          icon("more"),
        ),
    langToggle({
      "data-testid": "lang-toggle",
      onclick: () => setLocale(state.locale === "zh" ? "en" : "zh"),
    }),
    inChat
      ? null
      : h("button", {
          type: "button",
          class: "icon-btn",
          "data-testid": "signout",
          text: t("sign_out"),
          onclick: signOut,
        }),
  );
  const banner = h("div", { class: "banner", "data-testid": "conn-status", role: "status", hidden: true });
  if (inChat) {
    return h(
      "div",
      { class: "shell chat-shell" },
      header,
      banner,
      h(
        "main",
        { class: "chat", "data-testid": "chat", "data-case-id": state.currentCaseId },
        h("ol", {
          class: "conversation",
          "data-testid": "conversation",
          role: "log",
          "aria-live": "polite",
          "aria-label": t("app_name"),
        }),
        h("section", { class: "composer", "data-testid": "composer", "aria-label": t("your_answer") }),
      ),
    );
  }
  const tabs = h(
    "nav",
    { class: "tabs", "data-testid": "tabs", "aria-label": t("app_name"), hidden: !isStaff() },
    h("button", {
      type: "button",
      class: "tab",
      "data-testid": "tab-cases",
      "aria-current": state.view === "cases" ? "page" : null,
      text: t("my_cases"),
      onclick: () => showList("cases"),
    }),
    h(
      "button",
      {
        type: "button",
        class: "tab",
        "data-testid": "tab-queue",
        "aria-current": state.view === "queue" ? "page" : null,
        hidden: !isStaff(),
        onclick: () => showList("queue"),
      },
      t("review_queue"),
      h("span", { class: "count", "data-testid": "queue-count" }),
    ),
    ["agents", "deliveries"].map((view) =>
      h(
        "button",
        {
          type: "button",
          class: "tab",
          "data-testid": `tab-${view}`,
          "aria-current": state.view === view ? "page" : null,
          hidden: !isStaff(),
          onclick: () => showList(view),
        },
        tabLabel(view),
        h("span", { class: "count", "data-testid": `${view}-count` }),
      ),
    ),
  );
  return h(
    "div",
    { class: "shell list-shell" },
    header,
    banner,
    tabs,
    h("main", { class: "list", "data-testid": "list-view" }),
  );
}

export function updateHeader() {
  const title = root.querySelector("[data-testid=header-title]");
  const subtitle = root.querySelector("[data-testid=header-subtitle]");
  if (!title || !subtitle) return;
  if (state.view === "chat") {
    const info = state.caseInfo.get(state.currentCaseId);
    title.textContent = caseTitle(info);
    const bits = [];
    if (info && info.status_text) bits.push(info.status_text);
    if (info && info.role) bits.push(roleLabel(info.role));
    subtitle.textContent = bits.join(" · ");
    const menu = root.querySelector("[data-testid=case-menu]");
    if (menu) menu.hidden = !(info && info.role); // the court too: the case facts and its service records
  } else {
    title.textContent = t("app_name");
    const p = state.person;
    subtitle.textContent = p
      ? [p.name, p.staff_role ? roleLabel(p.staff_role) : ""].filter(Boolean).join(" · ")
      : "";
  }
}

export function updateTabs() {
  const tab = root.querySelector("[data-testid=tab-queue]");
  if (!tab) return;
  tab.hidden = !isStaff();
  tab.parentElement.hidden = !isStaff();
  const count = tab.querySelector(".count");
  count.textContent = state.queue.length ? String(state.queue.length) : "";
  for (const [view, items] of [["agents", state.agencyItems], ["deliveries", state.deliveries]]) {
    const other = root.querySelector(`[data-testid=tab-${view}]`);
    if (!other) continue;
    other.hidden = !isStaff();
    other.querySelector(".count").textContent = items.length ? String(items.length) : "";
  }
}
