#!/bin/sh
# PostgreSQL server binaries (initdb, pg_ctl, postgres) for the store's contract tests, which start
# a throwaway cluster of their own (tests/global-setup.ts). From Debian's packages, which put them
# in /usr/lib/postgresql/<version>/bin, off PATH. Idempotent: does nothing when they are there.
# Prints the directory that holds them on its last line.
set -eu

pg_bindir() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  # The newest installed major version.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

if dir=$(pg_bindir); then
  echo "PostgreSQL ready: $("$dir/pg_ctl" --version)"
  echo "$dir"
  exit 0
fi

sh "$(dirname "$0")/apt-install.sh" install-postgres postgresql

if ! dir=$(pg_bindir); then
  echo "install-postgres: package installed but initdb/pg_ctl are still missing" >&2
  exit 1
fi
# PostgreSQL refuses to run as root: the tests run it as this user when they are root.
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "install-postgres: the 'postgres' user the package creates is missing" >&2
  exit 1
fi
echo "PostgreSQL installed: $("$dir/pg_ctl" --version)"
echo "$dir"
