//! `index.html`: the verdict table a reviewer acts on, the rule behind it, what is missing, and
//! the environment of every run.

use std::fmt::Write;

use super::html::{count, counted, escape, family_page, times};
use super::soundness::status_cell;
use crate::analyze::instructions::Saving;
use crate::analyze::{Ledger, RunInfo, Verdict};
use crate::stats::ProcessRatio;
use crate::wire::soundness::Outcome;
use protocol::reading::Control;
use protocol::rule::{Call, ControlState};

pub fn body(ledger: &Ledger) -> String {
    let mut out = String::new();
    out.push_str(
        "<h1>Does this <code>unsafe</code> buy anything?</h1>\n<p>For each family, the fastest \
         like-for-like unsafe variant against the fastest safe one at the family's headline \
         input, on every host measured, from interleaved rounds in fresh processes. Each family's page has every input, plot and raw number.</p>\n",
    );
    verdict_table(&mut out, ledger);
    let _ = writeln!(
        out,
        "<h2>The rule</h2>\n<p>{}</p>\n<p class=\"note\">A speedup that comes from skipping work \
         (validation, an alignment check) is real only where that work is already done; the \
         table says in which situation each gain holds, and compares the like-for-like unsafe \
         variant where there is one.</p>",
        escape(&ledger.rule)
    );
    problems(&mut out, ledger);
    environment(&mut out, ledger);
    out
}

/// A ratio with its interval: `1.52x [1.40, 1.66]`.
fn interval(r: &ProcessRatio) -> String {
    format!(
        "{} <span class=\"note\">[{}, {}]</span>",
        times(r.point),
        times(r.lower),
        times(r.upper)
    )
}

/// A control's reading and what it says about the run.
fn control_cell(name: &str, control: Option<&Control>) -> String {
    match control {
        Some(c) => format!(
            "<li>{name}: {} {}</li>",
            interval(&c.ratio),
            match c.state {
                ControlState::Holds => "<span class=\"ok\">holds</span>",
                ControlState::Imprecise => {
                    "<span class=\"note\">imprecise: covers its target, too wide to certify \
                     (more processes would)</span>"
                }
                ControlState::Biased => "<span class=\"finding\">biased</span>",
            }
        ),
        None => format!("<li>{name}: <span class=\"finding\">not measured</span></li>"),
    }
}

/// Instructions saved per architecture, with what qualifies each count.
fn savings_cell(savings: &[Saving]) -> String {
    if savings.is_empty() {
        return "<span class=\"note\">not counted in these results</span>".to_owned();
    }
    let difference = |saved: f64| {
        if saved > 0.0 {
            format!("{} fewer", count(saved))
        } else if saved < 0.0 {
            format!("{} more", count(-saved))
        } else {
            "none".to_owned()
        }
    };
    savings
        .iter()
        .map(|s| {
            let mut cell = format!(
                "<div><b>{}</b>{}: {} ({:+.2}%)<br><span class=\"note\">{} vs {} per call",
                escape(&s.arch),
                if s.emulated { " (emulated)" } else { "" },
                difference(s.saved),
                // Adding 0.0 turns -0.0 into 0.0: no difference shows as +0.00%.
                -100.0 * s.fraction + 0.0,
                count(s.unsafe_per_call),
                count(s.safe_per_call),
            );
            if s.copy_sensitive {
                cell.push_str(&format!(
                    "; <span class=\"flag\" title=\"callgrind counts each byte a rep movsb \
                     copy moves as one instruction\">copy-sensitive</span>{}",
                    s.saved_without_rep_movsb
                        .map_or_else(String::new, |w| format!(
                            ", without rep movsb: {}",
                            difference(w)
                        ))
                ));
            }
            if !s.repeatable {
                cell.push_str("; not repeatable (idle workers spin)");
            }
            cell.push_str("</span></div>");
            cell
        })
        .collect()
}

/// The differential fuzzing that covered `family`, in a line.
fn fuzz_note(ledger: &Ledger, family: &str) -> String {
    let Some(run) = &ledger.soundness else {
        return String::new();
    };
    run.fuzz
        .iter()
        .filter(|f| f.families.iter().any(|name| name == family))
        .map(|f| {
            let outcome = match f.outcome {
                Outcome::Clean => "no mismatch or crash".to_owned(),
                Outcome::Finding => format!(
                    "<span class=\"finding\">FINDING</span> {}",
                    escape(f.finding.as_deref().unwrap_or(""))
                ),
                Outcome::NotRun => "not run".to_owned(),
            };
            format!(
                "<br><span class=\"note\">fuzzed against the reference: {} inputs in {} s, \
                 {outcome}</span>",
                count(f.executions as f64),
                f.seconds
            )
        })
        .collect()
}

