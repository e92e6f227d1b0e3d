#!/usr/bin/env bash
# The browser tier's browser: Debian's chromium at /usr/bin/chromium, which the tests in
# python/tests_browser drive headless through Playwright (pinned in requirements-dev.txt, told
# executable_path=/usr/bin/chromium, so no `playwright install` download). Idempotent: installs only
# when /usr/bin/chromium is missing; as root on CI machines, through sudo elsewhere when it can.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "scripts/browser.sh: /usr/bin/chromium is missing and installing it needs root (apt-get install chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
