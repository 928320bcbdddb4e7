/* The identity desk (issue 14): the people whose identity check came to the court's clerks, and
 * one person's check as the clerk decides it: why it came here, the pictures held for it (the ID
 * photo, a selfie, frames of a live recording, ID card photos: whatever its decisions hold), every
 * reference and check in order with its outcome and reasons, and the decision, pass or fail,
 * always with a written reason. The person is told in their own channel (the court does that).
 *
 *   /api/identity/queue                                    who waits, longest first
 *   /api/identity/queue/{person}                           reasons and history (no-store)
 *   /api/identity/queue/{person}/pictures/{decision}/{n}   one picture (no-store, clerks of the court only)
 *   /api/identity/override                                 the decision, with the reason
 */

import { api } from "./api.js";
import { el } from "./dom.js";
import { formatTime, t } from "./i18n.js";

/** A label for a code the server sends, from the catalog (`prefix_code`), else the code itself:
 * a new reason or outcome is shown, never hidden. */
function label(prefix, code) {
  const key = `${prefix}_${code}`;
  const text = t(key);
  return text === key ? code : text;
}

export async function identityQueue(open) {
  const answer = await api("GET", "/api/identity/queue");
  if (!answer.ok) return el("p", { class: "error", role: "alert" }, answer.data.text);
  const items = answer.data.items;
  const body = items.length === 0
    ? el("p", { "data-testid": "no-identity-items" }, t("id_queue_empty"))
    : el("table", { class: "cases" },
      el("thead", {}, el("tr", {}, ["id_col_person", "id_col_since", "id_col_reason", "id_col_cases"].map((k) => el("th", {}, t(k))))),
      el("tbody", {}, items.map((item) => queueRow(item, open))));
  return el("section", { "data-testid": "identity-queue" },
    el("h2", {}, t("id_queue")), el("p", { class: "note" }, t("id_queue_note")), body);
}

function queueRow(item, open) {
  return el("tr", {
    tabindex: "0", "data-testid": "identity-item", "data-person-id": item.person_id,
    onclick: () => open(item.person_id),
    onkeydown: (event) => event.key === "Enter" && open(item.person_id),
  },
  el("td", {}, el("strong", {}, item.name || item.display_name), el("div", { class: "muted" }, item.id_masked)),
  el("td", {}, formatTime(item.since), el("div", { class: "muted" }, label("id_channel", item.channel))),
  el("td", {}, el("strong", {}, label("id_outcome", item.outcome)), el("div", {}, item.reason_text)),
  el("td", {}, item.cases.length ? item.cases.map((c) => el("div", {}, c.reference)) : t("id_no_case")));
}

/** One person's check; `back` returns to the queue, `done(note)` after the decision. */
export async function identityItem(personId, back, done) {
  const nav = el("button", { type: "button", class: "link", "data-testid": "back", onclick: back }, `← ${t("id_back")}`);
  const answer = await api("GET", `/api/identity/queue/${encodeURIComponent(personId)}`);
  if (!answer.ok) return el("div", {}, nav, el("p", { class: "error", role: "alert" }, answer.data.text));
  const item = answer.data;
  return el("div", { class: "identity", "data-testid": "identity-detail", "data-person-id": item.person_id },
    nav,
    el("h2", {}, item.name || item.display_name, " ", el("span", { class: "muted" }, item.id_masked)),
    el("div", { class: "columns" },
      el("div", { class: "main" }, reasonsView(item), referenceView(item), historyView(item)),
      el("aside", {}, decisionForm(item, done))));
}

function reasonsView(item) {
  return el("section", { class: "reasons", "data-testid": "id-reasons", "data-reason": item.reason || "" },
    el("h3", {}, t("id_reasons_heading")),
    el("p", {}, el("strong", {}, label("id_outcome", item.outcome)), " · ", formatTime(item.since),
      " · ", label("id_channel", item.channel)),
    item.reason_text ? el("p", {}, item.reason_text) : null,
    item.reason ? el("p", { class: "muted" }, t("id_reason_code", { code: item.reason })) : null);
}

