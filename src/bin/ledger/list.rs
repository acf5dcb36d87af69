//! `ledger list`: the registry for people (text) or programs (`--json`).

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Context;
use wire::catalog::{FamilyEntry, VariantEntry};

pub fn run(json: bool) -> anyhow::Result<()> {
    let catalog = crate::catalog::of_registry();
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &catalog).context("writing the catalog")?;
        writeln!(out)?;
    } else {
        for family in &catalog.families {
            write_family(&mut out, family)?;
        }
    }
    Ok(())
}

fn write_family(out: &mut impl Write, family: &FamilyEntry) -> anyhow::Result<()> {
    writeln!(out, "{} — {}", family.name, family.title)?;
    writeln!(out, "  {}", family.summary)?;
    writeln!(out, "  compares: {}", family.compares)?;
    writeln!(
        out,
        "  reference: {}; headline input: {}",
        family.reference, family.headline.name
    )?;
    writeln!(out, "  variants:")?;
    for variant in family.variants.iter().chain(&family.floor) {
        write_variant(out, variant)?;
    }
    // Inputs grouped by shape, sizes in generation order: one line per shape, with the
    // shape's parameters (the same for every size of it).
    let mut by_shape: BTreeMap<&str, (Vec<&str>, String)> = BTreeMap::new();
    let mut order = Vec::new();
    for input in &family.inputs {
        by_shape
            .entry(&input.shape)
            .or_insert_with(|| {
                order.push(input.shape.as_str());
                let params: Vec<String> = input
                    .params
                    .iter()
                    .map(|(key, value)| format!("{key}={value}"))
                    .collect();
                (Vec::new(), params.join(", "))
            })
            .0
            .push(&input.size);
    }
    let unit = family
        .inputs
        .first()
        .map_or("", |input| input.unit.as_str());
    writeln!(out, "  inputs (sizes in {unit}):")?;
    for shape in order {
        let (sizes, params) = &by_shape[shape];
        let params = if params.is_empty() {
            String::new()
        } else {
            format!("  ({params})")
        };
        writeln!(out, "    {shape:<18} {}{params}", sizes.join(" "))?;
    }
    if family.takes_files {
        writeln!(
            out,
            "    (and any file: ledger probe --file, LEDGER_CORPUS)"
        )?;
    }
    writeln!(out)?;
    Ok(())
}

fn write_variant(out: &mut impl Write, variant: &VariantEntry) -> anyhow::Result<()> {
    writeln!(
        out,
        "    {:<32} {:<8} {}",
        variant.name, variant.kind, variant.description
    )?;
    for requirement in &variant.requires {
        writeln!(out, "      checked before each run: {requirement}")?;
    }
    for invariant in &variant.invariants {
        writeln!(out, "      invariant: {invariant}")?;
    }
    for skipped in &variant.skips {
        writeln!(out, "      skips: {skipped}")?;
    }
    if variant.like_for_like {
        writeln!(
            out,
            "      skips: nothing the safe reference does (like-for-like)"
        )?;
    }
    Ok(())
}
