//! `findings.html`: per family, what the unsafe path buys and the evidence of why, in a few
//! sentences read off the ledger: the verdict, the instructions each side executes, the loop
//! each side's call spends them in, and how far the fastest variant is from the floor. Nothing
//! here is written by hand, so the page says what the latest results say.

use std::fmt::Write;

use super::html::{count, counted, escape, family_page, times};
use crate::analyze::codegen::{ArchCode, CodeRow, Pick, Vector};
use crate::analyze::{FamilyReport, FamilyRun, Ledger, Verdict};

/// How close to the floor's time a variant's counts as at the floor: the medians of one run's
/// screening rounds move by about this much between processes.
const FLOOR_TIE: f64 = 0.02;

/// The page's file name.
pub const PAGE: &str = "findings.html";

pub fn body(ledger: &Ledger) -> String {
    let mut out = String::from(
        "<h1>Findings</h1>\n<p>For each family: what the confirmed unsafe variant buys over the \
         confirmed safe one, and the evidence of why — the instructions each executes per call, \
         the loop each call spends them in, and how far the fastest variant is from the floor. \
         Read off these results; each family's page has the numbers behind every sentence.</p>\n",
    );
    for report in &ledger.families {
        family(&mut out, report);
    }
    out
}

fn family(out: &mut String, report: &FamilyReport) {
    let family = &report.family;
    let _ = writeln!(
        out,
        "<h2><a href=\"{}\"><code>{}</code></a>: {}</h2>",
        family_page(&family.name),
        escape(&family.name),
        escape(&family.title)
    );
    let mut said = false;
    for run in &report.runs {
        let Some(verdict) = &run.verdict else {
            continue;
        };
        said = true;
        let mut sentences = vec![call_sentence(run, verdict, report.runs.len() > 1)];
        sentences.extend(count_sentences(verdict));
        sentences.extend(
            report
                .codegen
                .iter()
                .filter_map(|arch| loop_sentence(arch, verdict)),
        );
        sentences.push(floor_sentence(report, run));
        let _ = writeln!(out, "<p>{}</p>", sentences.join(" "));
    }
    if !said {
        out.push_str("<p class=\"note\">No verdict in these results.</p>\n");
    }
}

/// The call on the confirmed pair, with its interval and what one build saw.
fn call_sentence(run: &FamilyRun, verdict: &Verdict, several_runs: bool) -> String {
    let m = &verdict.measured;
    let place = if several_runs {
        format!("On {}, ", escape(&run.run))
    } else {
        String::new()
    };
    let mut sentence = format!(
        "{place}<strong>{}</strong>: <code>{}</code> against <code>{}</code>, {} [{}, {}] \
         (safe time over unsafe time; one build saw {}–{}).",
        m.call.label(),
        escape(&m.unsafe_variant),
        escape(&m.safe_variant),
        times(m.speedup.point),
        times(m.speedup.lower),
        times(m.speedup.upper),
        times(m.speedup.lowest),
        times(m.speedup.highest),
    );
    if !m.unreliable.is_empty() {
        sentence.push_str(
            " <span class=\"finding\">The run is unreliable</span> (a control is biased).",
        );
    }
    sentence
}

/// Instructions per call of each side, per counted architecture.
fn count_sentences(verdict: &Verdict) -> Vec<String> {
    verdict
        .instructions
        .iter()
        .map(|s| {
            let change = if s.fraction.abs() < 0.01 {
                "the same work within 1%".to_owned()
            } else if s.saved > 0.0 {
                format!("{:.0}% fewer", 100.0 * s.fraction)
            } else {
                format!("{:.0}% more", -100.0 * s.fraction)
            };
            format!(
                "On {}{}, the unsafe side executes {} instructions per call against {}: {change}.",
                escape(&s.arch),
                if s.emulated { " (emulated)" } else { "" },
                count(s.unsafe_per_call),
                count(s.safe_per_call),
            )
        })
        .collect()
}

/// Each side's hot loop on one disassembled architecture.
fn loop_sentence(arch: &ArchCode, verdict: &Verdict) -> Option<String> {
    let m = &verdict.measured;
    let row = |name: &str| arch.rows.iter().find(|r| r.variant == name);
    let (unsafe_row, safe_row) = (row(&m.unsafe_variant)?, row(&m.safe_variant)?);
    let by = if unsafe_row.picked_by == Pick::Executions && safe_row.picked_by == Pick::Executions {
        "by execution counts"
    } else {
        "by shape, for want of counts"
    };
    Some(format!(
        "On {} (loops picked {by}), the unsafe side's {}; the safe side's {}.",
        escape(&arch.arch),
        loop_words(unsafe_row),
        loop_words(safe_row)
    ))
}

/// `hot loop is 12 instructions on xmm with 1 bounds check`.
fn loop_words(row: &CodeRow) -> String {
    if row.entry_ran == Some(false) {
        return "code as read did not run in the counted call".to_owned();
    }
    match &row.hot_loop {
        Some(hot) => format!(
            "hot loop is {} {} with {}",
            counted(hot.instructions, "instruction"),
            if hot.vector == Vector::None {
                "on general-purpose registers".to_owned()
            } else {
                format!("using {}", hot.vector.label())
            },
            counted(hot.bounds_checks, "bounds check")
        ),
        None if row.missing.is_some() => "code was not found".to_owned(),
        None => "call runs no loop of its own code".to_owned(),
    }
}

/// The fastest candidate's distance to the floor at the headline input, or why there is none.
fn floor_sentence(report: &FamilyReport, run: &FamilyRun) -> String {
    let family = &report.family;
    if let Some(why) = &family.no_floor {
        return format!("No floor: {}.", escape(why));
    }
    let Some(floor) = &family.floor else {
        return String::new();
    };
    // Only a variant that does the whole work is held to the floor: one that skips validation
    // may well beat a read of every byte.
    let whole_work = |name: &str| {
        family
            .variants
            .iter()
            .any(|v| v.name == name && v.skips.is_empty())
    };
    let headline = run.inputs.iter().find(|i| i.name == family.headline.name);
    let fastest = headline.and_then(|input| {
        input
            .rows
            .iter()
            .filter(|r| r.to_best.is_some() && whole_work(&r.variant))
            .min_by(|a, b| a.median_ns.total_cmp(&b.median_ns))
    });
    match fastest.and_then(|r| Some((r, r.to_floor?))) {
        Some((row, to_floor)) => format!(
            "The fastest variant that does the whole work at <code>{}</code>, <code>{}</code>, \
             takes {} the floor's time (<code>{}</code>){}.",
            escape(&family.headline.name),
            escape(&row.variant),
            times(to_floor),
            escape(&floor.name),
            if to_floor < 1.0 - FLOOR_TIE {
                ": <span class=\"finding\">faster than the floor, which is no bound here</span>"
            } else if to_floor <= 1.0 + FLOOR_TIE {
                ": it runs at the floor, and on this machine no code does the same work much faster"
            } else {
                ""
            }
        ),
        None => format!(
            "The floor (<code>{}</code>) was not measured at the headline.",
            escape(&floor.name)
        ),
    }
}
