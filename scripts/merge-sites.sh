#!/usr/bin/env bash
# One site from the results of several hosts: the bench workflow's merge job runs this over the
# artifacts each host uploaded. Every directory holding a provenance.json under the given paths
# is a results directory; `ledger report` merges them (a family's call per host side by side).
#
# Usage: scripts/merge-sites.sh --out SITE DIR [DIR ...]
# The ledger program is $LEDGER when set, else this checkout's release build (built if needed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

out=""
dirs=()
while (($#)); do
    case "$1" in
        --out) shift; out="${1:?--out needs a directory}" ;;
        -h | --help) usage "$0"; exit 0 ;;
        -*) die "unknown option '$1' (try --help)" ;;
        *) dirs+=("$1") ;;
    esac
    shift
done
[[ -n "$out" ]] || die "--out SITE is required (try --help)"
((${#dirs[@]})) || die "no artifact directory given (try --help)"

results=()
for dir in "${dirs[@]}"; do
    [[ -d "$dir" ]] || die "$dir is not a directory"
    found=0
    while IFS= read -r provenance; do
        results+=(--results "$(dirname "$provenance")")
        found=1
    done < <(find "$dir" -name provenance.json -not -path '*/staging/*' | sort)
    ((found)) || die "$dir holds no results directory (no provenance.json under it)"
done

ledger="${LEDGER:-}"
if [[ -z "$ledger" ]]; then
    need_cargo
    step "building the ledger command"
    cargo build --release --locked --bin ledger
    ledger="${CARGO_TARGET_DIR:-target}/release/ledger"
fi
step "one site from $(( ${#results[@]} / 2 )) results directories"
"$ledger" report "${results[@]}" --out "$out"
