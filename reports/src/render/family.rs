//! A family's page: its variants and invariants, then per host the throughput and speedup
//! plots per input shape and a rebar-style table per input.

use std::fmt::Write;

use super::html::{count, counted, duration, escape, kind_badge, rate, slug, times};
use super::plots::{Series, SpeedupPoint, speedup_svg, throughput_svg};
use super::{SiteFile, raw_dir};
use crate::ReportError;
use crate::analyze::instructions::{ArchCounts, COPY_SENSITIVITY};
use crate::analyze::protocol::Measured;
use crate::analyze::{FamilyReport, FamilyRun, InputResult, SizePoint};
use crate::wire::catalog::VariantKind;
use crate::wire::criterion::Amount;

/// The page of `report`'s family; `soundness_given` says whether the checkers' results were read.
pub fn body(
    report: &FamilyReport,
    soundness_given: bool,
) -> Result<(String, Vec<SiteFile>), ReportError> {
    let family = &report.family;
    let mut out = String::new();
    let mut plots = Vec::new();
    let _ = writeln!(
        out,
        "<h1><code>{}</code>: {}</h1>\n<p>{}</p>\n<p class=\"note\">Outputs compared: {}. \
         Headline input: <code>{}</code>. Reference: <code>{}</code>.</p>",
        escape(&family.name),
        escape(&family.title),
        escape(&family.summary),
        escape(&family.compares),
        escape(&family.headline.name),
        escape(&family.reference)
    );
    variants_table(&mut out, report);
    super::soundness::family_section(&mut out, report, soundness_given);
    if report.instructions.is_empty() {
        out.push_str(
            "<h2>Instructions per call</h2><p class=\"note\">Not counted in these results.</p>\n",
        );
    }
    for arch in &report.instructions {
        instructions_table(&mut out, arch);
    }
    super::codegen::section(&mut out, report);
    if report.runs.is_empty() {
        out.push_str("<p class=\"note\">Not measured on any host in these results.</p>\n");
    }
    for run in &report.runs {
        let _ = writeln!(out, "<h2>On {}</h2>", escape(&run.run));
        if !run.missing.is_empty() {
            let _ = writeln!(
                out,
                "<p class=\"note\">Missing: {}.</p>",
                escape(&run.missing.join("; "))
            );
        }
        if let Some(v) = &run.verdict {
            screening_table(&mut out, &v.measured);
        }
        for shape in shapes(run) {
            shape_section(&mut out, &mut plots, &family.name, run, &shape)?;
        }
    }
    Ok((out, plots))
}

/// Every candidate's time relative to the safe pick in the screening processes: what picked
/// the confirmed pair, descriptive only.
fn screening_table(out: &mut String, m: &Measured) {
    let _ = write!(
        out,
        "<div class=\"scroll\"><table><caption style=\"text-align:left\">Screening at \
         <code>{}</code> ({}): each candidate's time over <code>{}</code>'s, geometric means. \
         Descriptive: it picked the pair <code>{}</code> vs <code>{}</code>, which \
         confirmation then measured in processes of its own</caption><thead><tr>\
         <th>variant</th><th>time / safe pick</th></tr></thead><tbody>",
        escape(&m.input),
        counted(m.screening.processes, "process"),
        escape(&m.safe_variant),
        escape(&m.unsafe_variant),
        escape(&m.safe_variant),
    );
    for (variant, relative) in &m.screening.relative {
        let picked = *variant == m.safe_variant || *variant == m.unsafe_variant;
        let _ = write!(
            out,
            "<tr{}><td><code>{}</code></td><td class=\"num\">{}</td></tr>",
            if picked { " class=\"best\"" } else { "" },
            escape(variant),
            times(*relative)
        );
    }
    out.push_str("</tbody></table></div>\n");
}

