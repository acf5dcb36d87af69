//! The review as a pull-request comment (GitHub-flavoured Markdown): what the diff adds or
//! changes, whether each site says why it is sound, what the workbench measured for its
//! pattern, and the command that would measure the function itself.

use std::fmt::Write as _;

use crate::{Review, Site};

/// A hidden marker at the top of the comment, so that a workflow finds its own comment to
/// update instead of posting a new one on every push.
pub const MARKER: &str = "<!-- unsafe-ledger review -->";

/// The comment.
pub fn comment(review: &Review) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{MARKER}");
    let scope = review.diff.as_ref().map_or_else(
        || "every unsafe site".to_owned(),
        |rev| format!("the unsafe this change adds or touches (against `{rev}`)"),
    );
    let _ = writeln!(out, "### unsafe-ledger review: {scope}\n");
    if review.sites.is_empty() {
        let _ = writeln!(
            out,
            "No unsafe site in the {} file(s) reviewed.",
            review.files
        );
        return out;
    }
    let s = &review.summary;
    let _ = writeln!(
        out,
        "**{} site(s)**, {} with a SAFETY comment, {} with measured evidence for a pattern.\n",
        s.sites, s.with_safety_comment, s.with_evidence
    );
    let _ = writeln!(
        out,
        "| site | kind | item | SAFETY | operations | evidence |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for site in &review.sites {
        let _ = writeln!(
            out,
            "| `{}:{}` | {} | `{}` | {} | {} | {} |",
            site.file,
            site.line,
            cell(site.kind.label()),
            cell(if site.item.is_empty() {
                "(top level)"
            } else {
                &site.item
            }),
            if site.safety_comment { "yes" } else { "**no**" },
            operations(site),
            cell(&evidence(review, site)),
        );
    }
    let measures = crate::measure::by_function(&review.sites);
    if !measures.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>Measure these functions' unsafe on their own ({})</summary>\n",
            measures.len()
        );
        for (locations, m) in &measures {
            let _ = writeln!(
                out,
                "- `{}` ({}):\n  ```sh\n  {}\n  ```",
                locations.join("`, `"),
                match m.why {
                    crate::measure::Why::SafeTwin => format!("safe twin `{}`", m.safe),
                    crate::measure::Why::NotMeasured =>
                        format!("no verdict covers it; write `{}` first", m.safe),
                },
                m.command
            );
        }
        let _ = writeln!(out, "\n</details>");
    }
    let evidence = review.evidence.as_ref().map_or_else(
        || "no evidence file".to_owned(),
        |e| format!("evidence: `{}`", e.display()),
    );
    let _ = writeln!(
        out,
        "\n<sub>{} file(s), {} lines reviewed; {evidence}.</sub>",
        review.files, review.lines
    );
    out
}

fn operations(site: &Site) -> String {
    if site.operations.is_empty() {
        "(none recognised)".to_owned()
    } else {
        site.operations
            .iter()
            .map(|p| format!("`{}`", p.name()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What the evidence says for each of the site's operations.
fn evidence(review: &Review, site: &Site) -> String {
    let said: Vec<String> = site
        .operations
        .iter()
        .filter_map(|p| review.patterns.iter().find(|r| r.pattern == *p))
        .map(|row| {
            let verdicts: Vec<String> = row
                .cited
                .measured_by
                .iter()
                .filter_map(|m| {
                    let v = m.verdict.as_ref()?;
                    Some(format!("{} {}", m.family, crate::render::verdict_text(v)))
                })
                .collect();
            if verdicts.is_empty() {
                format!("{}: not measured here", row.pattern.name())
            } else {
                verdicts.join("; ")
            }
        })
        .collect();
    if said.is_empty() {
        "-".to_owned()
    } else {
        said.join("; ")
    }
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