/// How much unsafe code the headline variant has and how many invariants it relies on.
fn unsafe_code_summary(verdict: &Verdict) -> String {
    let invariants = counted(verdict.invariants.len(), "invariant");
    match &verdict.unsafe_code {
        Some(code) => format!(
            "<span title=\"in {} of {}\">{}</span>, {invariants}",
            escape(&code.items.join("; ")),
            escape(&code.file),
            counted(code.operations, "unsafe operation")
        ),
        None => invariants,
    }
}

/// The verdict table: family, verdict and speedup with its interval in three narrow columns
/// (they fit a phone's width); everything else folds into a details row under each.
fn verdict_table(out: &mut String, ledger: &Ledger) {
    out.push_str(
        "<table id=\"verdicts\"><thead><tr><th>family</th><th>verdict</th>\
         <th>speedup [95% CI]</th><th class=\"pair\">confirmed pair (unsafe vs safe)</th></tr>\
         </thead><tbody>\n",
    );
    let mut rows = 0;
    for report in &ledger.families {
        let family = &report.family;
        let link = format!(
            "<a href=\"{}\">{}</a>",
            family_page(&family.name),
            escape(&family.name)
        );
        if report.runs.is_empty() {
            let _ = writeln!(
                out,
                "<tr><td>{link}</td><td colspan=\"3\" class=\"note\">not measured on any host \
                 in these results</td></tr>"
            );
            continue;
        }
        for run in &report.runs {
            rows += 1;
            let place = format!(
                "<br><span class=\"note\">{} · <code>{}</code></span>",
                escape(&run.run),
                escape(&family.headline.name)
            );
            let Some(verdict) = &run.verdict else {
                let _ = writeln!(
                    out,
                    "<tr><td>{link}{place}</td><td colspan=\"3\" class=\"note\">no verdict: \
                     {}</td></tr>",
                    escape(&run.missing.join("; "))
                );
                continue;
            };
            let m = &verdict.measured;
            let mut flags = String::new();
            if !m.unreliable.is_empty() {
                flags.push_str("<br><span class=\"finding\">unreliable run</span>");
            }
            if verdict.layout_sensitive.is_some() {
                flags.push_str("<br><span class=\"flag\">layout-sensitive</span>");
            }
            if m.call == Call::Inconclusive {
                let _ = write!(
                    flags,
                    "<br><span class=\"note\">{} to settle</span>",
                    m.processes_needed.map_or_else(
                        || "over 1000 processes".to_owned(),
                        |n| format!("~{n} processes")
                    )
                );
            }
            let _ = writeln!(
                out,
                "<tr><td>{link}{place}</td><td class=\"call call-{}\">{}{flags}</td>\
                 <td class=\"num\">{}<br><span class=\"note\">[{}, {}]<br>one build: {}–{}\
                 </span></td><td class=\"pair\"><code>{}</code><br><span class=\"note\">vs\
                 </span> <code>{}</code></td></tr>",
                m.call.label().replace(' ', "-"),
                m.call.label(),
                times(m.speedup.point),
                times(m.speedup.lower),
                times(m.speedup.upper),
                times(m.speedup.lowest),
                times(m.speedup.highest),
                escape(&m.unsafe_variant),
                escape(&m.safe_variant),
            );
            let _ = writeln!(
                out,
                "<tr class=\"more\"><td colspan=\"4\"><details><summary><code>{}</code> vs \
                 <code>{}</code></summary>{}</details></td></tr>",
                escape(&m.unsafe_variant),
                escape(&m.safe_variant),
                verdict_details(ledger, &family.name, verdict)
            );
        }
    }
    out.push_str("</tbody></table>\n");
    if rows == 0 {
        out.push_str("<p class=\"note\">No family has results yet.</p>\n");
    }
}

