/* A served court document's "I have received it" button and its receipt (OLR 31). */

import { h } from "../core/dom.js";
import { formatTime, t } from "../core/i18n.js";
import { state } from "../core/state.js";
import { send } from "../net/socket.js";
import { setBanner } from "./banner.js";
import { renderConversation } from "./conversation.js";

/** A served court document: "I have received it", or when the person said so (OLR 31). */
export function renderReceipt(msg) {
  const at = msg.service.acknowledged_at;
  if (at) return h("p", { class: "small receipt", "data-testid": "receipt", text: t("received_at", { at: formatTime(at) }) });
  const pending = state.receipts.has(msg.id);
  return h("button", {
    type: "button",
    class: "btn",
    "data-testid": "acknowledge",
    disabled: pending,
    text: pending ? t("sending") : msg.service.button,
    onclick: () => {
      state.receipts.add(msg.id);
      send({ type: "acknowledge", message_id: msg.id });
      renderConversation();
    },
  });
}

export function onAcknowledged(frame) {
  state.receipts.delete(frame.message_id);
  for (const c of state.convs.values()) {
    const msg = c.msgs.get(frame.message_id);
    if (msg && msg.service) msg.service.acknowledged_at = frame.at;
  }
  setBanner(frame.text, true);
  if (state.view === "chat") renderConversation();
}
