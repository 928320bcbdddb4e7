/* The public /judgments page: the court's published judgments, masked (natural persons as 张某,
 * ID numbers, phones, accounts and addresses removed), searched by cause, date and words
 * (GET /api/public/judgments); one opens in full below the list (#id in the address). */

import { el, frame, get, t } from "./page.js";

function card(item, open) {
  return el("li", { class: "public-card", "data-testid": "judgment-item", "data-id": String(item.id) },
    el("a", { href: `#${item.id}`, onclick: () => open(item.id) }, item.title || item.case_number),
    el("p", { class: "muted" }, `${item.case_number} · ${item.cause_text} · ${item.decided_on}`));
}

async function showOne(id, target) {
  const answer = await get(`/api/public/judgments/${encodeURIComponent(id)}`);
  if (!answer.ok) {
    target.replaceChildren(el("p", { class: "error", role: "alert" }, answer.data.text || t("public_network")));
    return;
  }
  const j = answer.data;
  target.replaceChildren(el("article", { class: "public-judgment", "data-testid": "judgment", lang: j.locale === "en" ? "en" : "zh-CN" },
    el("h2", {}, j.title),
    el("p", { class: "muted" }, `${j.case_number} · ${j.cause_text} · ${j.decided_on}`),
    el("pre", { class: "public-text", "data-testid": "judgment-text" }, j.text)));
  target.scrollIntoView({ block: "start" });
}

function render() {
  const cause = el("select", { id: "cause", name: "cause", "data-testid": "cause" }, el("option", { value: "" }, t("judgments_any_cause")));
  const since = el("input", { id: "from", type: "date", name: "from", "data-testid": "from" });
  const until = el("input", { id: "to", type: "date", name: "to", "data-testid": "to" });
  const words = el("input", { id: "q", type: "search", name: "q", maxlength: "100", "data-testid": "words" });
  const list = el("ul", { class: "public-list", "data-testid": "judgments", "aria-live": "polite" });
  const one = el("div", { id: "judgment" });
  const open = (id) => showOne(id, one);
  async function search() {
    const query = new URLSearchParams();
    for (const [name, input] of [["cause", cause], ["from", since], ["to", until], ["q", words]]) if (input.value) query.set(name, input.value);
    list.replaceChildren(el("li", { role: "status" }, t("public_searching")));
    const answer = await get(`/api/public/judgments?${query}`);
    if (!answer.ok) {
      list.replaceChildren(el("li", { class: "error", role: "alert" }, answer.data.text || t("public_network")));
      return;
    }
    if (cause.options.length === 1) for (const c of answer.data.causes) cause.append(el("option", { value: c.cause }, c.text));
    list.replaceChildren(...(answer.data.judgments.length ? answer.data.judgments.map((item) => card(item, open)) : [el("li", { "data-testid": "no-judgments" }, t("judgments_none"))]));
  }
  const form = el("form", { class: "public-form", onsubmit: (event) => { event.preventDefault(); search(); } },
    el("label", { for: "cause" }, t("judgments_cause")), cause,
    el("label", { for: "from" }, t("judgments_from")), since,
    el("label", { for: "to" }, t("judgments_to")), until,
    el("label", { for: "q" }, t("judgments_words")), words,
    el("button", { type: "submit", "data-testid": "search" }, t("judgments_search")));
  frame("judgments_title", el("p", {}, t("judgments_intro")), form, list, one);
  search();
  const wanted = location.hash.slice(1);
  if (/^\d+$/.test(wanted)) open(wanted);
}

render();
