/* Frames from the court, dispatched by type (handleFrame), and the chat's own: welcome, cases,
 * case_opened, message, ack, error. The panels' frames are handled in their modules.
 */

import { addLocal, updateLocalEntry } from "../chat/answers.js";
import { setBanner } from "../chat/banner.js";
import { focusInput, renderComposer, updateCounter } from "../chat/composer.js";
import { refreshControls, renderConversation, renderServerMessage } from "../chat/conversation.js";
import { renderList } from "../chat/lists.js";
import { conv, maxMsgId } from "../chat/prompts.js";
import { onAcknowledged } from "../chat/receipts.js";
import { scrollToEnd } from "../chat/scroll.js";
import { render, updateHeader } from "../chat/shell.js";
import { CASE_KEY, LOCALES } from "../core/config.js";
import { t } from "../core/i18n.js";
import { isStaff, root, state } from "../core/state.js";
import { writeStore } from "../core/storage.js";
import { onAgentCode } from "../parties/invite.js";
import { joined } from "../parties/join.js";
import { linkedAs, onLinkCancelled, onLinkConfirm } from "../parties/link-code.js";
import { liveFailed, onWentLive } from "../parties/live.js";
import { renderSheet, sheet } from "../parties/sheet.js";
import { moreTimeFailed, onMoreTimeApplied } from "../parties/more-time.js";
import { onWithdrawalApplied, withdrawSuitFailed } from "../parties/withdraw-suit.js";
import { onWithdrawalViewStated, withdrawalViewFailed } from "../parties/withdrawal-view.js";
import { sideFailed } from "../parties/side.js";
import { onLink } from "../parties/telegram-link.js";
import { agencyFailed, onAgencyAck, onAgencyQueue } from "../staff/agency.js";
import { onDeliveries } from "../staff/deliveries.js";
import { onQueue } from "../staff/queue.js";
import { requestStaffLists, showList } from "./navigation.js";
import { send } from "./socket.js";

export function handleFrame(frame) {
  switch (frame.type) {
    case "welcome":
      onWelcome(frame);
      break;
    case "cases":
      onCases(frame.cases || []);
      break;
    case "case_opened":
      onCaseOpened(frame.case, frame.messages || [], frame.answers || []);
      break;
    case "message":
      onMessage(frame);
      break;
    case "acknowledged": // a served court document: receipt recorded (OLR 31)
      onAcknowledged(frame);
      break;
    case "notice": // e.g. an account was just linked to this person
      setBanner(frame.text, true);
      break;
    case "e_service_withdrawn": // consent to e-service withdrawn (OLR 5): recorded
      setBanner(t("withdraw_service_done"), true);
      break;
    case "ack":
      if (state.agencyPending.has(frame.client_id)) onAgencyAck(frame.client_id);
      else onAck(frame.client_id);
      break;
    case "async_consent_withdrawn": // the asynchronous trial's consent withdrawn: live (OLR 5, 21)
      onWentLive("live_withdrawn");
      break;
    case "live_hearing_ordered": // the judge's order: live (OLR 21)
      onWentLive("live_ordered");
      break;
    case "withdrawal_applied": // the plaintiff's application to withdraw, with the judge (CPL 148)
      onWithdrawalApplied();
      break;
    case "withdrawal_view_stated": // the defendant's view on the withdrawal, with the judge (Interp. 238)
      onWithdrawalViewStated();
      break;
    case "more_time_applied": // a party's application for more time, with the judge (CPL 86)
      onMoreTimeApplied();
      break;
    case "error":
      onError(frame);
      break;
    case "queue":
      onQueue(frame.items || []);
      break;
    case "agency_queue":
      onAgencyQueue(frame.items || []);
      break;
    case "delivery_problems":
      onDeliveries(frame.items || []);
      break;
    case "link":
      onLink(frame);
      break;
    case "link_confirm": // the court asks before linking this browser to a Telegram account
      onLinkConfirm(frame);
      break;
    case "link_cancelled":
      onLinkCancelled(frame);
      break;
    case "linked": // the court linked this session: the welcome that follows names the person
      state.linkDone = true;
      break;
    case "agent_code":
      onAgentCode(frame);
      break;
    default:
      break;
  }
}

function onWelcome(frame) {
  const staffBefore = isStaff();
  const relinked = state.relinkedFrom !== undefined;
  const linking = relinked || state.linkDone === true;
  state.linkDone = false;
  const before = relinked ? state.relinkedFrom : state.person && state.person.id;
  delete state.relinkedFrom;
  if (frame.person) state.person = frame.person;
  if (typeof frame.demo === "boolean") state.demo = frame.demo;
  const localeChanged = LOCALES.includes(frame.locale) && frame.locale !== state.locale;
  if (LOCALES.includes(frame.locale)) state.locale = frame.locale;
  if (linking) {
    linkedAs(before); // this session now belongs to the person Telegram's /link named
    return;
  }
  if (localeChanged || staffBefore !== isStaff()) render();
  else updateHeader();
}

function onCases(cases) {
  state.cases = cases;
  for (const c of cases) state.caseInfo.set(c.case_id, c);
  if (state.view === "cases") renderList();
  if (state.view === "chat") updateHeader();
  if (sheet.kind === "case") renderSheet();
}

