/* A case's e-service certificates (OLR 31): the court sees every one, a party its own. */

import { h } from "../core/dom.js";
import { api } from "../core/http.js";
import { formatTime, roleLabel, t } from "../core/i18n.js";
import { send } from "../net/socket.js";
import { forms } from "./forms.js";
import { renderSheet, sheetError } from "./sheet.js";

/** The case's e-service certificates (OLR 31): the court sees every one, a party its own. */
export async function requestService(caseId) {
  Object.assign(forms.service, { caseId, busy: true, error: null, items: [] });
  renderSheet();
  const r = await api("GET", `/api/cases/${encodeURIComponent(caseId)}/service`);
  if (forms.service.caseId !== caseId) return; // another case asked meanwhile
  forms.service.busy = false;
  if (r.ok) forms.service.items = r.data.certificates || [];
  else forms.service.error = r.data.text || t("network_error");
  renderSheet();
}

export function serviceBody() {
  const f = forms.service;
  if (f.busy) return [h("p", { class: "muted", text: t("loading") })];
  if (f.error) return [sheetError("service-error", f.error)];
  if (!f.items.length) return [h("p", { class: "muted", "data-testid": "service-none", text: t("service_none") })];
  const line = (text, testid) => h("span", { class: "item-line", "data-testid": testid, text });
  return [
    h(
      "ul",
      { class: "items", "data-testid": "service-list" },
      ...f.items.map((c) =>
        h(
          "li",
          { class: "item static", "data-testid": "certificate", "data-message-id": c.message_id },
          h("span", { class: "item-title", text: c.document_name.charAt(0).toUpperCase() + c.document_name.slice(1) }),
          line(t(c.recipient_is_agent ? "service_to_agent" : "service_to", { role: roleLabel(c.recipient_role), name: c.recipient_name || "—" }), "certificate-to"),
          line(
            c.delivered_at ? t("service_delivered", { at: formatTime(c.delivered_at), address: addressLabel(c) }) : t("service_pending"),
            "certificate-delivered",
          ),
          line(
            c.effective_at
              ? t(EFFECTIVE_BY[c.effective_by] || "service_effective", { at: formatTime(c.effective_at) })
              : t("service_not_effective"),
            "certificate-effective",
          ),
          line(
            c.acknowledged_at ? t("service_acknowledged", { at: formatTime(c.acknowledged_at), via: c.acknowledged_via === "web" ? t("service_via_web") : "Telegram" }) : t("service_unacknowledged"),
            "certificate-ack",
          ),
          h("span", { class: "item-line hash", text: `SHA-256 ${c.content_sha256}` }),
          h(
            "span",
            { class: "item-line" },
            h("a", { href: pdfUrl(f.caseId, c.message_id, ""), download: "", "data-testid": "document-pdf", text: t("service_pdf") }),
            " · ",
            h("a", { href: pdfUrl(f.caseId, c.message_id, "-certificate"), download: "", "data-testid": "certificate-pdf", text: t("service_certificate_pdf") }),
          ),
        ),
      ),
    ),
  ];
}

/** The court-signed PDF of a served document or of its certificate (issue 16). */
function pdfUrl(caseId, messageId, suffix) {
  return `/api/cases/${encodeURIComponent(caseId)}/documents/${messageId}${suffix}.pdf`;
}

const EFFECTIVE_BY = { delivered: "service_effective", read: "service_effective_read", acknowledged: "service_effective_ack" };

function addressLabel(c) {
  if (c.channel !== "web") return c.address;
  return t(c.address === "web chat" ? "addr_web" : "addr_web_unused");
}

/** The party withdraws its consent to electronic service (OLR 5), after saying yes to what it
 * means: the court then serves it by other means. The court answers `e_service_withdrawn`. */
export function withdrawEService(caseId) {
  if (!window.confirm(t("withdraw_service_confirm"))) return;
  send({ type: "withdraw_e_service", case_id: caseId });
}
