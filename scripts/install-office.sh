#!/bin/sh
# LibreOffice Writer (headless) and metric-compatible Times New Roman (Liberation Serif), from
# Debian's packages: the report tests render the DOCX to PDF and save its first pages as images.
# Idempotent: does nothing when soffice is already there.
set -eu

if command -v soffice >/dev/null 2>&1; then
  echo "LibreOffice ready: $(soffice --version 2>/dev/null | head -n 1)"
  exit 0
fi

sh "$(dirname "$0")/apt-install.sh" install-office libreoffice-writer-nogui fonts-liberation2

if ! command -v soffice >/dev/null 2>&1; then
  echo "install-office: packages installed but soffice is still missing" >&2
  exit 1
fi
echo "LibreOffice installed: $(soffice --version 2>/dev/null | head -n 1)"
