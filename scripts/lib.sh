# Shared helpers for the scripts in this directory; sourced, never run.

LEDGER_START=$(date +%s)

# step MESSAGE: announce a stage with the time elapsed since the script started.
step() {
    printf '\n==> [%4ss] %s\n' "$(($(date +%s) - LEDGER_START))" "$*"
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# need_cargo: cargo and rustup must exist; everything else is installed through them.
need_cargo() {
    command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)"
    command -v rustup >/dev/null || die "rustup not found: the scripts add toolchains and components with it"
}

# ensure_nightly COMPONENT...: the nightly toolchain with the given components, installed once.
ensure_nightly() {
    if ! rustup toolchain list | grep -q '^nightly'; then
        step "installing the nightly toolchain (minimal profile)"
        rustup toolchain install nightly --profile minimal
    fi
    local installed missing=()
    installed=$(rustup component list --toolchain nightly --installed)
    for component in "$@"; do
        grep -q "^$component" <<<"$installed" || missing+=("$component")
    done
    if ((${#missing[@]})); then
        step "adding nightly components: ${missing[*]}"
        rustup component add --toolchain nightly "${missing[@]}"
    fi
}

# ensure_apt COMMAND=PACKAGE...: install each Debian PACKAGE whose COMMAND is missing, once.
ensure_apt() {
    local pair missing=()
    for pair in "$@"; do
        command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
    done
    ((${#missing[@]})) || return 0
    step "installing Debian packages: ${missing[*]}"
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ensure_gungraun_runner: gungraun-runner of exactly the version Cargo.lock pins for gungraun.
ensure_gungraun_runner() {
    local wanted have=""
    wanted=$(awk '/^name = "gungraun"$/ { getline; gsub(/[^0-9.]/, ""); print }' Cargo.lock)
    [[ -n "$wanted" ]] || die "Cargo.lock pins no gungraun version"
    if command -v gungraun-runner >/dev/null; then
        have=$(gungraun-runner --version 2>/dev/null | awk '{ print $NF }')
    fi
    if [[ "$have" != "$wanted" ]]; then
        step "installing gungraun-runner $wanted (found '${have:-none}'; about 2 minutes)"
        cargo install --locked --force gungraun-runner --version "$wanted"
    fi
}

# usage SCRIPT: print the script's header comment (everything after the shebang up to the first
# line that is not a comment), so --help never drifts from the header.
usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"
}

# layout_count PROTOCOL_ARGS...: how many processes a protocol plan can run (its screening
# cap and its confirmation's cap), one code layout each.
layout_count() {
    local screen=0 cap=0 looks=0
    while (($#)); do
        case "$1" in
            --screen) screen=$2; shift ;;
            --screen-cap) cap=$2; shift ;;
            --looks) looks=${2##*,}; shift ;;
        esac
        shift
    done
    echo $(( (cap > screen ? cap : screen) + looks ))
}

# build_layouts N SEED DIR: N link orders of a plain release build of the ledger binary (no
# loop-alignment flags: the workspace's own config is replaced), DIR/plain-link-order-SEED+i.
# The plain build is cargo's, in a target directory of its own; each order replays the build's
# final link with another lld --shuffle-sections seed, which takes a fraction of a second where
# a cargo relink recompiles the binary's crate (about 11 s).
build_layouts() {
    local n=$1 base=$2 dir=$3
    local plain=(--release --locked --quiet --bin ledger --config 'build.rustflags=[]'
        --target-dir target/ledger/plain)
    cargo build "${plain[@]}"
    # One more compile of the binary's own crate that keeps its objects and prints its link
    # command; the seed makes the arguments new, so cargo cannot skip it.
    local command out
    command=$(cargo rustc "${plain[@]}" -- -C save-temps --print link-args \
        -C "link-arg=-Wl,--shuffle-sections=.text*=$base")
    [[ "$command" == *"--shuffle-sections=.text*=$base"* ]] || die "rustc printed no link command"
    out=$(grep -o '"-o" "[^"]*"' <<<"$command" | head -n 1 | sed 's/^"-o" "//; s/"$//')
    [[ -n "$out" ]] || die "the link command names no output file"
    local i seed link
    for i in $(seq 1 "$n"); do
        seed=$((base + i))
        link=${command//\"$out\"/\"$PWD/$dir/plain-link-order-$seed\"}
        link=${link//--shuffle-sections=.text\*=$base/--shuffle-sections=.text*=$seed}
        # The command is rustc's own, printed shell-quoted: environment assignments, then the
        # linker and its arguments.
        (eval "$link") || die "relinking layout $seed failed"
    done
}
