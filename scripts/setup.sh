#!/usr/bin/env bash
# Installs everything Briefing needs on a fresh Debian/Ubuntu machine, then compiles it.
# Safe to run again: every step checks first and skips what is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { if [ -t 1 ]; then printf '\033[1msetup:\033[0m %s\n' "$*"; else printf 'setup: %s\n' "$*"; fi; }

# 1. System packages. canvas (under chartjs-node-canvas) builds from source when its prebuilt binary cannot be
#    downloaded, and then needs the cairo/pango/jpeg/gif/rsvg headers. poppler-utils gives pdftotext/pdftoppm/
#    pdffonts for looking at what Briefing makes (the tests use pdftotext). chromium runs the preview's
#    end-to-end test (driven by playwright-core; a browser cannot be downloaded here). redis-server is for the
#    queue tests, which start their own on a free loopback port (where systemd runs, the package also starts
#    a service on 6379; the tests do not use it).
apt_packages=(build-essential pkg-config python3 libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev poppler-utils chromium redis-server)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null; then
    say "please install the equivalents of: ${missing[*]} (no apt-get on this machine)"; exit 1
  fi
  sudo=''
  [ "$(id -u)" -ne 0 ] && sudo='sudo'
  say "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Node.js 20.19 or newer.
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  say "Node.js >= 20.19 is required (found $(node --version 2>/dev/null || echo none))"; exit 1
fi

# 3. npm packages, exactly as locked. Skipped when node_modules already matches the lock file and canvas loads.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || ! node -e 'require("canvas")' >/dev/null 2>&1; then
  say "installing npm packages (canvas compiles from source: about a minute)"
  npm ci --no-audit --no-fund
fi
if ! node -e 'require("canvas")' >/dev/null 2>&1; then
  say "canvas did not load; rebuilding it from source"
  npm rebuild canvas --foreground-scripts
  node -e 'require("canvas")'
fi

# 4. Compile TypeScript to dist/ (the CLI runs compiled JavaScript).
say "compiling"
npm run --silent build
say "ready: npm run sample builds out/hengyang-2020.pdf; npm test runs the tests"
