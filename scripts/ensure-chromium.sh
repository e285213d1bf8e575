#!/usr/bin/env bash
# `make test` runs browser tests in Debian's Chromium (never a browser downloaded by a test tool; the network of
# municipal servers and CI machines is closed but for package registries). Install it with apt-get when this
# user may (root, or password-less sudo); otherwise stop before the suite with one line saying what to install.
set -uo pipefail
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$chromium" ] && exit 0

if [ -z "${CHROMIUM_PATH:-}" ] && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(false); fi
  if [ "${as_root[*]}" != false ]; then
    echo "make test: Chromium is missing; installing Debian's chromium and chromium-driver with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 \
      || { "${as_root[@]}" apt-get update -q >/dev/null 2>&1 \
           && "${as_root[@]}" apt-get install -y -q chromium chromium-driver >/dev/null 2>&1; }
  fi
fi
[ -x "$chromium" ] && exit 0

echo "make test needs Chromium at $chromium for the browser tests: run 'sudo apt-get install chromium chromium-driver' (or set CHROMIUM_PATH to a Chromium binary)." >&2
exit 1
