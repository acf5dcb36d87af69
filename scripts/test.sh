#!/usr/bin/env bash
# The test command: formatting, lints, every test, the report site loaded in headless Chromium,
# and the unsafe paths under Miri.
#
# Installs what it needs (rustfmt and clippy on stable; nightly with miri and rust-src; Debian's
# chromium) once.
# Options:
#   --no-miri   skip the Miri stage (a quick local check; CI always runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

miri=1
for arg in "$@"; do
    case "$arg" in
        --no-miri) miri=0 ;;
        -h | --help) usage "$0"; exit 0 ;;
        *) die "unknown option '$arg' (try --help)" ;;
    esac
done

need_cargo
missing=()
for component in rustfmt clippy; do
    rustup component list --installed | grep -q "^$component" || missing+=("$component")
done
if ((${#missing[@]})); then
    step "adding stable components: ${missing[*]}"
    rustup component add "${missing[@]}"
fi

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (all crates, all tests)"
cargo test --workspace --locked

step "benches compile and run once each (cargo bench -- --test, quick plan)"
LEDGER_QUICK=1 cargo bench --locked --bench throughput -- --test >/dev/null

step "the site built from the test fixtures (real results), checked in headless Chromium"
fixtures=reports/tests/fixtures
cargo run --locked --quiet --bin ledger -- report --results "$fixtures/x86_64-fixture" \
    --soundness "$fixtures/soundness.json" --out target/ledger/fixture-site
scripts/check-site.sh target/ledger/fixture-site target/ledger/fixture-site-index.png

if ((miri)); then
    ensure_nightly miri rust-src
    # Small inputs under Miri are chosen by cfg(miri) inside the tests.
    step "Miri: kernels' tests (symbolic alignment, strict provenance)"
    MIRIFLAGS="${MIRIFLAGS:--Zmiri-symbolic-alignment-check -Zmiri-strict-provenance}" \
        cargo +nightly miri test --locked -p unsafe-ledger-kernels -- --skip rayon
    # rayon's work-stealing deques use crossbeam-epoch, which keeps tags in pointer bits (strict
    # provenance rejects the casts) and is known not to satisfy Stacked Borrows while satisfying
    # Tree Borrows (crossbeam-rs/crossbeam#545, #996). The tests that start rayon workers (named
    # `rayon_*`) therefore run here under Tree Borrows with permissive provenance. Its global
    # collector also keeps deferred garbage alive at exit by design, so leaks are not reported
    # in this pass (the raw slab's leak checks run in the first one; the worker table holds
    # only `Vec`s).
    step "Miri: kernels' rayon tests (symbolic alignment, Tree Borrows, permissive provenance)"
    MIRIFLAGS="${MIRIFLAGS_RAYON:--Zmiri-symbolic-alignment-check -Zmiri-tree-borrows -Zmiri-permissive-provenance -Zmiri-ignore-leaks}" \
        cargo +nightly miri test --locked -p unsafe-ledger-kernels --test pool -- rayon
fi

step "all tests passed"
