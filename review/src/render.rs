//! The review for people: a terminal table, and a `review.html` page in the site's style.
//! (`--json` is the [`Review`] serialised as it is.)

use std::fmt::Write as _;

use reports::render::html::{escape, page};

use crate::evidence::{Cited, FamilyVerdict};
use crate::measure::{Measure, Why};
use crate::{Review, Site, SiteKind};

/// A verdict as one line: `pays 1.53x [1.46, 1.61]`, with a mark when the run was unreliable.
pub(crate) fn verdict_text(v: &FamilyVerdict) -> String {
    format!(
        "{} {:.2}x [{:.2}, {:.2}]{}",
        v.call.replace('-', " "),
        v.speedup,
        v.lower,
        v.upper,
        if v.unreliable {
            " (unreliable run)"
        } else {
            ""
        }
    )
}

/// What the evidence says, family by family, or why it says nothing.
pub(crate) fn evidence_text(cited: &Cited) -> String {
    if cited.measured_by.is_empty() {
        return "not measured here".to_owned();
    }
    cited
        .measured_by
        .iter()
        .map(|m| match &m.verdict {
            Some(v) => format!("{}: {}", m.family, verdict_text(v)),
            None => format!("{}: not measured here", m.family),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The best safe variant each family's verdict set against the unsafe one, or `-`.
fn best_safe_text(cited: &Cited, code: fn(&str) -> String) -> String {
    let named: Vec<String> = cited
        .measured_by
        .iter()
        .filter_map(|m| {
            let v = m.verdict.as_ref()?;
            Some(if cited.measured_by.len() > 1 {
                format!("{}: {}", m.family, code(&v.safe_variant))
            } else {
                code(&v.safe_variant)
            })
        })
        .collect();
    if named.is_empty() {
        "-".to_owned()
    } else {
        named.join("; ")
    }
}

fn caught_text(cited: &Cited) -> String {
    if cited.caught_by.is_empty() {
        return if cited.missing.iter().any(|m| m.starts_with("checker")) {
            "no checker outcomes in the evidence".to_owned()
        } else {
            "-".to_owned()
        };
    }
    cited
        .caught_by
        .iter()
        .map(|h| {
            let by = if h.checkers.is_empty() {
                "no checker".to_owned()
            } else {
                h.checkers.join(", ")
            };
            format!("{}: {by}", h.hazard)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// How many functions' commands the terminal lists.
const SHOWN_MEASURES: usize = 12;

/// Why a function is worth measuring, in words.
fn why_text(m: &Measure) -> String {
    match m.why {
        Why::SafeTwin => format!("safe twin `{}`", m.safe),
        Why::NotMeasured => format!(
            "no verdict covers it: write its safe form as `{}` first",
            m.safe
        ),
    }
}

/// The summary line.
pub fn summary_line(review: &Review) -> String {
    let s = &review.summary;
    let by_pattern: Vec<String> = s
        .patterns
        .iter()
        .map(|(p, n)| format!("{} {n}", p.name()))
        .collect();
    format!(
        "{} sites ({} blocks, {} fns, {} impls, {} traits, {} extern blocks); {} with a SAFETY \
         comment; {} inside macros; {} behind #[cfg]; by pattern: {}; {} unrecognised; {} with \
         evidence",
        s.sites,
        s.kinds.unsafe_blocks,
        s.kinds.unsafe_fns,
        s.kinds.unsafe_impls,
        s.kinds.unsafe_traits,
        s.kinds.unsafe_extern_blocks,
        s.with_safety_comment,
        s.in_macros,
        s.behind_cfg,
        if by_pattern.is_empty() {
            "none".to_owned()
        } else {
            by_pattern.join(", ")
        },
        s.unrecognised,
        s.with_evidence,
    )
}

/// Whether the syntax-tree count agrees with the token count, and the line that says so.
/// Only a whole-file review can be compared (with `--diff`, the sites are a subset).
pub fn agreement_line(review: &Review) -> Option<(bool, String)> {
    if review.diff.is_some() {
        return None;
    }
    let (tree, tokens) = (&review.summary.kinds, &review.independent_count);
    let pairs = SiteKind::ALL.map(|kind| (kind.label(), tree.of(kind), tokens.of(kind)));
    let agrees = pairs.iter().all(|(_, a, b)| a == b);
    let text = if agrees {
        "the independent token count agrees".to_owned()
    } else {
        let differ: Vec<String> = pairs
            .iter()
            .filter(|(_, a, b)| a != b)
            .map(|(name, a, b)| format!("{name}: {a} in the tree, {b} in the tokens"))
            .collect();
        format!(
            "the independent token count DISAGREES ({})",
            differ.join("; ")
        )
    };
    Some((agrees, text))
}

fn site_operations(site: &Site) -> String {
    if site.operations.is_empty() {
        "(none recognised)".to_owned()
    } else {
        site.operations
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn site_notes(site: &Site) -> String {
    let mut notes = Vec::new();
    if let Some(m) = &site.in_macro {
        notes.push(format!("in {m}"));
    }
    if !site.cfg.is_empty() {
        notes.push(format!("#[{}]", site.cfg.join(", ")));
    }
    notes.join("; ")
}

/// The terminal table: every site, then every pattern found with its evidence, then the
/// summary and the problems.
pub fn terminal(review: &Review) -> String {
    let mut out = String::new();
    let rows: Vec<[String; 6]> = review
        .sites
        .iter()
        .map(|s| {
            [
                format!("{}:{}", s.file, s.line),
                s.kind.label().to_owned(),
                if s.item.is_empty() {
                    "(top level)".to_owned()
                } else {
                    s.item.clone()
                },
                if s.safety_comment { "yes" } else { "NO" }.to_owned(),
                site_operations(s),
                site_notes(s),
            ]
        })
        .collect();
    table(
        &mut out,
        ["site", "kind", "item", "SAFETY", "operations", "notes"],
        &rows,
    );
    let found: Vec<[String; 6]> = review
        .patterns
        .iter()
        .filter(|p| p.sites > 0)
        .map(|p| {
            [
                p.pattern.name().to_owned(),
                p.sites.to_string(),
                evidence_text(&p.cited),
                best_safe_text(&p.cited, str::to_owned),
                p.cited.skips.clone(),
                caught_text(&p.cited),
            ]
        })
        .collect();
    if !found.is_empty() {
        out.push('\n');
        table(
            &mut out,
            [
                "pattern",
                "sites",
                "evidence",
                "best safe",
                "the unsafe skips",
                "misuse caught by",
            ],
            &found,
        );
    }
    let measures = crate::measure::by_function(&review.sites);
    if !measures.is_empty() {
        let _ = writeln!(
            out,
            "\nTo measure a function's unsafe on its own (the command writes a bench target \
             comparing it with its safe form; `ledger pair` runs it):"
        );
        for (locations, m) in measures.iter().take(SHOWN_MEASURES) {
            let _ = writeln!(
                out,
                "  {} ({})\n    {}",
                locations.join(", "),
                why_text(m),
                m.command
            );
        }
        if measures.len() > SHOWN_MEASURES {
            let _ = writeln!(
                out,
                "  and {} more functions (--json gives every site's command)",
                measures.len() - SHOWN_MEASURES
            );
        }
    }
    let _ = writeln!(out, "\n{}", summary_line(review));
    if let Some((_, line)) = agreement_line(review) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "{} files, {} lines reviewed in {:.2} s{}{}",
        review.files,
        review.lines,
        review.seconds,
        review
            .diff
            .as_ref()
            .map_or_else(String::new, |rev| format!(" (changes against {rev})")),
        review.evidence.as_ref().map_or_else(
            || "; no evidence file".to_owned(),
            |e| format!("; evidence: {}", e.display())
        )
    );
    for p in &review.problems {
        let _ = writeln!(
            out,
            "problem: {}{}: {}",
            p.file,
            p.line.map_or_else(String::new, |l| format!(":{l}")),
            p.message
        );
    }
    out
}

/// Columns padded to their widest cell; the last column is not padded.
fn table<const N: usize>(out: &mut String, header: [&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |out: &mut String, cells: &[&str]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<w$}  ", w = widths[i]);
            }
        }
        let _ = writeln!(out, "{}", text.trim_end());
    };
    line(out, &header);
    for row in rows {
        line(out, &row.each_ref().map(String::as_str));
    }
}

/// `review.html`: the same tables as a page of the site.
pub fn html(review: &Review) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>Unsafe review of <code>{}</code></h1><p>{}</p>",
        escape(&review.root.display().to_string()),
        escape(&summary_line(review))
    );
    if let Some((agrees, line)) = agreement_line(review) {
        let class = if agrees { "ok" } else { "finding" };
        let _ = write!(body, "<p class=\"{class}\">{}</p>", escape(&line));
    }
    let _ = write!(
        body,
        "<p class=\"note\">{} files, {} lines in {:.2} s{}; evidence: {}.</p>",
        review.files,
        review.lines,
        review.seconds,
        review.diff.as_ref().map_or_else(String::new, |rev| format!(
            "; only what the working tree adds or changes against <code>{}</code>",
            escape(rev)
        )),
        review.evidence.as_ref().map_or_else(
            || "none".to_owned(),
            |e| format!("<code>{}</code>", escape(&e.display().to_string()))
        )
    );
    body.push_str("<h2>Patterns</h2><div class=\"scroll\"><table><tr><th>pattern</th><th>sites</th><th>evidence</th><th>best safe</th><th>the unsafe skips</th><th>misuse caught by</th></tr>");
    for p in review.patterns.iter().filter(|p| p.sites > 0) {
        let _ = write!(
            body,
            "<tr><td><code>{}</code><div class=\"note\">{}</div></td><td class=\"num\">{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            p.pattern.name(),
            escape(p.recognised_by),
            p.sites,
            escape(&evidence_text(&p.cited)),
            best_safe_text(&p.cited, |name| format!("<code>{}</code>", escape(name))),
            escape(&p.cited.skips),
            escape(&caught_text(&p.cited)),
        );
    }
    body.push_str("</table></div><h2>Sites</h2><div class=\"scroll\"><table><tr><th>site</th><th>kind</th><th>item</th><th>SAFETY</th><th>operations</th><th>notes</th></tr>");
    for s in &review.sites {
        let _ = write!(
            body,
            "<tr><td><code>{}:{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td>\
             <td>{}</td><td>{}</td></tr>",
            escape(&s.file),
            s.line,
            s.kind.label(),
            escape(&s.item),
            if s.safety_comment {
                "<span class=\"clean\">yes</span>"
            } else {
                "<span class=\"finding\">no</span>"
            },
            escape(&site_operations(s)),
            escape(&site_notes(s)),
        );
    }
    body.push_str("</table></div>");
    let measures = crate::measure::by_function(&review.sites);
    if !measures.is_empty() {
        body.push_str(
            "<h2>To measure</h2><p>Each command writes a bench target comparing the function \
             with its safe form; <code>ledger pair</code> then gives its verdict.</p><ul>",
        );
        for (locations, m) in &measures {
            let _ = write!(
                body,
                "<li><code>{}</code> ({})<pre>{}</pre></li>",
                escape(&locations.join(", ")),
                escape(&why_text(m)),
                escape(&m.command)
            );
        }
        body.push_str("</ul>");
    }
    if !review.problems.is_empty() {
        body.push_str("<h2>Problems</h2><ul class=\"problems\">");
        for p in &review.problems {
            let _ = write!(
                body,
                "<li><code>{}{}</code>: {}</li>",
                escape(&p.file),
                p.line.map_or_else(String::new, |l| format!(":{l}")),
                escape(&p.message)
            );
        }
        body.push_str("</ul>");
    }
    let families: Vec<String> = review
        .patterns
        .iter()
        .flat_map(|p| &p.cited.measured_by)
        .filter(|m| m.verdict.is_some())
        .map(|m| m.family.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    page("unsafe review", &families, &body)
}