fn variants_table(out: &mut String, report: &FamilyReport) {
    out.push_str(
        "<h2>Variants</h2><div class=\"scroll\"><table><thead><tr><th>variant</th><th>kind</th>\
         <th>what it does</th><th>invariants it relies on</th><th>skips</th></tr></thead>\
         <tbody>",
    );
    let family = &report.family;
    for v in family.variants.iter().chain(&family.floor) {
        let invariants: String = v
            .invariants
            .iter()
            .cloned()
            .chain(v.requires.iter().map(|r| format!("checked per input: {r}")))
            .map(|i| format!("<li>{}</li>", escape(&i)))
            .collect();
        let unsafe_code = v.unsafe_code.as_ref().map_or_else(String::new, |code| {
            format!(
                "<p class=\"note\">{} in {} of <code>{}</code></p>",
                counted(code.operations, "unsafe operation"),
                code.items
                    .iter()
                    .map(|i| format!("<code>{}</code>", escape(i)))
                    .collect::<Vec<_>>()
                    .join(", "),
                escape(&code.file)
            )
        });
        let skips = if v.like_for_like {
            "nothing the safe reference does (like-for-like)".to_owned()
        } else {
            v.skips.join("; ")
        };
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{unsafe_code}\
             <ul class=\"invariants\">{invariants}</ul></td><td>{}</td></tr>",
            escape(&v.name),
            kind_badge(v.kind),
            escape(&v.description),
            escape(&skips)
        );
    }
    out.push_str("</tbody></table></div>\n");
    if let Some(why) = &family.no_floor {
        let _ = writeln!(out, "<p class=\"note\">No floor: {}.</p>", escape(why));
    }
}

