#!/usr/bin/env bash
# Soundness evidence: every unsafe variant alone under Miri (Stacked Borrows and Tree Borrows)
# and AddressSanitizer, the kernels' whole suite under Miri (Tree Borrows) and AddressSanitizer,
# the hazard gallery (kernels/hazards) under Miri, AddressSanitizer or ThreadSanitizer and
# a plain debug build, each beside the safe way that refuses it, and differential fuzzing of
# every family against its safe reference (kernels/fuzz, one bounded run per target).
#
# Installs what it needs, once: the nightly toolchain with miri and rust-src, and cargo-fuzz.
# Writes target/ledger/soundness/soundness.json, which `ledger report` reads. Fails when a
# checker reports anything about an unsafe variant, or safe Rust fails to refuse a hazard
# (the hazards themselves are expected to be caught, or recorded as missed).
#
# Options are passed to `ledger soundness`, e.g.:
#   --variant FAMILY/VARIANT   only this unsafe variant (repeatable); no suites, no hazards
#   --no-sanitizers            Miri only
#   --no-hazards, --no-suites
#   --fuzz-seconds N           seconds per fuzz target (default 60; 0 skips fuzzing)
# The longest of the workbench's stages; its stage times on 2 cores are in the results log
# (docs/runs/run-01-10.md, "scripts/soundness.sh in run 10").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

case "${1:-}" in
    -h | --help) usage "$0"; exit 0 ;;
esac

need_cargo
ensure_nightly miri rust-src
if ! command -v cargo-fuzz >/dev/null; then
    step "installing cargo-fuzz (about a minute)"
    cargo install --locked cargo-fuzz
fi
step "building the ledger command"
cargo build --release --locked --bin ledger
step "checkers over every unsafe variant and the hazard gallery (progress per check)"
target/release/ledger soundness "$@"
step "done: target/ledger/soundness/soundness.json"