function pictureUrl(item, entry, index) {
  return `/api/identity/queue/${encodeURIComponent(item.person_id)}/pictures/${entry.decision_id}/${index}`;
}

function pictures(item, entry) {
  const shown = [];
  for (let n = 0; n < entry.pictures; n += 1) {
    shown.push(el("img", {
      src: pictureUrl(item, entry, n), "data-testid": "id-picture", "data-decision-id": entry.decision_id,
      alt: t("id_picture_alt", { what: label("id_purpose", entry.purpose), n: n + 1 }), loading: "lazy",
    }));
  }
  return shown.length ? el("div", { class: "pictures" }, shown) : null;
}

/** The ID photo the checks were compared with: the newest accepted reference that holds a
 * picture (photos refused as references, e.g. an unreadable card, show in the history). */
function referenceView(item) {
  const reference = item.history.filter((e) => e.purpose === "reference" && e.outcome === "accepted" && e.pictures > 0).pop();
  return el("section", { class: "reference", "data-testid": "id-reference" },
    el("h3", {}, t("id_reference_heading")),
    reference ? pictures(item, reference) : el("p", { class: "muted" }, t("id_no_reference_picture")));
}

function historyView(item) {
  return el("section", { "data-testid": "id-history" },
    el("h3", {}, t("id_history_heading")),
    item.history.length === 0
      ? el("p", {}, t("no_entries"))
      : el("ol", { class: "history" }, item.history.map((entry) => historyEntry(item, entry))));
}

function historyEntry(item, entry) {
  const measured = entry.distance === null || entry.distance === undefined
    ? null
    : t("id_distance", { distance: entry.distance.toFixed(2), tolerance: entry.tolerance.toFixed(2) });
  const liveness = entry.liveness && entry.liveness !== "not_checked" ? t("id_liveness", { liveness: entry.liveness }) : null;
  return el("li", { class: "entry", "data-testid": "id-history-entry", "data-outcome": entry.outcome, "data-decision-id": entry.decision_id },
    el("header", {},
      el("span", { class: "kind" }, label("id_purpose", entry.purpose)),
      el("span", {}, formatTime(entry.at)),
      el("span", {}, label("id_channel", entry.channel))),
    el("p", { class: "content" }, el("strong", {}, label("id_outcome", entry.outcome)),
      entry.reason_text ? ` · ${entry.reason_text}` : ""),
    measured || liveness ? el("p", { class: "muted" }, [measured, liveness].filter(Boolean).join(" · ")) : null,
    entry.override_reason ? el("p", { class: "content" }, t("id_clerk_reason", { reason: entry.override_reason })) : null,
    pictures(item, entry));
}

function decisionForm(item, done) {
  const section = el("section", { class: "ruling", "data-testid": "id-decision" }, el("h2", {}, t("id_decide_heading")));
  if (!item.in_queue) {
    section.append(el("p", {}, t("id_not_waiting")));
    return section;
  }
  const reason = el("textarea", { rows: 4, maxlength: 2000, "aria-label": t("id_decision_reason"),
    placeholder: t("id_decision_reason"), "data-testid": "id-decision-reason" });
  const status = el("p", { class: "status", role: "status", "data-testid": "id-decision-status" });
  const decide = async (outcome) => {
    if (!reason.value.trim()) {
      status.textContent = t("id_reason_needed");
      return;
    }
    const body = { person_id: item.person_id, outcome, reason: reason.value.trim() };
    const answer = await api("POST", "/api/identity/override", body);
    if (!answer.ok) {
      status.textContent = answer.data.text || "";
      return;
    }
    done(answer.data.text || t("recorded"));
  };
  section.append(el("p", {}, t("id_decide_note")),
    el("form", { onsubmit: (e) => e.preventDefault() }, reason,
      el("div", { class: "buttons" },
        el("button", { type: "button", "data-testid": "id-pass", onclick: () => decide("verified") }, t("id_pass")),
        el("button", { type: "button", class: "secondary", "data-testid": "id-fail", onclick: () => decide("rejected") }, t("id_fail")))),
    status);
  return section;
}
