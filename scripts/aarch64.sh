#!/usr/bin/env bash
# aarch64 on an x86_64 machine: cross-build, run the kernels' tests under QEMU, count
# instructions per call of every variant under QEMU with the project's counting plugin, and
# disassemble the code each variant's call enters (ledger codegen).
#
# Installs what it needs, once: the rustup target aarch64-unknown-linux-gnu, Debian's
# gcc-aarch64-linux-gnu (linker and guest libc), binutils-aarch64-linux-gnu (objdump) and
# qemu-user.
#
# Options:
#   --tests-only      cross-build and run the tests; count nothing
#   --validate        also count the x86_64 build under qemu-x86_64 and under callgrind, and
#                     require the two to agree within 1% per variant (the method's check)
#   --results DIR     where the counts go (default: the bench results directory of this host);
#                     only the files this script produces are replaced there
#
# Everything measured here is emulated: instruction counts only, never times. On a native
# aarch64 host run scripts/bench.sh instead; it measures throughput and counts with callgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

tests_only=0
validate=0
results=""
while (($#)); do
    case "$1" in
        --tests-only) tests_only=1 ;;
        --validate) validate=1 ;;
        --results) shift; results="${1:?--results needs a directory}" ;;
        -h | --help) usage "$0"; exit 0 ;;
        *) die "unknown option '$1' (try --help)" ;;
    esac
    shift
done
[[ "$(uname -m)" == x86_64 ]] || die "this script cross-builds from x86_64; on $(uname -m) use scripts/bench.sh"

need_cargo
target=aarch64-unknown-linux-gnu
sysroot=/usr/aarch64-linux-gnu
rustup target list --installed | grep -qx "$target" || {
    step "adding the rustup target $target"
    rustup target add "$target"
}
ensure_apt aarch64-linux-gnu-gcc=gcc-aarch64-linux-gnu qemu-aarch64=qemu-user

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L $sysroot"

step "kernels' tests on $target under qemu-aarch64"
cargo test --locked -p unsafe-ledger-kernels --target "$target"

((tests_only)) && { step "done (tests only)"; exit 0; }

label="$(uname -m)-$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname)"
results="${results:-target/ledger/results/$label}"
# Counts go to a staging directory of this stage's own and replace the ones in $results only
# once complete (ledger results install); what other stages wrote there stays.
staging="target/ledger/staging/$label-aarch64"
rm -rf "$staging"
counts="$staging/instructions"
mkdir -p "$counts"

step "building the counting plugin and the ledger for both architectures"
plugin=target/ledger/qemu/insn_count.so
mkdir -p "$(dirname "$plugin")"
gcc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$plugin" scripts/qemu/insn_count.c
cargo build --release --locked --bin ledger
cargo build --release --locked --bin ledger --target "$target"
ledger=target/release/ledger

step "instructions per call on aarch64 (emulated; progress per variant)"
"$ledger" count --counter qemu --qemu qemu-aarch64 --sysroot "$sysroot" --plugin "$plugin" \
    --probe "target/$target/release/ledger" --arch aarch64 --check-repeatable \
    --out "$counts/aarch64-qemu-plugin-default.json"

if ((validate)); then
    # The same x86_64 probe counted two ways. Valgrind presents a Haswell CPU to its guest;
    # QEMU's `-cpu Haswell` gives glibc's ifuncs and the SIMD crates' runtime detection the
    # same features, so both pick the same code paths (with `-cpu max` glibc picks other
    # memcpy/strlen variants and small calls differ by tens of instructions).
    # Kept apart from instructions/, which the report reads as the counts to show.
    checks="$staging/validation"
    mkdir -p "$checks"
    step "validation: x86_64 build under qemu-x86_64 with the plugin"
    "$ledger" count --counter qemu --qemu qemu-x86_64 --qemu-arg=-cpu --qemu-arg=Haswell \
        --plugin "$plugin" --check-repeatable --out "$checks/x86_64-qemu-plugin-default.json"
    step "validation: the same under callgrind"
    "$ledger" count --counter callgrind --check-repeatable \
        --out "$checks/x86_64-callgrind-default.json"
    step "validation: agreement within 1% per variant"
    "$ledger" agreement "$checks/x86_64-qemu-plugin-default.json" \
        "$checks/x86_64-callgrind-default.json" --tolerance 0.01 \
        --out "$checks/agreement-qemu-callgrind.json"
fi
# The cross-built binary reports where its variants' calls enter (it must run, under QEMU, to
# build the fixtures); its own architecture's objdump reads the code there.
step "codegen on aarch64: the machine code each variant's call enters"
ensure_apt aarch64-linux-gnu-objdump=binutils-aarch64-linux-gnu
entries=target/ledger/qemu/aarch64-entries.json
qemu-aarch64 -L "$sysroot" "target/$target/release/ledger" codegen --entries >"$entries"
"$ledger" codegen --binary "target/$target/release/ledger" --entries-from "$entries" \
    --objdump aarch64-linux-gnu-objdump --out "$staging/codegen/aarch64.json"

step "installing the counts and the codegen into $results"
"$ledger" results install --stage aarch64 --from "$staging" --into "$results"
step "done: counts in $results/instructions, codegen in $results/codegen"
