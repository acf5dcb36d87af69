//! `ledger compare BASE NEW`: what changed between two runs, family by family, as a CI gate.
//!
//! Each side is a `ledger.json`, a site directory holding one, or a results directory (whose
//! ledger is built in memory by the report, from what was measured). A family changed when its
//! call changed, when its speedup moved beyond both intervals (each point outside the other's
//! interval), when its confirmed unsafe variant's instruction count moved by more than 1%, or
//! when a control that was not biased now is. Families are matched by name, and within a family
//! the run of the same host label when both have it, else each side's first. A different pair
//! confirmed (screening picked another variant) is listed as a change too.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::Value;

use crate::{Exit, shown};

/// Exit status when something changed.
const CHANGED: u8 = 2;
/// Exit status when the two runs have no family in common.
const NOTHING_IN_COMMON: u8 = 3;

/// An instruction count that moves by more than this fraction is a change.
const COUNT_TOLERANCE: f64 = 0.01;

#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 nothing changed, 2 something changed (each change is \
                        listed), 3 the two runs have no family in common, 1 an input could not \
                        be read (or is a ledger of another schema)."
)]
pub struct Args {
    /// The earlier run: a ledger.json, a site directory or a results directory.
    base: PathBuf,
    /// The later run, the same kinds.
    new: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let base = load(&args.base)?;
    let new = load(&args.new)?;
    let families = |ledger: &Value| -> Vec<(String, Value)> {
        ledger["families"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|f| Some((f["family"]["name"].as_str()?.to_owned(), f.clone())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (before, after) = (families(&base), families(&new));
    let common: Vec<(&String, &Value, &Value)> = before
        .iter()
        .filter_map(|(name, b)| {
            let (_, a) = after.iter().find(|(n, _)| n == name)?;
            Some((name, b, a))
        })
        .collect();
    if common.is_empty() {
        return Err(Exit {
            code: NOTHING_IN_COMMON,
            message: format!(
                "{} and {} have no family in common: nothing to compare",
                shown(&args.base),
                shown(&args.new)
            ),
        }
        .into());
    }
    let only = |side: &[(String, Value)], other: &[(String, Value)]| -> Vec<String> {
        side.iter()
            .filter(|(n, _)| !other.iter().any(|(m, _)| m == n))
            .map(|(n, _)| n.clone())
            .collect()
    };
    let mut changed = 0;
    for (name, b, a) in &common {
        let changes = changes(b, a);
        if changes.is_empty() {
            println!("{name}: unchanged ({})", summary(a));
        } else {
            changed += 1;
            println!("{name}: CHANGED");
            for change in changes {
                println!("  {change}");
            }
        }
    }
    for name in only(&before, &after) {
        println!("{name}: only in {}", shown(&args.base));
    }
    for name in only(&after, &before) {
        println!("{name}: only in {}", shown(&args.new));
    }
    if changed > 0 {
        return Err(Exit {
            code: CHANGED,
            message: format!("{changed} of {} families changed", common.len()),
        }
        .into());
    }
    eprintln!("ledger compare: {} families, none changed", common.len());
    Ok(())
}

/// A ledger from a file, a site directory or a results directory.
fn load(path: &Path) -> anyhow::Result<Value> {
    let file = if path.is_dir() && path.join("ledger.json").is_file() {
        path.join("ledger.json")
    } else if path.is_dir() {
        if !path.join("provenance.json").is_file() {
            bail!(
                "{} is neither a site (no ledger.json) nor a results directory (no \
                 provenance.json)",
                shown(path)
            );
        }
        let site = std::env::temp_dir().join(format!(
            "ledger-compare-{}-{}",
            std::process::id(),
            path.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ));
        reports::build(&[path.to_path_buf()], None, &site)
            .with_context(|| format!("cannot read the results in {}", shown(path)))?;
        let file = site.join("ledger.json");
        let ledger = read(&file);
        let _ = std::fs::remove_dir_all(&site);
        return ledger;
    } else {
        path.to_path_buf()
    };
    read(&file)
}

fn read(file: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read(file).with_context(|| format!("cannot read {}", shown(file)))?;
    let ledger: Value =
        serde_json::from_slice(&text).with_context(|| format!("{} is not JSON", shown(file)))?;
    let schema = ledger["schema"].as_u64();
    if schema != Some(u64::from(reports::analyze::LEDGER_SCHEMA)) || !ledger["families"].is_array()
    {
        bail!(
            "{} is not a ledger.json of schema {} (found schema {})",
            shown(file),
            reports::analyze::LEDGER_SCHEMA,
            schema.map_or_else(|| "none".to_owned(), |s| s.to_string())
        );
    }
    Ok(ledger)
}

/// The verdict of a family's run matched across the two sides.
fn verdicts<'a>(base: &'a Value, new: &'a Value) -> (Option<&'a Value>, Option<&'a Value>) {
    let runs = |f: &'a Value| f["runs"].as_array().map(Vec::as_slice).unwrap_or_default();
    let (b, a) = (runs(base), runs(new));
    let same_host = b.iter().find_map(|rb| {
        let ra = a.iter().find(|ra| ra["run"] == rb["run"])?;
        Some((rb, ra))
    });
    let (rb, ra) = match same_host {
        Some((rb, ra)) => (Some(rb), Some(ra)),
        None => (b.first(), a.first()),
    };
    let verdict = |r: Option<&'a Value>| r.map(|r| &r["verdict"]).filter(|v| v.is_object());
    (verdict(rb), verdict(ra))
}

fn interval(v: &Value) -> Option<(f64, f64, f64)> {
    let s = &v["speedup"];
    Some((
        s["point"].as_f64()?,
        s["lower"].as_f64()?,
        s["upper"].as_f64()?,
    ))
}

/// A verdict in a few words.
fn summary(family: &Value) -> String {
    let (_, v) = verdicts(family, family);
    match v.and_then(|v| Some((v["call"].as_str()?, interval(v)?))) {
        Some((call, (p, l, u))) => format!("{call} {p:.3}x [{l:.3}, {u:.3}]"),
        None => "no verdict".to_owned(),
    }
}

/// What changed in one family.
fn changes(base: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let (b, a) = verdicts(base, new);
    let (Some(b), Some(a)) = (b, a) else {
        if b.is_some() != a.is_some() {
            out.push("a verdict on one side only".to_owned());
        }
        return out;
    };
    let pair = |v: &Value| {
        format!(
            "{} vs {}",
            v["unsafe_variant"].as_str().unwrap_or("?"),
            v["safe_variant"].as_str().unwrap_or("?")
        )
    };
    if pair(b) != pair(a) {
        out.push(format!("pair confirmed: {} -> {}", pair(b), pair(a)));
    }
    let call = |v: &Value| v["call"].as_str().unwrap_or("?").to_owned();
    if call(b) != call(a) {
        out.push(format!("call: {} -> {}", call(b), call(a)));
    }
    if let (Some((pb, lb, ub)), Some((pa, la, ua))) = (interval(b), interval(a))
        && !(lb..=ub).contains(&pa)
        && !(la..=ua).contains(&pb)
    {
        out.push(format!(
            "speedup beyond both intervals: {pb:.3}x [{lb:.3}, {ub:.3}] -> {pa:.3}x [{la:.3}, \
             {ua:.3}]"
        ));
    }
    for control in ["control_aa", "control_2x"] {
        let state = |v: &Value| v[control]["state"].as_str().unwrap_or("").to_owned();
        if state(a) == "biased" && state(b) != "biased" {
            out.push(format!("{control}: {} -> biased", state(b)));
        }
    }
    let unsafe_variant = a["unsafe_variant"].as_str().unwrap_or_default();
    let input = a["input"].as_str().unwrap_or_default();
    for arch in ["x86_64", "aarch64"] {
        if let (Some(cb), Some(ca)) = (
            count(base, arch, input, unsafe_variant),
            count(new, arch, input, unsafe_variant),
        ) && (ca - cb).abs() > COUNT_TOLERANCE * cb.max(1.0)
        {
            out.push(format!(
                "{unsafe_variant}'s instructions per call on {arch}: {cb:.0} -> {ca:.0}"
            ));
        }
    }
    out
}

/// A variant's instructions per call at an input on an architecture.
fn count(family: &Value, arch: &str, input: &str, variant: &str) -> Option<f64> {
    family["instructions"]
        .as_array()?
        .iter()
        .find(|i| i["arch"] == arch)?["inputs"]
        .as_array()?
        .iter()
        .find(|i| i["input"] == input)?["rows"]
        .as_array()?
        .iter()
        .find(|r| r["variant"] == variant)?["per_call"]
        .as_f64()
}
