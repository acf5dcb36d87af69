//! The review as SARIF 2.1.0, for GitHub code scanning: one rule per pattern (and one for sites
//! whose operations are not recognised), one result per site with its location, its level and
//! the evidence in its message. Built with `serde-sarif`'s object model, so what is written is
//! what the schema types allow.

use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, Region,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, SCHEMA_URL, Sarif, Tool,
    ToolComponent,
};

use crate::patterns::TABLE;
use crate::render::evidence_text;
use crate::{PatternRow, Review, Site};

/// The rule of a site none of whose operations the pattern table recognises.
pub const UNRECOGNISED: &str = "unrecognised";

/// The SARIF log of `review`; `prefix` turns the review's file names into paths from the
/// repository's top (empty when the reviewed path is the top).
pub fn log(review: &Review, prefix: &str) -> Sarif {
    let mut rules: Vec<ReportingDescriptor> = review.patterns.iter().map(rule).collect();
    rules.push(
        ReportingDescriptor::builder()
            .id(UNRECOGNISED)
            .name("unsafe site with no recognised operation")
            .short_description(text(
                "An unsafe site whose operations the review does not recognise",
            ))
            .help(text(
                "The review recognises the operations of its pattern table; this site has none of \
                 them (an unsafe impl, an extern block, a call of another unsafe fn, ...). Read it \
                 by hand; its SAFETY comment is what states why it is sound.",
            ))
            .build(),
    );
    let results = review
        .sites
        .iter()
        .map(|site| result(review, site, prefix))
        .collect::<Vec<_>>();
    let driver = ToolComponent::builder()
        .name("unsafe-ledger review")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    Sarif::builder()
        .schema(SCHEMA_URL)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![
            Run::builder()
                .tool(Tool::builder().driver(driver).build())
                .results(results)
                .build(),
        ])
        .build()
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

/// A pattern's rule: how it is recognised, the work it skips, and what the evidence says.
fn rule(row: &PatternRow) -> ReportingDescriptor {
    let entry = TABLE.iter().find(|e| e.pattern == row.pattern);
    let skips = entry.map_or("", |e| e.skips);
    ReportingDescriptor::builder()
        .id(row.pattern.name())
        .name(row.pattern.name())
        .short_description(text(&format!(
            "unsafe {}: skips {skips}",
            row.pattern.name()
        )))
        .help(text(&format!(
            "Recognised by {}. The unsafe form skips {skips}. What the workbench measured for \
             it: {}.",
            row.recognised_by,
            evidence_text(&row.cited)
        )))
        .build()
}

/// One site: a warning without a SAFETY comment, a note with one.
fn result(review: &Review, site: &Site, prefix: &str) -> SarifResult {
    let rule_id = site.operations.first().map_or(UNRECOGNISED, |p| p.name());
    let mut message = format!(
        "{} in `{}`: {}.",
        site.kind.label(),
        if site.item.is_empty() {
            "(top level)"
        } else {
            &site.item
        },
        if site.safety_comment {
            "SAFETY comment present"
        } else {
            "no SAFETY comment"
        }
    );
    for pattern in &site.operations {
        if let Some(row) = review.patterns.iter().find(|r| r.pattern == *pattern) {
            message.push_str(&format!(
                " {}: {}.",
                pattern.name(),
                evidence_text(&row.cited)
            ));
        }
    }
    if let Some(m) = &site.measure {
        message.push_str(&format!(" Measure it: `{}`.", m.command));
    }
    let uri = format!("{prefix}{}", site.file);
    let region = Region::builder()
        .start_line(site.line as i64)
        .end_line(site.end_line.max(site.line) as i64)
        .build();
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri).build())
                .region(region)
                .build(),
        )
        .build();
    SarifResult::builder()
        .rule_id(rule_id)
        .level(if site.safety_comment {
            ResultLevel::Note
        } else {
            ResultLevel::Warning
        })
        .message(Message::builder().text(message).build())
        .locations(vec![location])
        .build()
}

/// Every rule id a log can name: the patterns' and [`UNRECOGNISED`].
pub fn rule_ids() -> Vec<&'static str> {
    let mut ids: Vec<&str> = TABLE.iter().map(|e| e.pattern.name()).collect();
    ids.push(UNRECOGNISED);
    ids
}
