#!/usr/bin/env bash
# Renders a devnet report in headless Chromium (Debian's chromium package): checks that the page
# loads with every chart, and writes a full-page screenshot.
#
#   scripts/render-report.sh [REPORT_HTML] [SCREENSHOT_PNG]
#   default: devnet/rehearsal/report.html (what `make devnet` writes) → docs/devnet-report.png
set -euo pipefail
report=${1:-devnet/rehearsal/report.html}
shot=${2:-docs/devnet-report.png}
[ -f "$report" ] || { echo "no report at $report: run \`make devnet\` first" >&2; exit 1; }
if ! command -v chromium >/dev/null 2>&1; then
    echo "installing chromium (Debian package)" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
url="file://$(realpath "$report")"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions)
# The DOM after rendering: the title and every chart must be there.
dom=$(chromium "${flags[@]}" --dump-dom "$url" 2>/dev/null)
charts=$(grep -o '<svg' <<<"$dom" | wc -l)
grep -q 'Cloudless devnet rehearsal' <<<"$dom" || { echo "the page did not render its title" >&2; exit 1; }
[ "$charts" -ge 12 ] || { echo "expected at least 12 charts, the rendered page has $charts" >&2; exit 1; }
chromium "${flags[@]}" --window-size=1240,1800 --screenshot="$(realpath -m "$shot")" "$url" 2>/dev/null
echo "rendered $report: $charts charts; screenshot $shot"
