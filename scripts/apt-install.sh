#!/bin/sh
# Installs Debian packages without prompts, as root or through sudo: the one place the test
# run's installers (OCR, LibreOffice) go through apt. Usage: apt-install.sh <what> <package>…
set -eu
what="$1"
shift
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "$what: must run as root (apt-get install $*)" >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "$@"
