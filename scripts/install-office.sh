#!/bin/sh
# LibreOffice Writer (headless) and metric-compatible Times New Roman (Liberation Serif), from
# Debian's packages: the report tests render the DOCX to PDF and save its first pages as images.
# Idempotent: does nothing when soffice is already there.
set -eu

if command -v soffice >/dev/null 2>&1; then
  echo "LibreOffice ready: $(soffice --version 2>/dev/null | head -n 1)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-office: must run as root (apt-get install libreoffice-writer-nogui fonts-liberation2)" >&2
    exit 1
  fi
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui fonts-liberation2

if ! command -v soffice >/dev/null 2>&1; then
  echo "install-office: packages installed but soffice is still missing" >&2
  exit 1
fi
echo "LibreOffice installed: $(soffice --version 2>/dev/null | head -n 1)"
