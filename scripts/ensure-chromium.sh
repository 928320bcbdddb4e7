#!/usr/bin/env bash
# Debian's Chromium (and a CJK font, so Chinese renders in screenshots) for the browser tests, and
# poppler-utils' pdftotext, which the document tests read court PDFs with.
# Playwright drives /usr/bin/chromium; it never downloads a browser of its own.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing+=(fonts-wqy-microhei)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing for the browser tests: ${missing[*]} (install with: sudo apt-get install -y ${missing[*]})" >&2
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
