#!/usr/bin/env bash
# The main command: measure every family and build the report site.
#
# Options:
#   --quick   a first look in under two minutes (headline shapes, short measurements)
# Environment:
#   LEDGER_CORPUS=DIR   every file in DIR is an extra input of the families that take bytes
#
# Results go to target/ledger/results/<arch>-<host>/ (provenance.json, catalog.json,
# criterion/), the site to target/ledger/site/index.html. Results from other hosts copied
# under target/ledger/results/ are merged into the same site.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

quick=0
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
        *) die "unknown option '$arg' (try --help)" ;;
    esac
done

need_cargo
plan=full
if ((quick)); then
    plan=quick
    export LEDGER_QUICK=1
fi

step "building the ledger command"
cargo build --release --locked --bin ledger
ledger=target/release/ledger

label="$(uname -m)-$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname)"
results="target/ledger/results/$label"
step "recording provenance and the registry in $results"
rm -rf "$results"
mkdir -p "$results"
"$ledger" provenance --plan "$plan" >"$results/provenance.json"
"$ledger" list --json >"$results/catalog.json"

step "throughput: criterion, $plan plan (criterion output in $results/criterion)"
CRITERION_HOME="$PWD/$results/criterion" cargo bench --locked --bench throughput

step "building the site"
"$ledger" report --out target/ledger/site

step "done: open target/ledger/site/index.html"
