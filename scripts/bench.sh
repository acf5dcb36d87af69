#!/usr/bin/env bash
# The main command: measure every family and build the report.
#
# Options:
#   --quick   a first look in under two minutes (headline shapes, short measurements)
# Environment:
#   LEDGER_CORPUS=DIR   every file in DIR is an extra input of the families that take bytes
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

quick=0
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
        *) die "unknown option '$arg' (try --help)" ;;
    esac
done

need_cargo
if ((quick)); then
    export LEDGER_QUICK=1
fi

step "throughput (criterion)$( ((quick)) && echo ', quick plan')"
cargo bench --locked --bench throughput

step "done: criterion's report is target/criterion/report/index.html"
