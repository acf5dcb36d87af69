//! `ledger pair init`: a bench target comparing two of the user's functions, and the Cargo.toml
//! entries it needs, so that the first run is one edit (the input) away.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::target::LIBRARY;
use crate::shown;

#[derive(clap::Args)]
pub struct Args {
    /// The crate: its Cargo.toml, or the directory holding it.
    #[arg(long, value_name = "PATH", default_value = ".")]
    manifest_path: PathBuf,
    /// The bench target to write (benches/NAME.rs) and the comparison's name.
    #[arg(long, value_name = "NAME")]
    name: String,
    /// The safe function, as a path the bench can call (e.g. `mycrate::checksum`).
    #[arg(long, value_name = "PATH")]
    safe: String,
    /// The function with unsafe code in it (e.g. `mycrate::checksum_unchecked`).
    #[arg(long = "unsafe", value_name = "PATH")]
    unchecked: String,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if !valid(&args.name) {
        bail!("--name `{}`: use letters, digits, `_` and `-`", args.name);
    }
    for path in [&args.safe, &args.unchecked] {
        if path.is_empty() || !path.split("::").all(|p| !p.is_empty() && valid(p)) {
            bail!("`{path}` is not a Rust path to a function (e.g. `mycrate::checksum`)");
        }
    }
    let manifest = if args.manifest_path.is_dir() {
        args.manifest_path.join("Cargo.toml")
    } else {
        args.manifest_path.clone()
    };
    let toml = std::fs::read_to_string(&manifest).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a crate: cannot read {} ({e})",
            shown(&args.manifest_path),
            shown(&manifest)
        )
    })?;
    let root = manifest.parent().unwrap_or(Path::new("."));
    let bench = root.join("benches").join(format!("{}.rs", args.name));
    if bench.exists() {
        bail!("{} exists already: nothing written", shown(&bench));
    }
    if toml.contains(&format!("name = \"{}\"", args.name)) && toml.contains("[[bench]]") {
        bail!(
            "{} already declares a target named `{}`: nothing written",
            shown(&manifest),
            args.name
        );
    }
    let library = Path::new(env!("CARGO_MANIFEST_DIR")).join("pair");
    let mut additions = String::new();
    if !toml.contains(LIBRARY) {
        if toml.contains("[dev-dependencies]") {
            bail!(
                "{} has a [dev-dependencies] table: add `{LIBRARY} = {{ path = \"{}\" }}` to it \
                 and run init again",
                shown(&manifest),
                library.display()
            );
        }
        additions.push_str(&format!(
            "\n[dev-dependencies]\n{LIBRARY} = {{ path = \"{}\" }}\n",
            library.display()
        ));
    }
    additions.push_str(&format!(
        "\n[[bench]]\nname = \"{}\"\nharness = false\n",
        args.name
    ));
    std::fs::create_dir_all(bench.parent().unwrap_or(root))
        .with_context(|| format!("cannot create {}", shown(root)))?;
    std::fs::write(&bench, template(args))
        .with_context(|| format!("cannot write {}", shown(&bench)))?;
    let mut updated = toml;
    if !updated.ends_with('\n') {
        updated.push('\n');
    }
    updated.push_str(&additions);
    std::fs::write(&manifest, updated)
        .with_context(|| format!("cannot write {}", shown(&manifest)))?;
    println!(
        "wrote {} and added to {}:{additions}\nNext: make the input in {} one your code meets, then\n  \
         ledger pair --manifest-path {} --bench {}",
        shown(&bench),
        shown(&manifest),
        shown(&bench),
        shown(&manifest),
        args.name
    );
    Ok(())
}

fn last(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

fn template(args: &Args) -> String {
    format!(
        r#"//! Does `{unchecked}` buy anything over `{safe}`?
//! `ledger pair --bench {name}` measures it; `cargo bench --bench {name}` too, on one build.

use ledger_pair::{{Comparison, Comparisons}};

fn main() -> std::process::ExitCode {{
    Comparisons::new()
        .add(
            Comparison::new("{name}")
                // The inputs your code meets; the verdict is read at the first one. Outputs of
                // every implementation must be equal on each (`Comparison::comparing` takes
                // another test).
                .input("64KiB", || vec![0u8; 64 * 1024])
                // Checked but never timed, and all `ledger pair --miri` runs under Miri (about
                // a thousand times slower than native code): small inputs and edge cases.
                .check_input("empty", Vec::new)
                .check_input("small", || vec![1u8; 100])
                .safe("{safe_name}", |input| {safe}(input))
                // If it is an `unsafe fn`, call it in an `unsafe` block and declare below what
                // it needs of its input: `.requires("what", |input| check)`. It is then called
                // only on inputs that pass.
                .unchecked("{unchecked_name}", |input| {unchecked}(input)),
        )
        .run()
}}
"#,
        name = args.name,
        safe = args.safe,
        unchecked = args.unchecked,
        safe_name = last(&args.safe),
        unchecked_name = last(&args.unchecked),
    )
}
