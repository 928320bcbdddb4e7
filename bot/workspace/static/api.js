/* Requests to the court, answered as {ok, status, data}; never throws. Every read asks for the
 * page's language (?lang=), so the court's own texts come back in it. */

import { lang, t } from "./i18n.js";

export async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const url = `${path}${path.includes("?") ? "&" : "?"}lang=${lang.locale}`;
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    return { ok: false, status: 0, data: { text: t("network_error") } };
  }
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data: data || {} };
}
