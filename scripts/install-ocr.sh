#!/bin/sh
# OCR for scanned PDFs (client/pdf-reader.ts): Tesseract with its Vietnamese model and poppler's
# pdftoppm, from Debian's packages. Idempotent: does nothing when all are already there.
set -eu

have_ocr() {
  command -v pdftoppm >/dev/null 2>&1 &&
    command -v tesseract >/dev/null 2>&1 &&
    tesseract --list-langs 2>/dev/null | grep -qx 'vie'
}

if have_ocr; then
  echo "OCR ready: $(tesseract --version 2>/dev/null | head -n 1), Vietnamese model present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-ocr: must run as root (apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils)" >&2
    exit 1
  fi
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-vie poppler-utils

if ! have_ocr; then
  echo "install-ocr: packages installed but tesseract with the 'vie' model or pdftoppm is still missing" >&2
  exit 1
fi
echo "OCR installed: $(tesseract --version 2>/dev/null | head -n 1)"
