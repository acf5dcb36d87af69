//! `ledger probe`: one variant, one input, any number of iterations.
//!
//! With `--iterations N` the call is repeated N times; the difference between the instruction
//! counts of a run with 1 + N iterations and one with 1, divided by N, is the cost of one call,
//! inclusive of everything it calls (`ledger count` does exactly this). Everything else the
//! probe does (reading the file, a consuming variant's one copy, checking the reference) is the
//! same in both runs and cancels out.

use std::path::PathBuf;

use anyhow::{Context, anyhow, bail};
use kernels::input::MAX_ALIGN;
use kernels::{Bound, Digest, FAMILIES, Family, Input};

use crate::shown;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["file", "input"])))]
pub struct Args {
    /// Family name, as `ledger list` shows it.
    family: String,
    /// Variant name (a candidate or the family's floor).
    variant: String,
    /// Run on this file's bytes.
    #[arg(long)]
    file: Option<PathBuf>,
    /// Run on a generated input, e.g. `mixed/64KiB` (see `ledger list`).
    #[arg(long)]
    input: Option<String>,
    /// Place the file's first byte this many bytes past a 16-byte boundary.
    #[arg(long)]
    offset: Option<usize>,
    /// How many times to call the variant (0 does all the set-up and no call).
    #[arg(long, default_value_t = 1)]
    iterations: u64,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let family = kernels::family(&args.family).ok_or_else(|| {
        anyhow!(
            "unknown family `{}`; families: {}",
            args.family,
            FAMILIES
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let variant = family.measured_variant(&args.variant).ok_or_else(|| {
        anyhow!(
            "family `{}` has no variant `{}`; variants: {}",
            family.name,
            args.variant,
            family
                .measured()
                .map(|v| v.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let input = load_input(family, args)?;
    println!(
        "{}/{} ({}) on {} ({} {})",
        family.name,
        variant.name,
        variant.kind,
        input.name(),
        input.name().size,
        input.name().unit
    );

    let mut bound = variant.bind(&input)?;
    let last = calls(&mut bound, args.iterations);
    match last {
        None => println!("result: not called (0 iterations)"),
        Some(digest) => println!("result: {digest}"),
    }
    match family.verify(variant, &input) {
        Ok(_) if !variant.kind.is_candidate() => {
            println!("check: a floor is a reference, not compared");
        }
        Ok(_) => println!("check: agrees with the reference `{}`", family.reference),
        Err(error) => bail!(error),
    }
    Ok(())
}

/// `iterations` calls, made as every measurement makes them (`Bound::run`: a consuming
/// variant's buffer is copied once at binding and recycled from call to call, inputs and results
/// are opaque to the optimiser); the last call's digest, reduced after the last call.
fn calls(bound: &mut Bound<'_>, iterations: u64) -> Option<Digest> {
    bound.run(iterations);
    bound.digest()
}

fn load_input(family: &Family, args: &Args) -> anyhow::Result<Input> {
    if let Some(path) = &args.file {
        if !family.takes_files {
            bail!("family `{}` does not take files", family.name);
        }
        let offset = args.offset.unwrap_or(0);
        if offset >= MAX_ALIGN {
            bail!("--offset must be below {MAX_ALIGN}, got {offset}");
        }
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read `{}`", shown(path)))?;
        let name = path
            .file_name()
            .map_or_else(|| shown(path), |n| n.to_string_lossy().into_owned());
        return Ok(Input::new(name, &bytes, offset));
    }
    if args.offset.is_some() {
        bail!("--offset applies to --file; a generated input's shape fixes its placement");
    }
    let wanted = args.input.as_deref().unwrap_or_default();
    let specs = (family.inputs)();
    let spec = specs
        .iter()
        .find(|spec| spec.name.to_string() == wanted)
        .ok_or_else(|| {
            let mut shapes: Vec<&str> = Vec::new();
            for spec in &specs {
                if !shapes.contains(&spec.name.shape.as_str()) {
                    shapes.push(&spec.name.shape);
                }
            }
            anyhow!(
                "family `{}` has no input `{wanted}`; inputs are SHAPE/SIZE with shape one of {} \
                 (`ledger list` shows the sizes)",
                family.name,
                shapes.join(", ")
            )
        })?;
    Ok(spec.generate())
}
