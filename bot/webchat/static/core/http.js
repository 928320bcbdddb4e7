/* JSON and form requests to the court, answered as {ok, status, data}; never throws. */

import { t } from "./i18n.js";

export async function api(method, path, body) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  return fetchJson(path, init);
}

/** One request; the answer as {ok, status, data}, a network failure as status 0. */
async function fetchJson(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, data: { text: t("network_error") } };
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { ok: response.ok, status: response.status, data: data || {} };
}

export async function postForm(path, form) {
  return fetchJson(path, { method: "POST", body: form, headers: { Accept: "application/json" }, credentials: "same-origin" });
}
