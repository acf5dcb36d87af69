//! Records the flags the ledger binary is compiled with, so that its provenance says how the
//! code it measures was built (`.cargo/config.toml`, or RUSTFLAGS when set), not what the
//! environment of a later run happens to hold.

fn main() {
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    println!(
        "cargo:rustc-env=LEDGER_BUILD_RUSTFLAGS={}",
        flags.replace('\x1f', " ")
    );
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
}
