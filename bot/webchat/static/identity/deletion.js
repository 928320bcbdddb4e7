/* PIPL 47: deleting the face template, once no case of the person's is going on. */

import { h } from "../core/dom.js";
import { api } from "../core/http.js";
import { t } from "../core/i18n.js";
import { setVerified } from "./entry.js";
import { goTo, idp, panelEl, renderIdentity } from "./panel.js";
import { idErrorBox } from "./widgets.js";

/** PIPL 47: the person may have the face template deleted, once no case of theirs is going on. */
export function idDeleteBody() {
  return [
    h("h3", { tabindex: "-1", text: t("id_delete_h") }),
    h("p", { text: t("id_delete_intro") }),
    h("p", { class: "muted small", text: t("id_delete_live") }),
    idErrorBox(),
    h("button", {
      type: "button",
      class: "btn danger wide",
      "data-testid": "identity-delete-confirm",
      disabled: idp.busy,
      "aria-busy": String(idp.busy),
      text: idp.busy ? t("id_deleting") : t("id_delete_btn"),
      onclick: deleteBiometrics,
    }),
    h("button", {
      type: "button",
      class: "btn secondary wide",
      "data-testid": "identity-delete-cancel",
      disabled: idp.busy,
      text: t("back"),
      onclick: () => {
        idp.error = null;
        goTo("already");
      },
    }),
  ];
}

async function deleteBiometrics() {
  if (idp.busy) return;
  const run = idp.run;
  idp.busy = true;
  idp.error = null;
  renderIdentity();
  const r = await api("DELETE", "/api/identity/biometrics");
  if (!idp.open || run !== idp.run) return;
  idp.busy = false;
  if (!r.ok) {
    idp.error = r.data.text || t("network_error"); // e.g. 409 case_live, naming the case
    renderIdentity();
    panelEl?.querySelector("[data-testid=identity-error]")?.focus?.();
    return;
  }
  idp.result = { text: r.data.text || "" };
  if (r.data.deleted) {
    idp.status = { ...(idp.status || {}), verified: false, consent: false, reference: false, method: null };
    setVerified(false);
  }
  goTo("deleted");
}
