#!/usr/bin/env bash
# The test command: formatting, lints, every test, the report site loaded in headless Chromium,
# and the unsafe paths under Miri.
#
# Installs what it needs (rustfmt and clippy on stable; nightly with miri and rust-src; Debian's
# chromium and binutils) once.
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

# The codegen tests disassemble the test build with objdump (GNU binutils); the own-pair test
# counts instructions under callgrind (valgrind).
ensure_apt objdump=binutils valgrind=valgrind
step "cargo test (all crates, all tests)"
cargo test --workspace --locked

# The throughput bench in criterion's test mode: every family's headline benchmarks checked
# against the reference and called once, built with the test profile the step above built
# (kernels and dependencies optimised, debug assertions on) instead of a second, release build.
# Every variant on every generated input is the equivalence tests' job; this checks the bench.
step "the throughput bench, each headline benchmark once (test profile)"
LEDGER_HEADLINES=1 cargo test --locked --bench throughput >/dev/null

step "the site built from the test fixtures (real results), checked in headless Chromium"
fixtures=reports/tests/fixtures
# The ledger binary `cargo test` built for the command-line tests: `cargo run` would build it
# again with the root package's own feature set (about a minute).
ledger="${CARGO_TARGET_DIR:-target}/debug/ledger"
[[ -x "$ledger" ]] || die "cargo test did not leave $ledger"
"$ledger" report --results "$fixtures/x86_64-fixture" \
    --soundness "$fixtures/soundness.json" --out target/ledger/fixture-site
scripts/check-site.sh target/ledger/fixture-site target/ledger/fixture-site-index.png

if ((miri)); then
    ensure_nightly miri rust-src
    # Small inputs under Miri are chosen by cfg(miri) inside the tests. The per-variant
    # soundness test is skipped here: under Miri it runs the unsafe variants on exactly the
    # inputs the equivalence tests run every variant on (generated inputs up to 256 units, every
    # length up to 20 at offsets 0-8); it exists for scripts/soundness.sh, which runs it once
    # per variant so that a finding names its variant.
    unsafe_only=each_unsafe_variant_agrees_with_its_reference
    flags_strict="${MIRIFLAGS:--Zmiri-symbolic-alignment-check -Zmiri-strict-provenance}"
    # cargo-nextest runs each test in its own Miri process, one per core; that costs a Miri
    # start-up (about 5 s) per test, so only the long tests (the equivalence sweeps: names with
    # `agree`, and every_single_byte) go through it, and the short ones run in one process per
    # test binary. nextest ships with the Rust machines; without it everything runs in order.
    if cargo nextest --version >/dev/null 2>&1; then
        step "Miri: kernels' short tests (symbolic alignment, strict provenance)"
        MIRIFLAGS="$flags_strict" cargo +nightly miri test --locked -p unsafe-ledger-kernels \
            --lib --tests -- --skip rayon --skip agree --skip every_single_byte
        step "Miri: kernels' long tests, one process per test on every core"
        MIRIFLAGS="$flags_strict" cargo +nightly miri nextest run --locked \
            -p unsafe-ledger-kernels \
            -E "(test(agree) and not test(rayon) and not test($unsafe_only)) or test(every_single_byte)"
        rayon_runner=(nextest run)
        rayon=(-E "test(rayon)")
    else
        step "Miri: kernels' tests (symbolic alignment, strict provenance; no cargo-nextest)"
        MIRIFLAGS="$flags_strict" cargo +nightly miri test --locked -p unsafe-ledger-kernels \
            --lib --tests -- --skip rayon --skip "$unsafe_only"
        rayon_runner=(test)
        rayon=(-- rayon)
    fi
    # rayon's work-stealing deques use crossbeam-epoch, which keeps tags in pointer bits (strict
    # provenance rejects the casts) and is known not to satisfy Stacked Borrows while satisfying
    # Tree Borrows (crossbeam-rs/crossbeam#545, #996). The tests that start rayon workers (named
    # `rayon_*`) therefore run here under Tree Borrows with permissive provenance. Its global
    # collector also keeps deferred garbage alive at exit by design, so leaks are not reported
    # in this pass (the raw slab's leak checks run in the first one; the worker table holds
    # only `Vec`s).
    step "Miri: kernels' rayon tests (symbolic alignment, Tree Borrows, permissive provenance)"
    MIRIFLAGS="${MIRIFLAGS_RAYON:--Zmiri-symbolic-alignment-check -Zmiri-tree-borrows -Zmiri-permissive-provenance -Zmiri-ignore-leaks}" \
        cargo +nightly miri "${rayon_runner[@]}" --locked -p unsafe-ledger-kernels --test pool \
        "${rayon[@]}"
fi

step "all tests passed"