function onCaseOpened(info, messages, answers = []) {
  if (!info || !info.case_id) return;
  if (state.side && state.side.kind === "join") joined();
  if (state.bannerCaseId === info.case_id) setBanner(null); // its messages are on screen now
  state.creating = false;
  state.caseInfo.set(info.case_id, info);
  const c = conv(info.case_id);
  const relocalised = state.relocalise === info.case_id; // the language changed: redraw all of it
  if (relocalised) state.relocalise = null;
  c.msgs.clear();
  for (const m of messages) if (typeof m.id === "number") c.msgs.set(m.id, m);
  if (relocalised && c.local.every((e) => e.kind === "mine" && e.status === "sent")) {
    c.local.length = 0; // the person's answers (a button's label) as recorded, in the new language
  }
  if (c.local.length === 0) {
    // a fresh page: the person's own earlier answers, as the server recorded them
    for (const a of answers) {
      c.local.push({ kind: "mine", text: a.text, status: "sent", key: ++state.localSeq, afterId: a.after_id || 0 });
    }
  }
  const switching = state.currentCaseId !== info.case_id || state.view !== "chat";
  state.currentCaseId = info.case_id;
  writeStore(sessionStorage, CASE_KEY, info.case_id);
  state.unread.delete(info.case_id);
  if (switching) {
    state.view = "chat";
    state.composerKey = null;
    render();
  } else {
    updateHeader();
    renderConversation();
    renderComposer(relocalised);
  }
  scrollToEnd(true);
}

function onMessage(msg) {
  if (typeof msg.id !== "number" || !msg.case_id) return;
  const c = conv(msg.case_id);
  if (c.msgs.has(msg.id)) return; // at-least-once delivery: already shown
  const wasMax = maxMsgId(c);
  c.msgs.set(msg.id, msg);
  if (msg.case_id !== state.currentCaseId || state.view !== "chat") {
    state.unread.add(msg.case_id);
    scheduleListRefresh();
    // a case this person cannot open (yet): e.g. an agent told that the court refused the
    // power of attorney. Staff hear every case of the court, so not for them.
    if (!isStaff() && !state.caseInfo.has(msg.case_id) && !(state.side && state.side.kind === "join")) {
      setBanner(msg.text, true);
      state.bannerCaseId = msg.case_id;
    }
    return;
  }
  const list = root.querySelector("[data-testid=conversation]");
  if (list && msg.id > wasMax) list.append(renderServerMessage(msg));
  else renderConversation();
  renderComposer();
  scrollToEnd();
  scheduleListRefresh();
}

function onAck(clientId) {
  const f = state.inflight.get(clientId);
  if (!f) return;
  clearTimeout(f.timer);
  state.inflight.delete(clientId);
  f.entry.status = "sent";
  updateLocalEntry(f.caseId, f.entry);
  conv(f.caseId).answered.add(f.seq); // accepted: this question is done until the court asks again
  if (f.fromInput && (state.drafts.get(f.caseId) || "") === f.value) {
    state.drafts.set(f.caseId, "");
    const input = root.querySelector("[data-testid=answer-input]");
    if (input && f.caseId === state.currentCaseId && input.value === f.value) {
      input.value = "";
      updateCounter();
    }
  }
  if (f.caseId === state.currentCaseId) renderComposer();
  refreshControls();
}

function onError(frame) {
  if (typeof frame.client_id === "string" && frame.client_id.startsWith("ack:")) {
    state.receipts.delete(Number(frame.client_id.slice(4))); // a "received" refused: the button comes back
    setBanner(frame.text || frame.code, true);
    if (state.view === "chat") renderConversation();
    return;
  }
  if (!frame.client_id) liveFailed();
  if (!frame.client_id) withdrawSuitFailed();
  if (!frame.client_id) withdrawalViewFailed(frame);
  if (!frame.client_id) moreTimeFailed(frame);
  if (state.side && !frame.client_id && sideFailed(frame)) return;
  if (state.agencyPending.size && !frame.client_id && state.view === "agents" && agencyFailed(frame)) return;
  const c = frame.case_id ? state.convs.get(frame.case_id) : null;
  if (
    frame.code === "not_a_party" &&
    !frame.client_id &&
    state.view === "chat" &&
    frame.case_id === state.currentCaseId &&
    (!c || !c.msgs.size)
  ) {
    // a case from the address or from an old tab that this person cannot see
    showList("cases");
    setBanner(frame.text || frame.code, true);
    return;
  }
  if (state.creating && !frame.client_id) {
    state.creating = false;
    const button = root.querySelector("[data-testid=new-filing]");
    if (button) button.disabled = false;
  }
  const f = frame.client_id ? state.inflight.get(frame.client_id) : null;
  let caseId = frame.case_id || state.currentCaseId;
  if (f) {
    clearTimeout(f.timer);
    state.inflight.delete(frame.client_id);
    f.entry.status = "failed";
    updateLocalEntry(f.caseId, f.entry);
    caseId = f.caseId;
  }
  if (caseId && state.view === "chat" && caseId === state.currentCaseId) {
    addLocal(caseId, { kind: "system", text: frame.text || frame.code || t("network_error") });
    refreshControls();
    focusInput();
  } else if (caseId) {
    addLocal(caseId, { kind: "system", text: frame.text || frame.code });
    setBanner(frame.text || frame.code, true);
  } else {
    setBanner(frame.text || frame.code, true);
  }
}

function scheduleListRefresh() {
  clearTimeout(state.listRefreshTimer);
  state.listRefreshTimer = setTimeout(() => {
    send({ type: "list_cases" });
    if (isStaff()) requestStaffLists();
  }, 250);
}