/// One architecture's counts: a row per variant, a column per counted input.
fn instructions_table(out: &mut String, arch: &ArchCounts) {
    let _ = writeln!(
        out,
        "<h2 id=\"instructions-{}\">Instructions per call on {}{}</h2>",
        slug(&arch.arch),
        escape(&arch.arch),
        if arch.emulated { " (emulated)" } else { "" }
    );
    let mut note = String::from(
        "Instructions one call executes, callees included; exact and repeatable unless marked. \
         A count is not a time: it weighs a vector instruction like a scalar one.",
    );
    if arch.emulated {
        note.push_str(
            " Counted under QEMU user-mode emulation: what the guest executed, never how fast a \
             real core runs it.",
        );
    }
    let _ = write!(
        out,
        "<p class=\"note\">{}</p><ul class=\"note\">",
        escape(&note)
    );
    for source in &arch.sources {
        let _ = write!(out, "<li>{}</li>", escape(source));
    }
    out.push_str("</ul><div class=\"scroll\"><table><thead><tr><th>variant</th><th>kind</th>");
    for input in &arch.inputs {
        let _ = write!(out, "<th><code>{}</code></th>", escape(&input.input));
    }
    out.push_str("</tr></thead><tbody>");
    let mut variants: Vec<(&str, VariantKind)> = Vec::new();
    for row in arch.inputs.iter().flat_map(|i| &i.rows) {
        if !variants.iter().any(|(v, _)| *v == row.variant) {
            variants.push((&row.variant, row.kind));
        }
    }
    let mut flagged = false;
    for (variant, kind) in variants {
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td>",
            escape(variant),
            kind_badge(kind)
        );
        for input in &arch.inputs {
            let Some(row) = input.rows.iter().find(|r| r.variant == variant) else {
                out.push_str("<td class=\"num note\">—</td>");
                continue;
            };
            let fewest = row.to_fewest.is_some_and(|r| r <= 1.0);
            let mut cell = count(row.per_call);
            if let Some(ratio) = row.to_fewest {
                cell.push_str(&format!(" <span class=\"note\">{}</span>", times(ratio)));
            }
            if row.copy_sensitive {
                flagged = true;
                cell.push_str(&format!(
                    " <span class=\"flag\">†</span><br><span class=\"note\">without rep \
                     movsb: {}</span>",
                    row.without_rep_movsb.map_or_else(String::new, count)
                ));
            }
            if !row.repeatable {
                cell.push_str(" <span class=\"note\">(not repeatable)</span>");
            }
            let _ = write!(
                out,
                "<td class=\"num{}\">{cell}</td>",
                if fewest { " best" } else { "" }
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>\n");
    if flagged {
        let _ = writeln!(
            out,
            "<p class=\"note\"><span class=\"flag\">†</span> Copy-sensitive: the count \
             changes by more than {:.0}% when glibc is steered off <code>rep movsb</code> / \
             <code>rep stosb</code>. Callgrind counts every byte such a string instruction \
             moves as one instruction, while the hardware copies tens of bytes per cycle, so \
             the default count overstates the copy's cost; the count without it is shown \
             beneath.</p>",
            100.0 * COPY_SENSITIVITY
        );
    }
}

/// The run's shapes in order of first appearance.
fn shapes(run: &FamilyRun) -> Vec<String> {
    let mut shapes: Vec<String> = Vec::new();
    for input in &run.inputs {
        if !shapes.contains(&input.shape) {
            shapes.push(input.shape.clone());
        }
    }
    shapes
}

fn shape_section(
    out: &mut String,
    plots: &mut Vec<SiteFile>,
    family: &str,
    run: &FamilyRun,
    shape: &str,
) -> Result<(), ReportError> {
    let inputs: Vec<&InputResult> = run.inputs.iter().filter(|i| i.shape == shape).collect();
    let bytes = matches!(inputs[0].amount, Amount::Bytes(_));
    let _ = writeln!(
        out,
        "<h3 id=\"{0}-{1}\">{2}</h3>",
        slug(&run.run),
        slug(shape),
        escape(shape)
    );
    let base = format!("plots/{}-{}-{}", slug(family), slug(&run.run), slug(shape));

    // Throughput: one line per variant across sizes.
    let mut series: Vec<Series> = Vec::new();
    for input in &inputs {
        for row in &input.rows {
            let point = (input.amount.count() as f64, row.per_second);
            match series.iter_mut().find(|s| s.name == row.variant) {
                Some(s) => s.points.push(point),
                None => series.push(Series {
                    name: row.variant.clone(),
                    kind: row.kind,
                    points: vec![point],
                }),
            }
        }
    }
    let title = format!("{family}/{shape} on {}: throughput", run.run);
    let svg = throughput_svg(&title, &series, bytes).map_err(|message| ReportError::Plot {
        plot: title.clone(),
        message,
    })?;
    let path = format!("{base}-throughput.svg");
    let _ = writeln!(
        out,
        "<figure><img src=\"{path}\" alt=\"throughput of every variant of {} against input \
         size\" loading=\"lazy\"></figure>",
        escape(&format!("{family}/{shape}"))
    );
    plots.push(SiteFile {
        path,
        bytes: svg.into_bytes(),
    });

    // Speedup of unsafe over safe against size, where there are at least two sizes: from the
    // verdict protocol (intervals over processes) where it measured this shape's sizes,
    // otherwise criterion's descriptive ratios (one process).
    let protocol_sizes: Vec<&SizePoint> = run
        .sizes
        .iter()
        .filter(|p| p.measured.input.split('/').next() == Some(shape))
        .collect();
    let from_protocol = protocol_sizes.len() >= 2;
    let mut lines: Vec<(String, Vec<SpeedupPoint>)> = Vec::new();
    if from_protocol {
        let points = protocol_sizes
            .iter()
            .map(|p| {
                let s = &p.measured.speedup;
                (p.count as f64, s.point, s.lower, s.upper)
            })
            .collect();
        lines.push((
            "the confirmed pair (protocol screening, exploratory 95% over processes)".to_owned(),
            points,
        ));
    } else {
        let mut push = |legend: &str, x: f64, c: &crate::analyze::Comparison| {
            let point = (x, c.speedup.point, c.speedup.lower, c.speedup.upper);
            match lines.iter_mut().find(|(l, _)| l == legend) {
                Some((_, points)) => points.push(point),
                None => lines.push((legend.to_owned(), vec![point])),
            }
        };
        for input in &inputs {
            let x = input.amount.count() as f64;
            if let Some(c) = &input.speedup {
                push(
                    "fastest unsafe / fastest safe (criterion, one process)",
                    x,
                    c,
                );
            }
            if let Some(c) = &input.like_for_like {
                push("like-for-like unsafe / fastest safe (criterion)", x, c);
            }
        }
    }
    if lines.iter().any(|(_, points)| points.len() >= 2) {
        let title = format!("{family}/{shape} on {}: speedup of unsafe", run.run);
        let svg = speedup_svg(&title, &lines, bytes).map_err(|message| ReportError::Plot {
            plot: title.clone(),
            message,
        })?;
        let path = format!("{base}-speedup.svg");
        let _ = writeln!(
            out,
            "<figure><img src=\"{path}\" alt=\"speedup of unsafe over safe against input size \
             with its 95% interval\" loading=\"lazy\"></figure>"
        );
        plots.push(SiteFile {
            path,
            bytes: svg.into_bytes(),
        });
    }
    if from_protocol {
        size_table(out, &protocol_sizes);
    }
    for input in inputs {
        input_table(out, &run.run, input, bytes);
    }
    Ok(())
}

/// The confirmed pair's screening ratio at each size, under the band: exploratory, no call.
fn size_table(out: &mut String, sizes: &[&SizePoint]) {
    out.push_str(
        "<div class=\"scroll\"><table><caption style=\"text-align:left\">The headline's pair \
         at each size, from the screening processes: exploratory (95% over processes at each \
         size, not corrected for the number of sizes; no call is made from it)</caption><thead>\
         <tr><th>input</th><th>speedup [95%]</th><th>single processes</th>\
         <th>pair (unsafe vs safe)</th></tr></thead><tbody>",
    );
    for p in sizes {
        let m = &p.measured;
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td class=\"num\">{} [{}, {}]</td><td class=\"num\">\
             {}–{}</td><td><code>{}</code> vs <code>{}</code></td></tr>",
            escape(&m.input),
            times(m.speedup.point),
            times(m.speedup.lower),
            times(m.speedup.upper),
            times(m.speedup.lowest),
            times(m.speedup.highest),
            escape(&m.unsafe_variant),
            escape(&m.safe_variant),
        );
    }
    out.push_str("</tbody></table></div>\n");
}

fn input_table(out: &mut String, run: &str, input: &InputResult, bytes: bool) {
    let _ = write!(
        out,
        "<div class=\"scroll\"><table><caption style=\"text-align:left\"><code>{}</code>",
        escape(&input.name)
    );
    if let Some(c) = &input.speedup {
        let _ = write!(
            out,
            " — <code>{}</code> over <code>{}</code>: {} [{}, {}] <span class=\"note\">({}: \
             descriptive; the verdict is the protocol's confirmation)</span>",
            escape(&c.unsafe_variant),
            escape(&c.safe_variant),
            times(c.speedup.point),
            times(c.speedup.lower),
            times(c.speedup.upper),
            if input.rows.iter().any(|r| r.from_rounds) {
                "medians of the screening batches, pooled over its processes (the floor's: its \
                 fastest process's)"
            } else {
                "criterion medians, one process"
            }
        );
    }
    out.push_str(
        "</caption><thead><tr><th>variant</th><th>kind</th><th>median</th><th>throughput</th>\
         <th>to best</th><th>to floor</th><th>samples</th><th>details</th></tr></thead><tbody>",
    );
    for row in &input.rows {
        let best = row.to_best.is_some_and(|r| r <= 1.0);
        let mut details = Vec::new();
        if let Some(report) = &row.criterion_report {
            details.push(format!(
                "<a href=\"{}/{}\">criterion</a>",
                raw_dir(run),
                escape(report)
            ));
        }
        if let Some(flame) = &row.flamegraph {
            details.push(format!(
                "<a href=\"{}/{}\">flamegraph</a>",
                raw_dir(run),
                escape(flame)
            ));
        }
        let _ = write!(
            out,
            "<tr{}><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td></tr>",
            if best { " class=\"best\"" } else { "" },
            escape(&row.variant),
            kind_badge(row.kind),
            duration(row.median_ns),
            rate(row.per_second, bytes),
            row.to_best.map_or_else(|| "—".to_owned(), times),
            row.to_floor.map_or_else(|| "—".to_owned(), times),
            row.samples,
            details.join(" · ")
        );
    }
    out.push_str("</tbody></table></div>\n");
}
