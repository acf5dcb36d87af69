//! A family page's machine-code section: per architecture, a row per variant with its hot
//! loop's figures, and each loop's instructions folded beneath.

use std::fmt::Write;

use super::html::{count, counted, escape, kind_badge, slug};
use crate::analyze::FamilyReport;
use crate::analyze::codegen::{ArchCode, CodeRow, Pick};

/// The section, or a note that no disassembly was recorded.
pub fn section(out: &mut String, report: &FamilyReport) {
    if report.codegen.is_empty() {
        out.push_str(
            "<h2>Machine code</h2><p class=\"note\">Not disassembled in these results \
             (<code>scripts/bench.sh</code> records x86_64, <code>scripts/aarch64.sh</code> \
             aarch64).</p>\n",
        );
        return;
    }
    for arch in &report.codegen {
        arch_section(out, arch);
    }
}

fn arch_section(out: &mut String, arch: &ArchCode) {
    let by_counts = arch.rows.iter().any(|r| r.picked_by == Pick::Executions);
    let by_shape = arch
        .rows
        .iter()
        .any(|r| r.picked_by == Pick::Shape && r.missing.is_none());
    let rule = match (by_counts, by_shape) {
        (true, false) => "The hot loop is the loop (a branch back within one function) that \
                          executes the most instructions in one call at the headline input, \
                          those of loops nested in it not counted: each instruction's executions \
                          were counted under callgrind, and the listing shows them (×N per call)."
            .to_owned(),
        (false, _) => "No execution counts were recorded for this code, so the hot loop is \
                       picked by shape: the largest innermost loop (a branch back within one \
                       function; LLVM puts a vectorised or unrolled main loop beside a smaller \
                       remainder loop). It can be the wrong loop."
            .to_owned(),
        (true, true) => "The hot loop is the loop that executes the most instructions in one \
                         call where each instruction's executions were counted (callgrind), and \
                         the largest innermost loop, picked by shape, where they were not (marked \
                         in the row)."
            .to_owned(),
    };
    let _ = writeln!(
        out,
        "<h2 id=\"codegen-{}\">Machine code on {}</h2>\n<p class=\"note\">The code each \
         variant's timed call enters, from the binary the verdicts were measured with, and the \
         functions it calls directly. {rule} A bounds check is a conditional branch that leads \
         to one of core's index-failure panics. Vector registers are the widest the loop names \
         (scalar floating point also uses <code>xmm</code>). Source: {}.</p>",
        slug(&arch.arch),
        escape(&arch.arch),
        escape(&arch.source)
    );
    out.push_str(
        "<div class=\"scroll\"><table><thead><tr><th>variant</th><th>kind</th>\
         <th>hot loop: instructions</th><th>its share of the code read</th><th>vector registers</th><th>bounds checks in the \
         loop</th><th>bounds checks in all</th><th>other panic branches</th><th>calls out</th>\
         </tr></thead><tbody>",
    );
    for row in &arch.rows {
        row_cells(out, row);
    }
    out.push_str("</tbody></table></div>\n");
    for row in &arch.rows {
        let Some(hot) = &row.hot_loop else { continue };
        let mut calls = Vec::new();
        if hot.direct_calls > 0 {
            calls.push(counted(hot.direct_calls, "direct call"));
        }
        if hot.indirect_calls > 0 {
            calls.push(counted(hot.indirect_calls, "indirect call"));
        }
        if hot.indirect_jumps > 0 {
            calls.push(counted(hot.indirect_jumps, "indirect jump"));
        }
        if let Some(executed) = hot.executed {
            calls.push(format!(
                "{} instructions executed per call",
                count(executed)
            ));
        }
        let _ = writeln!(
            out,
            "<details><summary><code>{}</code>: {} in <code>{}</code>{}</summary>\
             <pre><code>{}</code></pre></details>",
            escape(&row.variant),
            counted(hot.instructions, "instruction"),
            escape(&hot.symbol),
            if calls.is_empty() {
                String::new()
            } else {
                format!(", {}", calls.join(", "))
            },
            escape(&hot.asm.join("\n"))
        );
    }
}

fn row_cells(out: &mut String, row: &CodeRow) {
    let _ = write!(
        out,
        "<tr><td><code>{}</code></td><td>{}</td>",
        escape(&row.variant),
        kind_badge(row.kind)
    );
    if let Some(why) = &row.missing {
        let _ = write!(
            out,
            "<td colspan=\"7\" class=\"note\">not found: {}</td></tr>",
            escape(why)
        );
        return;
    }
    match &row.hot_loop {
        Some(hot) => {
            let share = match (hot.executed, row.executed) {
                (Some(own), Some(all)) if all > 0.0 => format!("{:.0}%", 100.0 * own / all),
                _ => "— (picked by shape)".to_owned(),
            };
            let _ = write!(
                out,
                "<td class=\"num\">{}</td><td class=\"num\">{share}</td><td>{}</td>\
                 <td class=\"num\">{}</td>",
                hot.instructions,
                escape(hot.vector.label()),
                hot.bounds_checks
            );
        }
        None if row.entry_ran == Some(false) => {
            let _ = write!(
                out,
                "<td colspan=\"4\" class=\"note\">this copy of <code>{}</code> did not run \
                 in a counted call: the call runs the same code inlined elsewhere, so what is \
                 read here may differ from what runs</td>",
                escape(row.entry.as_deref().unwrap_or("the entry point"))
            );
        }
        None if row.picked_by == Pick::Executions && row.loops > 0 => {
            let _ = write!(
                out,
                "<td colspan=\"4\" class=\"note\">none of the {} in the {} read runs in a \
                 call (its work is in what it calls out)</td>",
                counted(row.loops, "loop"),
                counted(row.functions, "function")
            );
        }
        None => {
            let _ = write!(
                out,
                "<td colspan=\"4\" class=\"note\">no loop in the {} read (what it calls \
                 beyond them is named under calls out)</td>",
                counted(row.functions, "function")
            );
        }
    }
    let _ = write!(
        out,
        "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
        row.bounds_checks, row.other_panics
    );
    let calls = if row.calls_out.is_empty() {
        "—".to_owned()
    } else {
        row.calls_out
            .iter()
            .map(|c| format!("<code>{}</code>", escape(c)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = write!(out, "<td>{calls}</td></tr>");
}
