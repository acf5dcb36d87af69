#!/usr/bin/env bash
# Loads a built site in headless Chromium, as a reader would, and fails if the verdict table,
# a family page, or any plot is missing or does not render. Also takes a screenshot of the
# index page to look at.
#
# Usage: scripts/check-site.sh [SITE_DIR] [SCREENSHOT.png]
#   SITE_DIR defaults to target/ledger/site; the screenshot to target/ledger/site-index.png.
#
# Installs Debian's chromium once. The pages must need nothing from the network: every image
# and style is checked to come from the site itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

site="${1:-target/ledger/site}"
screenshot="${2:-target/ledger/site-index.png}"
case "$site" in -h | --help) usage "$0"; exit 0 ;; esac
[[ -f "$site/index.html" ]] || die "no site at $site (scripts/bench.sh or ledger report builds one)"

ensure_apt chromium=chromium
site=$(realpath "$site")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One headless Chromium run; its own chatter on stderr goes to a log shown only on failure.
chrome() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-dev-shm-usage --user-data-dir="$work/profile" \
        "$@" 2>>"$work/chromium.log" || {
        tail -n 20 "$work/chromium.log" >&2
        die "chromium failed on: $*"
    }
}

# scripted_dom PAGE OUT: the DOM of one of this script's own pages once its script has run
# (it reads files of the site, which only file-access pages may).
scripted_dom() {
    chrome --allow-file-access-from-files --virtual-time-budget=10000 --dump-dom "file://$1" >"$2"
}

step "the index page: verdict table and links"
chrome --dump-dom "file://$site/index.html" >"$work/index.dom"
grep -q '<table id="verdicts">' "$work/index.dom" || die "index.html: no verdict table in the DOM"
rows=$(grep -o '<tr><td><a href="family-[^"]*\.html"' "$work/index.dom" | sort -u | wc -l)
((rows > 0)) || die "index.html: the verdict table has no family rows"
verdicts=$(grep -Eo 'class="call call-[a-z-]+"' "$work/index.dom" | wc -l)
echo "verdict table: $rows families linked, $verdicts verdicts"

step "the verdict table on a phone: family, verdict and interval within 390 px"
# The index in a 390-px frame; the page reports the table's right edge and whether the
# speedup column shows.
{
    echo '<!DOCTYPE html><html><body style="margin:0">'
    printf '<iframe id="f" src="file://%s/index.html" width="390" height="844"></iframe>\n' "$site"
    echo "<script>document.getElementById('f').addEventListener('load', () => {"
    echo "  const d = document.getElementById('f').contentDocument;"
    echo "  const t = d.getElementById('verdicts'); const p = document.createElement('p');"
    echo "  const cells = t ? [...t.querySelectorAll('td.num')] : [];"
    echo "  const right = Math.max(0, ...cells.map(c => c.getBoundingClientRect().right));"
    echo "  p.textContent = 'phone: table ' + (t ? Math.ceil(t.getBoundingClientRect().right) : -1)"
    echo "    + ' speedup ' + Math.ceil(right) + ' cells ' + cells.length;"
    echo "  document.body.appendChild(p); });</script></body></html>"
} >"$work/phone.html"
scripted_dom "$work/phone.html" "$work/phone.dom"
read -r table speedup cells < <(sed -n 's/.*phone: table \(-\?[0-9]*\) speedup \([0-9]*\) cells \([0-9]*\).*/\1 \2 \3/p' "$work/phone.dom")
[[ -n "${table:-}" ]] || die "the phone check did not run"
echo "at 390 px: verdict table ends at ${table} px, speedups at ${speedup} px (${cells} cells)"
((table > 0 && table <= 390)) || die "the verdict table is wider than a phone (${table} px)"
((cells == 0 || speedup <= 390)) || die "the speedup column is off-screen on a phone"

step "every page: loads, and needs nothing from the network"
pages=("$site"/*.html)
images=()
for page in "${pages[@]}"; do
    name=$(basename "$page")
    chrome --dump-dom "file://$page" >"$work/$name.dom"
    grep -q '</nav>' "$work/$name.dom" || die "$name: the page did not load"
    if grep -Eq '(src|href)="https?://[^"]*\.(css|js|svg|png|woff2?)"|<script src=' "$work/$name.dom"; then
        die "$name: loads something from outside the site"
    fi
    while IFS= read -r src; do
        images+=("$(realpath -m "$site/$src")")
    done < <(grep -o '<img src="[^"]*"' "$work/$name.dom" | sed 's/^<img src="//; s/"$//')
done
echo "${#pages[@]} pages, ${#images[@]} plots"
((${#images[@]} > 0)) || die "no page shows a plot"

step "every plot: Chromium decodes it"
# A page of its own, outside the site, that lists each image with whether it decoded.
{
    echo '<!DOCTYPE html><html><body>'
    for image in "${images[@]}"; do
        [[ -f "$image" ]] || die "a page shows $image, which the site does not have"
        printf '<img src="file://%s">\n' "$image"
    done
    echo "<script>window.addEventListener('load', () => { for (const i of document.images) {"
    echo "  const p = document.createElement('p');"
    echo "  p.textContent = (i.naturalWidth > 0 ? 'decoded ' : 'BROKEN ') + i.getAttribute('src');"
    echo "  document.body.appendChild(p); } });</script></body></html>"
} >"$work/plots.html"
scripted_dom "$work/plots.html" "$work/plots.dom"
decoded=$(grep -o '<p>decoded ' "$work/plots.dom" | wc -l)
if grep -q '<p>BROKEN ' "$work/plots.dom"; then
    grep -o '<p>BROKEN [^<]*' "$work/plots.dom" | sed 's/<p>/  /' >&2
    die "some plots do not render"
fi
((decoded == ${#images[@]})) || die "$decoded of ${#images[@]} plots reported as decoded"
echo "$decoded of ${#images[@]} plots decoded"

step "screenshot of the index page"
mkdir -p "$(dirname "$screenshot")"
chrome --hide-scrollbars --window-size=1280,1600 --screenshot="$(realpath -m "$screenshot")" \
    "file://$site/index.html"
[[ -s "$screenshot" ]] || die "no screenshot written"
step "done: the site renders ($rows families, ${#images[@]} plots); screenshot in $screenshot"
