/* The record by stage, the parties side by side (OLR 34, CPL 150): each entry with its kind, who
 * acted (and for whom), when, and the SHA-256 of its content; open questions, lapsed windows and
 * "no answer" stand out. The newest stages are open, the earlier ones folded. */

import { el } from "./dom.js";
import { formatTime, t } from "./i18n.js";

const SIDES = ["plaintiff", "defendant", "court"];
const OPEN_STAGES = 3;

export function recordView(record) {
  const stages = record.stages.map((stage, i) => stageView(stage, record, i >= record.stages.length - OPEN_STAGES));
  return el("section", { "data-testid": "record" },
    el("h2", {}, t("record_heading")), el("p", { class: "note" }, t("record_note")), stages);
}

function stageView(stage, record, open) {
  const sides = SIDES.filter((side) => side !== "court" || stage.parties.court);
  return el("details", { class: "stage", open, "data-testid": "record-stage", "data-stage": stage.stage },
    el("summary", {}, stage.status_text || stage.stage),
    el("div", { class: `sides sides-${sides.length}` }, sides.map((side) =>
      el("div", { class: "side", "data-side": side },
        el("h3", {}, t(`role_${side}`)),
        (stage.parties[side] || []).map((entry) => entryView(entry, record)),
        stage.parties[side] ? null : el("p", { class: "muted" }, t("no_entries"))))));
}

function entryView(entry, record) {
  const marks = [];
  if (entry.kind === "question" && entry.open) marks.push(el("span", { class: "mark open" }, t("open_now")));
  if (entry.kind === "question" && entry.lapsed) marks.push(el("span", { class: "mark lapsed" }, t("lapsed")));
  if (entry.kind === "question" && !entry.answered && !entry.open && !entry.lapsed) marks.push(el("span", { class: "mark" }, t("unanswered")));
  if (entry.number) marks.push(el("span", { class: "mark number" }, t("entry_number", { n: entry.number })));
  if ((entry.amended_by || []).length) marks.push(el("span", { class: "mark amended", "data-testid": "entry-amended" }, t("amended_by", { n: entry.amended_by.join(", ") })));
  const classes = ["entry", `entry-${entry.kind}`];
  if (entry.open) classes.push("is-open");
  if (entry.lapsed || entry.kind === "no_answer") classes.push("is-lapsed");
  return el("article", { class: classes.join(" "), "data-testid": "record-entry", "data-kind": entry.kind, "data-step": entry.step || "" },
    el("header", {},
      el("span", { class: "kind" }, t(`kind_${entry.kind}`)),
      el("time", { datetime: entry.at }, formatTime(entry.at)),
      el("span", { class: "who" }, who(entry, record)),
      marks),
    el("p", { class: "content" }, entry.label),
    el("code", { class: "hash", title: entry.sha256 }, `SHA-256 ${entry.sha256.slice(0, 16)}…`));
}

function who(entry, record) {
  if (!entry.actor_id) return t("by_court");
  const name = record.people[entry.actor_id] || entry.actor_id;
  if (!entry.on_behalf_of) return name;
  return t("on_behalf", { who: name, party: record.people[entry.on_behalf_of] || entry.on_behalf_of });
}
