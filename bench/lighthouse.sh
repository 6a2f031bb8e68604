#!/usr/bin/env bash
# Lighthouse (mobile, simulated Slow 4G) on the demo's main pages; prints the four scores.
#   bash bench/lighthouse.sh            (needs node, npm and /usr/bin/chromium)
# Targets (design.md, issue 6): performance >= 95, accessibility 100, best practices 100,
# SEO >= 90. The region and concern pages of the demo are the ones the issue names.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
(cd "$work" && npm i -E --silent lighthouse@12.8.2 >/dev/null 2>&1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work" && FORUM_WORKER=off exec "${FORUM:-forum}" serve --demo --port "$port") >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
for path in / /r/alentejo /c/3 /login /register; do
  CHROME_PATH=/usr/bin/chromium "$work/node_modules/.bin/lighthouse" "http://127.0.0.1:$port$path" \
    --form-factor=mobile --output=json --output-path="$work/lh.json" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$work/profile" \
    >/dev/null 2>&1
  python3 -c "
import json, sys
report = json.load(open('$work/lh.json'))
print('$path', ' '.join(f\"{k}={round(v['score'] * 100)}\" for k, v in report['categories'].items()))"
done
