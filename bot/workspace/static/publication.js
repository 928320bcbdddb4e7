/* The case's published judgment (DOMAIN §12.4), for its court: published since when, or withdrawn
 * and why; the case's judge withdraws it from the public on an OLR 27 ground with reasons
 * (POST /api/workspace/cases/{id}/unpublish; the court refuses anyone else). Shown only once the
 * case has a published judgment. */

import { api } from "./api.js";
import { el, show } from "./dom.js";
import { formatTime, t } from "./i18n.js";

/** The section, filled in once the court answers (empty when nothing was published). */
export function publicationView(caseId, done) {
  const section = el("section", { class: "ruling", hidden: true, "data-testid": "publication" });
  api("GET", `/api/workspace/cases/${encodeURIComponent(caseId)}/publication`).then((answer) => {
    if (!answer.ok || answer.data.state === "none") return;
    show(section, el("h2", {}, t("publication_heading")), ...body(caseId, answer.data, done));
    section.hidden = false;
  });
  return section;
}

function body(caseId, publication, done) {
  if (publication.state === "unpublished") {
    return [el("p", { "data-testid": "publication-state" }, t("publication_withdrawn", {
      at: formatTime(publication.unpublished_at), ground: t(`ground_${publication.ground}`) })),
    el("p", {}, publication.reason)];
  }
  const status = el("p", { class: "status", role: "status", "data-testid": "unpublish-status" });
  const ground = el("select", { "aria-label": t("unpublish_ground"), "data-testid": "unpublish-ground" },
    el("option", { value: "" }, t("unpublish_ground")),
    publication.grounds.map((g) => el("option", { value: g }, t(`ground_${g}`))));
  const reason = el("textarea", { rows: 3, "aria-label": t("unpublish_reason"), placeholder: t("unpublish_reason"), "data-testid": "unpublish-reason" });
  const send = async () => {
    if (!ground.value || !reason.value.trim()) {
      status.textContent = t("unpublish_needed");
      return;
    }
    const answer = await api("POST", `/api/workspace/cases/${encodeURIComponent(caseId)}/unpublish`, { ground: ground.value, reason: reason.value.trim() });
    if (!answer.ok) {
      status.textContent = answer.data.text || "";
      return;
    }
    done(t("unpublished"));
  };
  return [el("p", { "data-testid": "publication-state" }, t("publication_published", { at: formatTime(publication.published_at) })),
    el("p", {}, el("a", { href: `/judgments#${publication.judgment_id}`, target: "_blank" }, publication.title)),
    el("form", { onsubmit: (e) => e.preventDefault() }, ground, reason,
      el("button", { type: "submit", "data-testid": "unpublish", onclick: send }, t("unpublish"))),
    status];
}
