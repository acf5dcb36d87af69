#!/usr/bin/env bash
# The main command: measure every family and build the report site.
#
# Options:
#   --quick             a first look: the verdicts at each headline input (a lower cap on the
#                       confirmation's processes, no other sizes or shapes), no instruction
#                       counts, no flamegraphs
#   --family NAME       measure only this family (repeatable); other families' results stay
#                       (instruction counts are then skipped: gungraun counts every family)
#   --no-instructions   skip the instruction counts (callgrind through gungraun)
#   --no-flamegraphs    skip the flamegraphs (pprof, 2 s per variant at each headline input)
#   --aarch64           also cross-build for aarch64 and count its instructions under QEMU
#                       (scripts/aarch64.sh; emulated counts, never times)
#   --soundness         also run scripts/soundness.sh (Miri, sanitizers, hazards, fuzzing; the
#                       longest stage by far) so the site's soundness column is filled in
# Criterion's curves are not part of this run (`cargo bench` keeps them): the family pages' rows
# and curves come from the protocol's screening rounds.
#
# Results go to target/ledger/results/<arch>-<host>/ (provenance.json, catalog.json, protocol/,
# codegen/, instructions/, the flamegraphs under criterion/, stages.json), replacing only what this run measured and only once
# it is complete; the site goes to target/ledger/site/index.html. Results from other hosts copied
# under target/ledger/results/ are merged into the same site, and so are the checkers'
# results in target/ledger/soundness/ when scripts/soundness.sh has written them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

quick=0
families=()
instructions=1
flamegraphs=1
aarch64=0
soundness=0
while (($#)); do
    case "$1" in
        --quick) quick=1 instructions=0 flamegraphs=0 ;;
        --family) shift; families+=("${1:?--family needs a family name}") ;;
        --no-instructions) instructions=0 ;;
        --no-flamegraphs) flamegraphs=0 ;;
        --aarch64) aarch64=1 ;;
        --soundness) soundness=1 ;;
        -h | --help) usage "$0"; exit 0 ;;
        *) die "unknown option '$1' (try --help)" ;;
    esac
    shift
done

need_cargo
plan=full
# The protocol's plan (ledger protocol --help): screening processes, then the confirmation's
# looks, the last being its cap. Quick keeps the sequential rule and lowers the cap: a family
# whose effect is clear of the margin is decided within it, the rest read inconclusive with the
# processes they would need.
protocol_plan=(--screen 3 --screen-cap 9 --looks 4,6,9,13,19,27 --sizes)
if ((quick)); then
    plan=quick
    protocol_plan=(--screen 2 --screen-cap 6 --looks 4,6,9,13,19)
