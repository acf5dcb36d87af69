//! `soundness.html` and the soundness cells of the other pages: what each checker found on each
//! unsafe variant, the whole-suite runs, and the hazard gallery (each classic mistake, which
//! checker caught it, and how safe Rust refuses it).

use std::fmt::Write;

use super::html::{count, escape, family_page};
use crate::analyze::soundness::{Status, VariantSoundness};
use crate::analyze::{FamilyReport, Ledger};
use crate::wire::soundness::{FuzzRun, HazardRecord, Outcome};

/// The page's file name.
pub const PAGE: &str = "soundness.html";

/// A verdict's soundness cell: one line a reviewer can act on, the details on hover.
pub fn status_cell(status: &Status) -> String {
    match status {
        Status::Finding { findings } => format!(
            "<span class=\"finding\">FINDING</span><ul class=\"invariants\">{}</ul>",
            findings
                .iter()
                .map(|f| format!("<li>{}</li>", escape(f)))
                .collect::<String>()
        ),
        Status::Clean { checkers, not_run } => {
            let mut cell = format!(
                "<span class=\"clean\">clean</span> under {}",
                checkers
                    .iter()
                    .map(|c| escape(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if !not_run.is_empty() {
                let _ = write!(
                    cell,
                    "<br><span class=\"note\">not run: {}</span>",
                    escape(&not_run.join("; "))
                );
            }
            cell
        }
        Status::NotChecked { why } => {
            format!("<span class=\"note\">not checked: {}</span>", escape(why))
        }
    }
}

fn outcome_cell(outcome: &Outcome, detail: Option<&str>, inputs: Option<usize>) -> String {
    match outcome {
        Outcome::Clean => format!(
            "<td class=\"clean\">clean{}</td>",
            inputs.map_or_else(String::new, |n| format!(
                " <span class=\"note\">({n} inputs)</span>"
            ))
        ),
        Outcome::Finding => format!(
            "<td><span class=\"finding\">finding</span> <span class=\"note\">{}</span></td>",
            escape(detail.unwrap_or(""))
        ),
        Outcome::NotRun => format!(
            "<td class=\"note\">not run{}</td>",
            detail.map_or_else(String::new, |d| format!(": {}", escape(d)))
        ),
    }
}

/// A family page's section: its unsafe variants under each checker.
pub fn family_section(out: &mut String, report: &FamilyReport, ledger_has_results: bool) {
    out.push_str("<h2 id=\"soundness\">Soundness</h2>\n");
    if !ledger_has_results {
        out.push_str(
            "<p class=\"note\">No soundness results were given to this report; \
             <code>scripts/soundness.sh</code> writes them.</p>\n",
        );
        return;
    }
    let checkers = checker_names(&report.soundness);
    let _ = write!(
        out,
        "<p class=\"note\">Each unsafe variant run alone under each checker on the family's \
         inputs (see <a href=\"{PAGE}\">soundness</a> for the checkers' settings and the hazard \
         gallery).</p><div class=\"scroll\"><table><thead><tr><th>variant</th>"
    );
    for c in &checkers {
        let _ = write!(out, "<th>{}</th>", escape(c));
    }
    out.push_str("</tr></thead><tbody>");
    for v in &report.soundness {
        let _ = write!(out, "<tr><td><code>{}</code></td>", escape(&v.variant));
        for c in &checkers {
            match v.checks.iter().find(|check| &check.checker == c) {
                Some(check) => out.push_str(&outcome_cell(
                    &check.outcome,
                    check.finding.as_deref().or(check.note.as_deref()),
                    check.inputs,
                )),
                None => out.push_str("<td class=\"note\">no record</td>"),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>\n");
}

/// Checker names in the order first seen.
fn checker_names(variants: &[VariantSoundness]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for check in variants.iter().flat_map(|v| &v.checks) {
        if !names.contains(&check.checker) {
            names.push(check.checker.clone());
        }
    }
    names
}

/// `soundness.html`.
pub fn body(ledger: &Ledger) -> String {
    let mut out = String::from("<h1>Soundness evidence</h1>\n");
    let Some(run) = &ledger.soundness else {
        out.push_str(
            "<p>No soundness results were given to this report. <code>scripts/soundness.sh</code> \
             runs every unsafe variant under Miri (Stacked and Tree Borrows) and \
             AddressSanitizer, and the hazard gallery under every checker; <code>ledger report \
             --soundness FILE</code> reads its output.</p>\n",
        );
        return out;
    };
    let _ = writeln!(
        out,
        "<p class=\"note\">Checked on {} with <code>{}</code>; raw results in \
         <a href=\"{raw}\">{raw}</a>.</p>",
        escape(&run.date),
        escape(&run.toolchain),
        raw = super::RAW_SOUNDNESS
    );

    out.push_str(
        "<h2>Unsafe variants</h2><div class=\"scroll\"><table><thead><tr><th>family</th>\
                  <th>variant</th><th>status</th></tr></thead><tbody>",
    );
    for report in &ledger.families {
        for v in &report.soundness {
            let _ = write!(
                out,
                "<tr><td><a href=\"{}#soundness\">{}</a></td><td><code>{}</code></td><td>{}</td>\
                 </tr>",
                family_page(&report.family.name),
                escape(&report.family.name),
                escape(&v.variant),
                status_cell(&v.status)
            );
        }
    }
    out.push_str("</tbody></table></div>\n");

    if !run.suites.is_empty() {
        out.push_str(
            "<h2>Whole test suites</h2><div class=\"scroll\"><table><thead><tr>\
                      <th>suite</th><th>checker</th><th>outcome</th><th>tests passed</th></tr>\
                      </thead><tbody>",
        );
        for s in &run.suites {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td>{}<td class=\"num\">{}</td></tr>",
                escape(&s.suite),
                escape(&s.checker),
                outcome_cell(&s.outcome, s.finding.as_deref(), None),
                s.passed
            );
        }
        out.push_str("</tbody></table></div>\n");
    }

    fuzzing(&mut out, &run.fuzz);
    hazard_gallery(&mut out, &run.hazards);

    out.push_str(
        "<h2>Checkers</h2><div class=\"scroll\"><table><thead><tr><th>checker</th>\
                  <th>settings</th></tr></thead><tbody>",
    );
    for c in &run.checkers {
        let _ = write!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td></tr>",
            escape(&c.name),
            escape(&c.settings)
        );
    }
    out.push_str("</tbody></table></div>\n");
    out
}

fn fuzzing(out: &mut String, runs: &[FuzzRun]) {
    out.push_str("<h2 id=\"fuzzing\">Differential fuzzing</h2>\n");
    if runs.is_empty() {
        out.push_str("<p class=\"note\">No fuzzing was run for these results.</p>\n");
        return;
    }
    out.push_str(
        "<p class=\"note\">libFuzzer feeds the same arbitrary input to every variant of each \
         family (an unsafe variant only once its preconditions were checked by safe code) and \
         requires the safe reference's answer, under AddressSanitizer \
         (<code>kernels/fuzz</code>).</p><div class=\"scroll\"><table><thead><tr>\
         <th>target</th><th>families</th><th>seconds</th><th>executions</th><th>outcome</th>\
         </tr></thead><tbody>",
    );
    for r in runs {
        let detail = [r.finding.as_deref(), r.artifact.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; input saved as ");
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td>{}</tr>",
            escape(&r.target),
            escape(&r.families.join(", ")),
            r.seconds,
            count(r.executions as f64),
            outcome_cell(
                &r.outcome,
                (!detail.is_empty()).then_some(detail.as_str()),
                None
            )
        );
    }
    out.push_str("</tbody></table></div>\n");
}

fn hazard_gallery(out: &mut String, hazards: &[HazardRecord]) {
    out.push_str("<h2 id=\"hazards\">Hazard gallery</h2>\n");
    if hazards.is_empty() {
        out.push_str("<p class=\"note\">The hazard gallery was not run for these results.</p>\n");
        return;
    }
    out.push_str(
        "<p class=\"note\">Each classic mistake of unsafe zero-copy code, reproduced in \
         <code>kernels/hazards</code> and run alone under each checker: whether the checker \
         stopped it and its first line, what catches it where the checkers are blind, and how \
         safe Rust refuses the same mistake.</p>\n",
    );
    for h in hazards {
        let _ = write!(
            out,
            "<h3 id=\"{id}\"><code>{id}</code> {title}</h3><p class=\"note\">threatens \
             <a href=\"{page}\">{family}</a></p><div class=\"scroll\"><table><thead><tr>\
             <th>checker</th><th>caught</th><th>first line</th></tr></thead><tbody>",
            id = escape(&h.id),
            title = escape(&h.title),
            page = family_page(&h.family),
            family = escape(&h.family),
        );
        for c in &h.checks {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                escape(&c.checker),
                if c.caught {
                    "<span class=\"clean\">caught</span>"
                } else {
                    "<span class=\"missed\">missed</span>"
                },
                escape(&c.detail)
            );
        }
        let _ = write!(
            out,
            "</tbody></table></div><p><b>Where the checkers are blind:</b> {}</p>\
             <p><b>Safe Rust:</b> {} ({}): <code>{}</code></p>",
            escape(&h.otherwise),
            if h.safe.refused {
                "refuses it"
            } else {
                "<span class=\"finding\">did not refuse it</span>"
            },
            escape(&h.safe.how),
            escape(&h.safe.detail)
        );
    }
}
