/* Step 1 of identity verification: separate consent to facial data (PIPL 28-29). */

import { h } from "../core/dom.js";
import { api } from "../core/http.js";
import { t } from "../core/i18n.js";
import { alreadyVerified } from "./outcome.js";
import { goTo, idp, renderIdentity } from "./panel.js";
import { idErrorBox, labelled } from "./widgets.js";

export function idConsentBody() {
  const submit = h("button", {
    type: "button",
    class: "btn primary wide",
    "data-testid": "identity-consent-submit",
    disabled: !idp.consentTicked || idp.busy,
    "aria-busy": String(idp.busy),
    text: idp.busy ? t("sending") : t("id_consent_btn"),
    onclick: submitConsent,
  });
  const box = h("input", {
    type: "checkbox",
    id: "id-consent-box",
    "data-testid": "identity-consent-check",
    "aria-describedby": "id-consent-no",
    checked: idp.consentTicked,
    onchange: (event) => {
      idp.consentTicked = event.currentTarget.checked;
      submit.disabled = !idp.consentTicked || idp.busy;
    },
  });
  return [
    h("h3", { tabindex: "-1", text: t("id_consent_h") }),
    h("p", { text: t("id_consent_intro") }),
    h(
      "ul",
      { class: "id-facts", "data-testid": "identity-consent-facts" },
      // a court that keeps the frames (MICROCOURT_KEEP_SELFIES) must not promise otherwise
      ["what", "kept", idp.status && idp.status.keeps_selfies === true ? "selfie_kept" : "selfie", "use", "delete"].map(
        (k) => h("li", null, labelled(t(`id_consent_${k}`))),
      ),
    ),
    h("div", { class: "id-check" }, box, h("label", { for: "id-consent-box", text: t("id_consent_check") })),
    idErrorBox(),
    submit,
    h("p", { id: "id-consent-no", class: "muted small", text: t("id_consent_no") }),
  ];
}

async function submitConsent() {
  if (!idp.consentTicked || idp.busy) return;
  const run = idp.run;
  idp.busy = true;
  idp.error = null;
  renderIdentity();
  const r = await api("POST", "/api/identity/consent", { biometric: true });
  if (!idp.open || run !== idp.run) return;
  idp.busy = false;
  if (alreadyVerified(r.data)) return;
  if (!r.ok) {
    idp.error = r.data.text || t("network_error");
    renderIdentity();
    return;
  }
  idp.status = { ...(idp.status || {}), consent: true };
  goTo(idp.status.reference ? "live" : "reference");
}
