/* Fixed settings of the client: languages, storage keys, prompt kinds, time limits, close codes. */

export const LOCALES = ["zh", "en"];

export const COURT_TZ = "Asia/Shanghai";

export const LOCALE_KEY = "mc_locale";

export const CASE_KEY = "mc_case";

export const JOIN_KEY = "mc_join"; // an invitation code kept across the sign-in screen

export const STAFF_TABS = ["queue", "agents", "deliveries"];

export const PARTY_ROLES = new Set(["plaintiff", "defendant"]);

export const BUTTON_KINDS = new Set(["choice", "summary", "info"]);

export const INPUT_KINDS = new Set(["text", "long_text", "amount"]);

export const ACK_TIMEOUT_MS = 20000;

export const MAX_BACKOFF_MS = 15000;

export const RELINKED_CLOSE = 4001; // the server merged this person into another: sign in afresh

export const SIGNED_OUT_CLOSE = 4401; // the session ended (signed out elsewhere, expired): show sign-in
