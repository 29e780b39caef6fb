#!/usr/bin/env bash
# Installs everything kehoach needs on Debian/Ubuntu: system packages, a virtualenv at .venv, the project.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
  tesseract-ocr tesseract-ocr-vie  # OCR of scans and images
  fonts-liberation fonts-liberation2 poppler-utils  # sample and benchmark scans (v2 has Vietnamese)
  chromium                         # the report's browser test
  python3-venv
  iproute2                         # the offline test brings up loopback in its own network namespace
  build-essential python3-dev      # the restorer's compiled kernels (diacritics/_kernels.c; optional)
)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
