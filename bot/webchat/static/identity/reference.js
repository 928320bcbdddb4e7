/* Step 2 of identity verification: name, ID number and a photo of the ID card. */

import { h } from "../core/dom.js";
import { postForm } from "../core/http.js";
import { t } from "../core/i18n.js";
import { icon } from "../core/icons.js";
import { alreadyVerified } from "./outcome.js";
import { goTo, idp, panelEl, renderIdentity } from "./panel.js";
import { idErrorBox } from "./widgets.js";

const ID_PHOTO_MAX_PX = 1600; // a phone photo of the card is shrunk before upload

const ID_PHOTO_MAX_BYTES = 1.5 * 1024 * 1024;

export function idReferenceBody() {
  const field = (id, key, labelKey, attrs, hintKey) => {
    const input = h("input", {
      id,
      class: "id-input",
      type: "text",
      "data-testid": `identity-${key}`,
      "aria-describedby": hintKey ? `${id}-hint` : null,
      disabled: idp.busy,
      ...attrs,
    });
    input.value = idp[key];
    input.addEventListener("input", () => (idp[key] = input.value));
    return h(
      "div",
      { class: "id-field" },
      h("label", { for: id, text: t(labelKey) }),
      input,
      hintKey ? h("p", { id: `${id}-hint`, class: "muted small", text: t(hintKey) }) : null,
    );
  };
  const photoInput = h("input", {
    id: "id-photo",
    type: "file",
    class: "visually-hidden",
    accept: "image/*",
    capture: "environment",
    "data-testid": "identity-photo",
    "aria-describedby": "id-photo-tips",
    disabled: idp.busy,
    onchange: (event) => {
      const file = event.currentTarget.files && event.currentTarget.files[0];
      if (!file) return;
      if (idp.photoUrl) URL.revokeObjectURL(idp.photoUrl);
      idp.photo = file;
      idp.photoUrl = URL.createObjectURL(file);
      idp.error = null;
      renderIdentity();
      panelEl?.querySelector("[data-testid=identity-photo]")?.focus({ preventScroll: true });
    },
  });
  const chosen = idp.photo
    ? h(
        "figure",
        { class: "id-photo-preview", "data-testid": "identity-photo-preview" },
        h("img", { src: idp.photoUrl, alt: t("id_photo_alt") }),
        h("figcaption", { class: "small muted", text: t("id_photo_chosen", { name: idp.photo.name || "photo" }) }),
      )
    : null;
  return [
    h("h3", { tabindex: "-1", text: t("id_ref_h") }),
    h("p", { text: t("id_ref_intro") }),
    idp.status && idp.status.filed_as
      ? h("p", { class: "muted small", "data-testid": "identity-from-filing", text: t("id_from_filing") })
      : null,
    h(
      "form",
      { class: "id-form", "data-testid": "identity-reference-form", novalidate: true, onsubmit: submitReference },
      field("id-name", "name", "id_name", { autocomplete: "name", enterkeyhint: "next", spellcheck: "false" }),
      field(
        "id-number",
        "number",
        "id_number",
        { autocomplete: "off", autocapitalize: "characters", spellcheck: "false", maxlength: "18", enterkeyhint: "next" },
        "id_number_hint",
      ),
      h(
        "div",
        { class: "id-field" },
        h("span", { class: "id-label", id: "id-photo-label", text: t("id_photo") }),
        chosen,
        h(
          "label",
          { class: `btn ${idp.photo ? "secondary" : "primary"} wide file-pick`, for: "id-photo", "aria-describedby": "id-photo-label" },
          photoInput,
          icon("camera"),
          h("span", { text: idp.photo ? t("id_photo_change") : t("id_photo_pick") }),
        ),
        h("p", { id: "id-photo-tips", class: "muted small", text: t("id_photo_tips") }),
      ),
      idErrorBox(),
      h("button", {
        type: "submit",
        class: "btn primary wide",
        "data-testid": "identity-reference-submit",
        disabled: idp.busy,
        "aria-busy": String(idp.busy),
        text: idp.busy ? t("id_uploading") : t("id_ref_btn"),
      }),
    ),
  ];
}

/** A phone photo can be 5-10 MB: shrink it to a sharp, small JPEG. Anything unreadable goes as is. */
async function shrinkPhoto(file) {
  try {
    if (typeof createImageBitmap !== "function") return file;
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, ID_PHOTO_MAX_PX / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= ID_PHOTO_MAX_BYTES) {
      bitmap.close();
      return file;
    }
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
    return blob ? new File([blob], "id-card.jpg", { type: "image/jpeg" }) : file;
  } catch {
    return file;
  }
}

async function submitReference(event) {
  event.preventDefault();
  if (idp.busy) return;
  const missing = !idp.name.trim()
    ? ["id_missing_name", "identity-name"]
    : !idp.number.trim()
      ? ["id_missing_number", "identity-number"]
      : !idp.photo
        ? ["id_missing_photo", "identity-photo"]
        : null;
  if (missing) {
    idp.error = t(missing[0]);
    renderIdentity();
    panelEl?.querySelector(`[data-testid=${missing[1]}]`)?.focus({ preventScroll: true });
    return;
  }
  const run = idp.run;
  idp.busy = true;
  idp.error = null;
  renderIdentity();
  const photo = await shrinkPhoto(idp.photo);
  const form = new FormData();
  form.append("name", idp.name.trim());
  form.append("id_number", idp.number.replace(/\s+/g, "").toUpperCase());
  form.append("photo", photo, photo.name || "id-card.jpg");
  const r = await postForm("/api/identity/reference", form);
  if (!idp.open || run !== idp.run) return;
  idp.busy = false;
  if (alreadyVerified(r.data)) return;
  if (r.data.error === "consent_required") {
    idp.error = r.data.text || null;
    idp.status = { ...(idp.status || {}), consent: false };
    goTo("consent");
    return;
  }
  if (r.data.error === "card_review") { // three unreadable cards: a clerk reads it by hand
    idp.status = { ...(idp.status || {}), in_review: true };
    idp.result = { text: r.data.text };
    goTo("manual");
    return;
  }
  if (!r.ok) {
    idp.error = r.data.text || t("network_error"); // in place; everything typed stays
    renderIdentity();
    panelEl?.querySelector("[data-testid=identity-error]")?.focus?.();
    return;
  }
  idp.status = { ...(idp.status || {}), reference: true };
  goTo("live");
}