/// Everything behind one verdict: the pair and how often it was picked, the controls, the
/// checkers, the instructions, the unsafe code and when the gain holds.
fn verdict_details(ledger: &Ledger, family: &str, verdict: &Verdict) -> String {
    let m = &verdict.measured;
    let mut out = String::from("<ul class=\"details\">");
    let layouts = match m.layouts {
        1 => "all in one build (one code layout: its luck is not in the interval)".to_owned(),
        n if n == m.processes => "each on its own build".to_owned(),
        n => format!("on {n} builds (each build's processes averaged, the interval over builds)"),
    };
    let stop = if m.settled {
        "stopped when the call and the controls settled".to_owned()
    } else {
        format!(
            "stopped at the cap of {}",
            counted(m.looks.last().copied().unwrap_or(m.processes), "process")
        )
    };
    let _ = write!(
        out,
        "<li>pair picked by screening ({}); confirmed in {} of {} rounds, {layouts}, looks at          {:?}, {stop}</li><li>single builds: {}–{} (the range of the confirmation's processes,          each one build's layout)</li>",
        counted(m.screening.processes, "process"),
        counted(m.processes, "process"),
        m.rounds,
        m.looks,
        times(m.speedup.lowest),
        times(m.speedup.highest),
    );
    out.push_str(&control_cell(
        "A/A control (reference vs its copy)",
        m.control_aa.as_ref(),
    ));
    out.push_str(&control_cell(
        "2x control (reference doing its work twice)",
        m.control_2x.as_ref(),
    ));
    for why in &m.imprecise {
        let _ = write!(
            out,
            "<li><span class=\"note\">imprecise control</span>: {}</li>",
            escape(why)
        );
    }
    for why in &m.unreliable {
        let _ = write!(
            out,
            "<li><span class=\"finding\">unreliable</span>: {}</li>",
            escape(why)
        );
    }
    if let Some(why) = &verdict.layout_sensitive {
        let _ = write!(
            out,
            "<li><span class=\"flag\">layout-sensitive</span>: {}</li>",
            escape(why)
        );
    }
    let _ = write!(
        out,
        "<li>soundness: {}{}</li><li>instructions saved: {}</li><li>unsafe code: {}</li>",
        status_cell(&verdict.soundness),
        fuzz_note(ledger, family),
        savings_cell(&verdict.instructions),
        unsafe_code_summary(verdict)
    );
    let invariants: String = verdict
        .invariants
        .iter()
        .map(|i| format!("<li>{}</li>", escape(i)))
        .collect();
    if !invariants.is_empty() {
        let _ = write!(
            out,
            "<li>invariants:<ul class=\"invariants\">{invariants}</ul></li>"
        );
    }
    let _ = write!(
        out,
        "<li class=\"holds\">{}</li></ul>",
        escape(&verdict.holds)
    );
    out
}

fn problems(out: &mut String, ledger: &Ledger) {
    let missing: Vec<String> = ledger
        .families
        .iter()
        .flat_map(|f| {
            f.runs.iter().flat_map(move |r| {
                r.missing
                    .iter()
                    .map(move |m| format!("{} on {}: {m}", f.family.name, r.run))
            })
        })
        .collect();
    if ledger.problems.is_empty() && missing.is_empty() {
        return;
    }
    out.push_str("<h2 id=\"problems\">Missing or unusable results</h2>\n<ul class=\"problems\">");
    for p in &ledger.problems {
        let _ = write!(
            out,
            "<li><code>{}</code>: {}</li>",
            escape(&p.source),
            escape(&p.message)
        );
    }
    for m in missing {
        let _ = write!(out, "<li>{}</li>", escape(&m));
    }
    out.push_str("</ul>\n");
}

/// Which stage run produced which files of a results directory (several stages write one).
fn stages(out: &mut String, run: &RunInfo) {
    if run.stages.is_empty() {
        return;
    }
    out.push_str("<p class=\"note\">Produced by:</p><ul class=\"note\">");
    for stage in &run.stages {
        let _ = write!(
            out,
            "<li><b>{}</b>, installed {} from source {}: {}</li>",
            escape(&stage.stage),
            escape(&stage.installed),
            escape(&stage.git),
            stage
                .files
                .iter()
                .map(|f| format!("<code>{}</code>", escape(f)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out.push_str("</ul>\n");
}

fn environment(out: &mut String, ledger: &Ledger) {
    out.push_str("<h2 id=\"environment\">Environment</h2>\n");
    for run in &ledger.runs {
        let _ = write!(
            out,
            "<h3>{}</h3><p class=\"note\">{} benchmarks; raw results in <a href=\"{}/\">{}/</a>\
             </p>",
            escape(&run.label),
            run.benchmarks,
            super::raw_dir(&run.label),
            super::raw_dir(&run.label)
        );
        stages(out, run);
        let Some(p) = &run.provenance else {
            out.push_str("<p class=\"note\">No provenance recorded for this run.</p>\n");
            continue;
        };
        let rows = [
            ("host", p.host.clone()),
            ("architecture", format!("{} ({})", p.arch, p.os)),
            ("CPU", p.cpu_model.clone()),
            ("CPU features", p.cpu_flags.join(" ")),
            ("cores", p.cores.to_string()),
            ("rustc", p.rustc_release.clone()),
            ("target", p.target.clone()),
            (
                "rustc flags",
                if p.rustflags.is_empty() {
                    "(none)".to_owned()
                } else {
                    p.rustflags.clone()
                },
            ),
            ("source", p.git.clone()),
            ("date", p.date.clone()),
            ("plan", p.plan.clone()),
        ];
        out.push_str("<div class=\"scroll\"><table>");
        for (key, value) in rows {
            let _ = write!(out, "<tr><th>{key}</th><td>{}</td></tr>", escape(&value));
        }
        out.push_str("</table></div>\n");
    }
}
