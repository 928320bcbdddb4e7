#!/usr/bin/env bash
# Debian's Tesseract with its Simplified Chinese data, for the optional OCR comparison
# (make bench-ocr: bench/ocr_engines.py). The court itself reads cards with RapidOCR, whose
# models ship in its wheel; nothing here is needed to run or test the court.
set -euo pipefail
missing=()
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
tesseract --list-langs 2>/dev/null | grep -qx chi_sim || missing+=(tesseract-ocr-chi-sim)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing for the OCR comparison: ${missing[*]} (install with: sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
