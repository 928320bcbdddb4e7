/* The account menu, the cases screen's entries for joining and agents, and a case's menu. */

import { PARTY_ROLES } from "../core/config.js";
import { h } from "../core/dom.js";
import { roleLabel, t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { state } from "../core/state.js";
import { forms } from "./forms.js";
import { requestInvite } from "./invite.js";
import { liveBlock, orderBlock } from "./live.js";
import { moreTimeBlock } from "./more-time.js";
import { withdrawSuitBlock } from "./withdraw-suit.js";
import { withdrawalViewBlock } from "./withdrawal-view.js";
import { requestService, withdrawEService } from "./service.js";
import { openSheet, openTool } from "./sheet.js";

function menuEntry(testid, iconName, label, hint, onclick) {
  return h(
    "li",
    null,
    h(
      "button",
      { type: "button", class: "tool", "data-testid": testid, "data-focus-key": testid, onclick },
      icon(iconName),
      h("span", { class: "tool-text" }, h("span", { class: "tool-label", text: label }), h("span", { class: "tool-hint", text: hint })),
    ),
  );
}

export function menuBody() {
  const party = state.person && !state.person.staff_role;
  return [
    h(
      "ul",
      { class: "tool-list", "data-testid": "account-menu-list" },
      menuEntry("menu-link-telegram", "plane", t("link_tg"), t("link_tg_hint"), () => openTool("link")),
      menuEntry("menu-link-code", "key", t("link_enter"), t("link_enter_hint"), () => openTool("link_code")),
      party ? menuEntry("menu-join", "key", t("join_open"), t("join_open_hint"), () => openTool("join")) : null,
      party ? menuEntry("menu-agent", "briefcase", t("agent_open"), t("agent_open_hint"), () => openTool("agent")) : null,
    ),
  ];
}

/** The cases screen's entries for people who come in by a code rather than by filing. */
export function renderPartyTools() {
  const entry = (testid, iconName, label, hint, kind) =>
    h(
      "li",
      null,
      h(
        "button",
        {
          type: "button",
          class: "tool",
          "data-testid": testid,
          "data-focus-key": testid,
          "aria-haspopup": "dialog",
          onclick: (event) => openTool(kind, event.currentTarget),
        },
        icon(iconName),
        h("span", { class: "tool-text" }, h("span", { class: "tool-label", text: label }), h("span", { class: "tool-hint", text: hint })),
      ),
    );
  return h(
    "section",
    { class: "tools", "data-testid": "party-tools", "aria-label": t("party_tools") },
    h(
      "ul",
      { class: "tool-list" },
      entry("join-open", "key", t("join_open"), t("join_open_hint"), "join"),
      entry("agent-open", "briefcase", t("agent_open"), t("agent_open_hint"), "agent"),
    ),
  );
}

export function caseSheetBody() {
  const caseId = state.currentCaseId;
  const info = state.caseInfo.get(caseId) || {};
  const facts = [
    ["case_number", info.case_number],
    ["reference", info.reference],
    ["status", info.status_text],
    ["your_role", roleLabel(info.role)],
  ].filter(([, value]) => value);
  return [
    h("dl", { class: "facts", "data-testid": "case-facts" }, facts.flatMap(([key, value]) => [h("dt", { text: t(key) }), h("dd", { text: value })])),
    h(
      "button",
      {
        type: "button",
        class: "btn wide",
        "data-testid": "service-open",
        "data-focus-key": "service-open",
        onclick: () => {
          requestService(caseId);
          openSheet("service");
        },
      },
      t("service_open"),
    ),
    PARTY_ROLES.has(info.role)
      ? h(
          "div",
          { class: "tool-block" },
          h(
            "button",
            {
              type: "button",
              class: "btn primary wide",
              "data-testid": "invite-agent",
              "data-focus-key": "invite-agent",
              "data-autofocus": true,
              onclick: () => {
                const f = forms.invite;
                if (f.caseId !== caseId || (!f.result && !f.busy)) requestInvite(caseId);
                openSheet("invite");
              },
            },
            icon("briefcase"),
            t("invite_agent"),
          ),
          h("p", { class: "muted small center", text: t("invite_agent_hint") }),
          h(
            "button",
            {
              type: "button",
              class: "btn wide",
              "data-testid": "withdraw-e-service",
              "data-focus-key": "withdraw-e-service",
              onclick: () => withdrawEService(caseId),
            },
            t("withdraw_service"),
          ),
          h("p", { class: "muted small center", text: t("withdraw_service_hint") }),
        )
      : null,
    info.asynchronous && PARTY_ROLES.has(info.role) ? liveBlock(caseId) : null,
    PARTY_ROLES.has(info.role) ? moreTimeBlock(caseId) : null,
    info.withdrawable ? withdrawSuitBlock(caseId) : null,
    info.withdrawal_view ? withdrawalViewBlock(caseId, info.withdrawal_view) : null,
    info.asynchronous && info.role === "court" && state.person && state.person.staff_role === "judge" ? orderBlock(caseId) : null,
  ];
}