fi
# A family filter for the flamegraphs (a criterion regex on `family/shape/variant/size`) and for
# the protocol.
criterion_filter=()
protocol_families=()
if ((${#families[@]})); then
    criterion_filter=("^($(IFS='|'; echo "${families[*]}"))/")
    for family in "${families[@]}"; do protocol_families+=(--family "$family"); done
    if ((instructions)); then
        step "instruction counts skipped: gungraun counts every family (run without --family)"
        instructions=0
    fi
fi

step "building the ledger command"
cargo build --release --locked --bin ledger
ledger=target/release/ledger

label="$(uname -m)-$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname)"
results="target/ledger/results/$label"
# This run measures into a staging directory of its own; `ledger results install` moves what it
# produced into $results once it is complete, leaving what other stages wrote there (the
# aarch64 counts of scripts/aarch64.sh) in place, and records which run produced each file.
staging="target/ledger/staging/$label-bench"
step "recording provenance and the registry in $staging"
rm -rf "$staging"
mkdir -p "$staging"
"$ledger" provenance --plan "$plan" >"$staging/provenance.json"
"$ledger" list --json >"$staging/catalog.json"
# Read once: `grep -q` stops at its first match, and a command still writing to it would fail
# on the closed pipe (pipefail), naming a family that exists as unknown.
listing=$("$ledger" list)
for family in "${families[@]}"; do
    grep -q "^$family — " <<<"$listing" || die "unknown family '$family' (see ledger list)"
done

# Each verdict process runs its own build: a plain release build (no loop-alignment flags, as a
# user's build has none, so where a hot loop falls against cache lines and fetch blocks is an
# accident of the layout, as it is for them) in its own link order (lld's --shuffle-sections).
# Placement luck then differs between processes and widens the interval instead of deciding the
# call. The orders are drawn afresh in every run (the layouts' names carry their seeds, which
# the rounds record). The plain build lives in a target directory of its own so that it is built
# once and kept; its last link is replayed for each order (a fraction of a second each), not
# recompiled.
layouts_dir="target/ledger/layouts"
rm -rf "$layouts_dir"
mkdir -p "$layouts_dir"
layout_args=()
# rustc records its linker in the binary's .comment section; only lld can shuffle sections.
if grep -aq "Linker: LLD" "$ledger"; then
    layout_base=$(( ($(date +%s%N) / 1000) % 1000000000 ))
    layouts=$(layout_count "${protocol_plan[@]}")
    step "code layouts: $layouts link orders of a plain build (seeds from $layout_base)"
    build_layouts "$layouts" "$layout_base" "$layouts_dir"
    for binary in "$layouts_dir"/plain-link-order-*; do
        layout_args+=(--layout-binary "$binary")
    done
else
    step "code layouts: the linker is not lld, so every verdict process runs one build" \
        "(the site says the layout's luck is not in the intervals)"
fi

# The verdicts and the family pages' rows: screening (in the full plan at every size of each
# headline shape and every shape at the headline size), then confirmation look by look, in fresh
# processes, every batch kept (ledger protocol --help).
step "verdicts: the protocol (${protocol_plan[*]})"
"$ledger" protocol --out "$staging/protocol" "${protocol_plan[@]}" \
    "${layout_args[@]}" "${protocol_families[@]}"

# The code the protocol's calls enter, read from the binary it ran (in this link order): the
# family pages' hot loops, their vector registers and the bounds checks they keep.
codegen_args=()
if ((instructions)); then
    # With each instruction's executions counted (callgrind, both cores), the pages name the
    # loop a call spends its instructions in; without (--quick), the loop its shape suggests.
    ensure_apt valgrind=valgrind
    codegen_args+=(--executions)
    step "codegen: the machine code each variant's call enters (objdump), and how often each" \
        "instruction runs in one call (callgrind)"
else
    step "codegen: the machine code each variant's call enters (objdump)"
fi
ensure_apt objdump=binutils
# The protocol's processes ran the plain layouts; any one of them has their code (the layouts
# differ only in where each function lies).
codegen_binary="$ledger"
((${#layout_args[@]})) && codegen_binary="${layout_args[1]}"
"$codegen_binary" codegen "${codegen_args[@]}" --out "$staging/codegen/$(uname -m).json"

if ((flamegraphs)); then
    # Profiling mode measures nothing and leaves the measurements above untouched; each graph
    # goes beside its benchmark's results, where the report links it.
    step "flamegraphs: every variant at each family's headline input, 1 s each under pprof"
    LEDGER_HEADLINES=1 CRITERION_HOME="$PWD/$staging/criterion" \
        cargo bench --locked --bench throughput -- --profile-time 1 "${criterion_filter[@]}"
fi

if ((instructions)); then
    ensure_apt valgrind=valgrind
    ensure_gungraun_runner
    # gungraun's own output (callgrind profiles, several MB) stays outside the results, which
    # keep only the normalised counts.
    gungraun_home="$PWD/target/ledger/gungraun/$label"
    rm -rf "$gungraun_home"
    step "instructions: every variant under callgrind through gungraun (two glibc settings)"
    cargo bench --locked --bench instructions --no-run
    # Instruction counts do not depend on what else runs, so the two glibc settings are counted
    # side by side, one per core; the whole-program count of the multi-threaded workloads
    # follows the second. Each group's progress goes to its log, shown if it fails.
    count_group() {
        GUNGRAUN_HOME="$gungraun_home" cargo bench --locked --bench instructions -- \
            "*::$1::*" --save-summary=json --output-format=json \
            >"$staging/gungraun-$1.jsonl" 2>"$gungraun_home/$1.log" ||
            { tail -n 30 "$gungraun_home/$1.log" >&2; return 1; }
    }
    mkdir -p "$gungraun_home" "$staging/instructions"
    count_group default &
    default_counts=$!
    count_group no_rep_movsb || { kill "$default_counts"; die "instruction counts (no rep movsb) failed"; }
    step "instructions: multi-threaded workloads under callgrind, whole program"
    "$ledger" count --counter callgrind --family pool_rayon --check-repeatable \
        --out "$staging/instructions/$(uname -m)-callgrind-default.json"
    wait "$default_counts" || die "instruction counts (glibc defaults) failed"
    cat "$staging"/gungraun-{default,no_rep_movsb}.jsonl >"$staging/gungraun.jsonl"
    rm "$staging"/gungraun-{default,no_rep_movsb}.jsonl
    "$ledger" import-gungraun --home "$gungraun_home" --out-dir "$staging/instructions"
fi
step "installing this run's results into $results (other stages' files stay)"
"$ledger" results install --stage bench --from "$staging" --into "$results"
if ((aarch64)); then
    scripts/aarch64.sh --results "$results"
fi

soundness_failed=0
if ((soundness)); then
    # A finding must still reach the site, so the run carries on and fails at the end.
    scripts/soundness.sh || soundness_failed=1
fi

step "building the site"
"$ledger" report --out target/ledger/site
# The real site, as a reader opens it: every page and plot renders, the table fits a phone.
scripts/check-site.sh target/ledger/site target/ledger/site-index.png
((soundness_failed == 0)) || die "scripts/soundness.sh reported findings (shown on the site)"

step "done: open target/ledger/site/index.html"
