/* The public /verify page: choose a court PDF, the court checks it (POST /api/verify) and says
 * whether it is intact and who signed it when, changed after signing, or not a court document.
 * Nothing is kept: the file is checked and forgotten. */

import { STRINGS } from "../texts.js";

const params = new URLSearchParams(location.search);
const asked = params.get("lang");
const locale = asked === "zh" || asked === "en" ? asked : (navigator.language || "zh").startsWith("zh") ? "zh" : "en";

function t(key, values) {
  const text = STRINGS[locale][key] ?? STRINGS.en[key] ?? key;
  return values ? text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m)) : text;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

const VERDICT_CLASS = { intact: "verdict-ok", tampered: "verdict-bad", not_court: "verdict-unknown" };

async function check(file, result) {
  result.replaceChildren(el("p", { role: "status" }, t("verify_checking")));
  let answer;
  try {
    const response = await fetch(`/api/verify?lang=${locale}`, {
      method: "POST",
      headers: { "Content-Type": "application/pdf", "Accept-Language": locale },
      body: file,
    });
    answer = await response.json();
  } catch {
    result.replaceChildren(el("p", { role: "alert" }, t("verify_failed")));
    return;
  }
  if (!answer.result) {
    result.replaceChildren(el("p", { role: "alert" }, answer.text || t("verify_failed")));
    return;
  }
  const rows = [el("p", { class: "verdict-message", "data-testid": "verdict" }, answer.message)];
  if (answer.signer) rows.push(el("p", {}, t("verify_signer", { signer: answer.signer })));
  if (answer.signed_at) rows.push(el("p", {}, t("verify_signed_at", { at: new Date(answer.signed_at).toLocaleString(locale === "zh" ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai" }) })));
  rows.push(el("p", { class: "verify-hash" }, t("verify_sha256", { sha256: answer.sha256 })));
  result.replaceChildren(el("section", { class: VERDICT_CLASS[answer.result], "data-result": answer.result, role: "status" }, ...rows));
}

function render() {
  document.documentElement.lang = locale === "zh" ? "zh-CN" : "en";
  document.title = t("verify_title");
  const other = locale === "zh" ? "en" : "zh";
  const input = el("input", { type: "file", accept: "application/pdf,.pdf", id: "verify-file", "data-testid": "verify-file" });
  const result = el("div", { id: "verify-result", "aria-live": "polite" });
  input.addEventListener("change", () => input.files.length && check(input.files[0], result));
  const root = document.getElementById("verify");
  root.replaceChildren(
    el("p", {}, el("a", { href: `?lang=${other}`, lang: other }, t("verify_switch"))),
    el("h1", {}, t("verify_title")),
    el("p", {}, t("verify_intro")),
    el("label", { for: "verify-file" }, t("verify_choose")),
    input,
    result,
  );
}

render();
