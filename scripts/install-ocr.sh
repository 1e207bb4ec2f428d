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

sh "$(dirname "$0")/apt-install.sh" install-ocr tesseract-ocr tesseract-ocr-vie poppler-utils

if ! have_ocr; then
  echo "install-ocr: packages installed but tesseract with the 'vie' model or pdftoppm is still missing" >&2
  exit 1
fi
echo "OCR installed: $(tesseract --version 2>/dev/null | head -n 1)"
