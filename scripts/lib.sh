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
