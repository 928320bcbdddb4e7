/* The evidence list: each item with its side, SHA-256 and when it was received, the other side's
 * opinion on it (OLR 15), and video or audio played in the page from the case's file route. */

import { el } from "./dom.js";
import { formatTime, t } from "./i18n.js";

export function evidenceView(items) {
  const body = items.length === 0
    ? el("p", {}, t("no_evidence"))
    : el("table", { class: "evidence" },
      el("thead", {}, el("tr", {}, ["col_side", "col_item", "col_received", "col_opinion"].map((k) => el("th", {}, t(k))))),
      el("tbody", {}, items.map(item)));
  return el("section", { "data-testid": "evidence" }, el("h2", {}, t("evidence_heading")), body);
}

function item(file) {
  const disputed = file.opinions.some((o) => !o.undisputed);
  return el("tr", { class: disputed ? "disputed" : "", "data-testid": "evidence-item", "data-evidence-id": file.evidence_id },
    el("td", {}, file.side ? t(`role_${file.side}`) : ""),
    el("td", {},
      el("strong", {}, file.name),
      el("div", {}, el("code", { class: "hash", title: file.sha256 }, `SHA-256 ${file.sha256}`)),
      player(file)),
    el("td", {}, formatTime(file.received_at)),
    el("td", {}, file.opinions.map((o) =>
      el("p", { class: `opinion opinion-${o.opinion}`, "data-testid": "opinion", "data-opinion": o.opinion }, o.text))));
}

function player(file) {
  if (file.media === "video") return el("video", { controls: true, preload: "metadata", src: file.url, "data-testid": "player" });
  if (file.media === "audio") return el("audio", { controls: true, preload: "metadata", src: file.url, "data-testid": "player" });
  return el("a", { href: file.url, target: "_blank", rel: "noopener" }, t("open_file"));
}
