//! `ledger codegen`: the machine code each variant's timed call enters, disassembled from a
//! ledger binary (this one by default), for the family pages' codegen evidence.
//!
//! The code is found by address, not by name: closures all demangle to
//! `FnOnce::call_once`, and inlining decides which functions exist at all. Every measured
//! variant is bound at its family's headline input the way the verdict protocol binds it, and
//! the address its calls enter (a byte variant's function, a fixture's `run`) is recorded as an
//! offset from an anchor function ([`entries`]). objdump's listing of the binary then gives the
//! function at that offset from the anchor's symbol, and the functions it calls directly
//! ([`listing`]). The report reads loops, vector registers and bounds checks from them.
//!
//! For a cross-built binary, run that binary with `--entries` (under QEMU; scripts/aarch64.sh
//! does) and give its output to this command with `--binary` and `--entries-from`.

mod entries;
mod executions;
mod listing;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use wire::codegen::{CODEGEN_SCHEMA, CodegenEntry, CodegenFile, EntryPoints};

use listing::Listing;

use crate::{shown, write_json};

#[derive(clap::Args)]
pub struct Args {
    /// Print this program's entry points as JSON and stop (how a cross-built binary reports
    /// its own, under an emulator).
    #[arg(long, conflicts_with_all = ["out", "binary", "entries_from"])]
    entries: bool,
    /// Where the disassembly goes (JSON).
    #[arg(long, value_name = "FILE", required_unless_present = "entries")]
    out: Option<PathBuf>,
    /// The binary to disassemble (default: this program).
    #[arg(long, value_name = "FILE", requires = "entries_from")]
    binary: Option<PathBuf>,
    /// The entry points of `--binary`, as its `ledger codegen --entries` printed them.
    #[arg(long, value_name = "FILE", requires = "binary")]
    entries_from: Option<PathBuf>,
    /// GNU objdump for the binary's architecture.
    #[arg(long, default_value = "objdump")]
    objdump: String,
    /// Also count how many times each instruction runs in one call, under callgrind (this
    /// program only, natively): the report then names the loop a call spends its instructions
    /// in, not the one its shape suggests.
    #[arg(long, conflicts_with = "binary")]
    executions: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if args.entries {
        let entries = entries::of_this_program()?;
        println!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(());
    }
    let Some(out) = &args.out else {
        bail!("--out is required");
    };
    let (binary, entries) = match (&args.binary, &args.entries_from) {
        (Some(binary), Some(from)) => {
            let text = std::fs::read(from)
                .with_context(|| format!("cannot read entry points from {}", shown(from)))?;
            let entries: EntryPoints = serde_json::from_slice(&text).with_context(|| {
                format!("{} is not `ledger codegen --entries` output", shown(from))
            })?;
            (binary.clone(), entries)
        }
        _ => (
            std::env::current_exe().context("cannot find this program's file")?,
            entries::of_this_program()?,
        ),
    };
    let mut code = disassemble(&args.objdump, &binary, entries)?;
    if args.executions {
        executions::count(&binary, &mut code.entries)?;
        code.executions = Some(executions::method());
    }
    write_json(out, &code)
}

/// The code each entry point of `binary` enters, and the functions it calls directly.
pub fn disassemble(
    objdump: &str,
    binary: &Path,
    entries: EntryPoints,
) -> anyhow::Result<CodegenFile> {
    if !binary.is_file() {
        bail!("no binary at {}", shown(binary));
    }
    let disassembler = listing::version(objdump)?;
    eprintln!(
        "codegen: disassembling {} ({}) with {disassembler}",
        shown(binary),
        entries.arch
    );
    let listing = Listing::of(objdump, binary)?;
    let anchor = listing.address_of(&entries.anchor).with_context(|| {
        format!(
            "{} is not the build whose entry points were given (its anchor `{}` is missing)",
            shown(binary),
            entries.anchor
        )
    })?;
    let mut found = 0;
    let code: Vec<CodegenEntry> = entries
        .entries
        .into_iter()
        .map(|entry| {
            let (functions, missing) = match (entry.offset, entry.refused) {
                (_, Some(reason)) => (
                    Vec::new(),
                    Some(format!("the variant refuses its headline input: {reason}")),
                ),
                (Some(offset), None) => {
                    match listing.reached_from(&entries.arch, anchor.wrapping_add_signed(offset)) {
                        Ok(functions) => (functions, None),
                        Err(why) => (Vec::new(), Some(why)),
                    }
                }
                (None, None) => (Vec::new(), Some("no entry point recorded".to_owned())),
            };
            if missing.is_none() {
                found += 1;
            }
            CodegenEntry {
                family: entry.family,
                variant: entry.variant,
                input: entry.input,
                functions,
                missing,
            }
        })
        .collect();
    eprintln!("codegen: {found} of {} entry points found", code.len());
    Ok(CodegenFile {
        schema: CODEGEN_SCHEMA,
        arch: entries.arch,
        disassembler,
        method: format!(
            "each variant bound at its headline input; the function its calls enter, \
                 found by its offset from `{}`, and the functions it calls directly, up to two \
                 calls deep, read from `objdump -d` of {}",
            entries.anchor,
            binary
                .file_name()
                .map_or_else(|| shown(binary), |n| n.to_string_lossy().into_owned())
        ),
        executions: None,
        entries: code,
    })
}
