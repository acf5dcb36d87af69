//! Codegen evidence in the ledger: for each variant on each architecture, the hot loop of the
//! code its timed call enters, and three figures a reviewer reads at a glance: the loop's
//! instructions, the widest vector registers it names, and the bounds checks it keeps.
//!
//! The reading is a heuristic over the disassembly, and the page states it:
//! - a loop is a branch back to an earlier instruction of the same function;
//! - the hot loop is the loop that executes the most instructions per call, not counting those
//!   of loops nested in it, where the collection counted each instruction's executions
//!   (`ledger codegen --executions`, callgrind); where it did not, the largest innermost loop of
//!   the entry point and the functions it calls directly (LLVM lays a vectorised or unrolled
//!   main loop beside a smaller remainder loop), and the row says it was picked by shape;
//! - a bounds check is a conditional branch that leads, within a few instructions, to a call of
//!   one of core's index-failure panics (`panic_bounds_check`, the `slice_*_fail` family).
//!
//! Instruction counts say how much a call executes; this says why.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::ingest::Run;
use crate::wire::catalog::{FamilyEntry, VariantKind};
use crate::wire::codegen::{CodegenEntry, FunctionCode};
use crate::wire::flow::{Flow, Isa, flows_of, is_padding, split};

/// Instructions followed from a branch target when looking for the panic it leads to.
const PANIC_REACH: usize = 12;

/// Instructions of a hot loop shown on the page; longer loops are cut with a note.
const SHOWN_LINES: usize = 160;

/// One disassembly's reading: an architecture of one run.
#[derive(Clone, Debug, Serialize)]
pub struct ArchCode {
    /// The disassembled architecture, e.g. `x86_64`.
    pub arch: String,
    /// Where it comes from: file, run and disassembler.
    pub source: String,
    /// One row per variant in the file, in registry order.
    pub rows: Vec<CodeRow>,
}

/// One variant's code on one architecture.
#[derive(Clone, Debug, Serialize)]
pub struct CodeRow {
    /// Variant name.
    pub variant: String,
    /// Its role in the comparison.
    pub kind: VariantKind,
    /// The symbol its timed call enters, when found.
    pub entry: Option<String>,
    /// Functions read: the entry point and the direct callees followed.
    pub functions: usize,
    /// Loops found in them.
    pub loops: usize,
    /// The loop that executes the most instructions per call (by counts), else the largest
    /// innermost loop; none when there is no loop, or when counts show that none ran.
    pub hot_loop: Option<HotLoop>,
    /// How the hot loop was picked.
    pub picked_by: Pick,
    /// Instructions one call executes in the functions read, when counted.
    pub executed: Option<f64>,
    /// Whether the entry point ran once per call, when counted: a fixture can only name a copy
    /// of the function its workers run, and the workers may run an inlined one instead.
    pub entry_ran: Option<bool>,
    /// Conditional branches to an index-failure panic in all functions read.
    pub bounds_checks: usize,
    /// Conditional branches to any other panic (overflow, `unwrap`, assertions).
    pub other_panics: usize,
    /// Functions called directly but not read (the allocator, the C library's `memcpy`, code
    /// behind a call the reading stops at), by name.
    pub calls_out: Vec<String>,
    /// Why there is no code to read, when there is none.
    pub missing: Option<String>,
}

/// How a row's hot loop was picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pick {
    /// By each instruction's executions in one call: the loop that runs the most of them.
    Executions,
    /// By shape, for want of counts: the largest innermost loop.
    Shape,
}

/// The hot loop and its figures.
#[derive(Clone, Debug, Serialize)]
pub struct HotLoop {
    /// The function that holds it.
    pub symbol: String,
    /// Instructions in the loop, padding `nop`s not counted.
    pub instructions: usize,
    /// The widest vector registers its instructions name.
    pub vector: Vector,
    /// Its conditional branches that lead to an index-failure panic.
    pub bounds_checks: usize,
    /// Calls through a register or memory (a `dyn` call, a function pointer).
    pub indirect_calls: usize,
    /// Jumps through a register or memory (a `match` compiled to a jump table).
    pub indirect_jumps: usize,
    /// Direct calls.
    pub direct_calls: usize,
    /// Instructions one call executes in it, those of loops nested in it not counted (when
    /// counted).
    pub executed: Option<f64>,
    /// The loop as disassembled, one `address: instruction` per line, cut at [`SHOWN_LINES`].
    pub asm: Vec<String>,
}

/// The widest vector registers a loop names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Vector {
    /// General-purpose registers only.
    None,
    /// NEON's 64-bit `d`/`v.8b` forms.
    Neon64,
    /// x86's 128-bit `xmm` (also used by scalar floating point).
    Xmm,
    /// NEON's 128-bit `q`/`v.16b` forms.
    Neon128,
    /// AVX's 256-bit `ymm`.
    Ymm,
    /// AVX-512's `zmm`.
    Zmm,
    /// SVE's scalable `z` registers.
    Sve,
}

impl Vector {
    /// Width in bits, for the widest; SVE's is unknown before run time and ranks highest.
    fn rank(self) -> u32 {
        match self {
            Self::None => 0,
            Self::Neon64 => 64,
            Self::Xmm | Self::Neon128 => 128,
            Self::Ymm => 256,
            Self::Zmm => 512,
            Self::Sve => u32::MAX,
        }
    }

    /// How the page names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Neon64 => "NEON d (64-bit)",
            Self::Xmm => "xmm (128-bit)",
            Self::Neon128 => "NEON q (128-bit)",
            Self::Ymm => "ymm (256-bit)",
            Self::Zmm => "zmm (512-bit)",
            Self::Sve => "SVE z (scalable)",
        }
    }
}

/// Every family's code on every architecture, from every run.
pub fn family_code(family: &FamilyEntry, runs: &[Run]) -> Vec<ArchCode> {
    let mut out = Vec::new();
    for run in runs {
        for set in &run.codegen {
            let file = &set.code;
            let isa = Isa::of(&file.arch);
            let rows: Vec<CodeRow> = family
                .variants
                .iter()
                .chain(&family.floor)
                .filter_map(|v| {
                    let entry = file
                        .entries
                        .iter()
                        .find(|e| e.family == family.name && e.variant == v.name)?;
                    Some(read_entry(entry, v.kind, isa))
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            out.push(ArchCode {
                arch: file.arch.clone(),
                source: format!(
                    "{} in {}, disassembled with {}",
                    set.file.display(),
                    run.label,
                    file.disassembler
                ),
                rows,
            });
        }
    }
    out
}

fn read_entry(entry: &CodegenEntry, kind: VariantKind, isa: Option<Isa>) -> CodeRow {
    let mut row = CodeRow {
        variant: entry.variant.clone(),
        kind,
        entry: entry.functions.first().map(|f| f.symbol.clone()),
        functions: entry.functions.len(),
        loops: 0,
        hot_loop: None,
        picked_by: Pick::Shape,
        executed: None,
        entry_ran: None,
        bounds_checks: 0,
        other_panics: 0,
        calls_out: Vec::new(),
        missing: entry.missing.clone(),
    };
    let Some(isa) = isa else {
        row.missing
            .get_or_insert_with(|| "an instruction set the report cannot read".to_owned());
        return row;
    };
    if entry.functions.is_empty() {
        row.missing
            .get_or_insert_with(|| "no function was disassembled".to_owned());
        return row;
    }
    let read: BTreeSet<u64> = entry.functions.iter().map(|f| f.address).collect();
    let counted = entry
        .functions
        .iter()
        .flat_map(|f| &f.instructions)
        .all(|i| i.executed.is_some());
    if counted {
        row.picked_by = Pick::Executions;
        row.entry_ran = Some(
            entry.functions[0]
                .instructions
                .first()
                .and_then(|i| i.executed)
                .is_some_and(|n| n >= 1.0),
        );
        row.executed = Some(
            entry
                .functions
                .iter()
                .flat_map(|f| &f.instructions)
                .filter_map(|i| i.executed)
                .sum(),
        );
    }
    let mut calls_out = BTreeSet::new();
    let mut best: Option<HotLoop> = None;
    for function in &entry.functions {
        let flows = flows_of(isa, function);
        for (i, f) in flows.iter().enumerate() {
            match f {
                Flow::Branch(target) => match landing(function, &flows, *target, i) {
                    Some(Panic::Bounds) => row.bounds_checks += 1,
                    Some(Panic::Other) => row.other_panics += 1,
                    None => {}
                },
                Flow::Call(at, symbol) | Flow::TailCall(at, symbol)
                    if !read.contains(at) && panic_kind(symbol).is_none() =>
                {
                    calls_out.insert(base_symbol(symbol).to_owned());
                }
                _ => {}
            }
        }
        if counted {
            let loops = loops_by_header(function, &flows);
            row.loops += loops.len();
            for (start, end, executed) in own_executions(function, &loops) {
                // A loop that never ran in a call is not a candidate, however large.
                if executed <= 0.0 || best.as_ref().is_some_and(|b| b.executed >= Some(executed)) {
                    continue;
                }
                let mut candidate = hot_loop(function, &flows, start, end);
                candidate.executed = Some(executed);
                best = Some(candidate);
            }
        } else {
            let loops = innermost_loops(function, &flows);
            row.loops += loops.len();
            for (start, end) in loops {
                let candidate = hot_loop(function, &flows, start, end);
                if best
                    .as_ref()
                    .is_none_or(|b| candidate.instructions > b.instructions)
                {
                    best = Some(candidate);
                }
            }
        }
    }
    row.hot_loop = best;
    row.calls_out = calls_out.into_iter().collect();
    row
}

/// The loops of `function` that contain no other loop, as (first, last) instruction indices.
fn innermost_loops(function: &FunctionCode, flows: &[Flow]) -> Vec<(usize, usize)> {
    let mut loops: Vec<(usize, usize)> = flows
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let target = match f {
                Flow::Jump(t) | Flow::Branch(t) => *t,
                _ => return None,
            };
            let at = function.instructions[i].at;
            if target > at {
                return None;
            }
            let start = index_of(function, target)?;
            Some((start, i))
        })
        .collect();
    loops.sort_unstable();
    loops.dedup();
    loops
        .iter()
        .filter(|&&(s, e)| {
            !loops
                .iter()
                .any(|&(s2, e2)| (s2, e2) != (s, e) && s2 >= s && e2 <= e)
        })
        .copied()
        .collect()
}

/// The loops of `function`, one per header (the target of branches back), as (header, last
/// branch back) instruction indices: a loop with a `continue` has two branches back to one
/// header, and is one loop.
fn loops_by_header(function: &FunctionCode, flows: &[Flow]) -> Vec<(usize, usize)> {
    let mut by_header = std::collections::BTreeMap::new();
    for (i, f) in flows.iter().enumerate() {
        let (Flow::Jump(target) | Flow::Branch(target)) = f else {
            continue;
        };
        if *target > function.instructions[i].at {
            continue;
        }
        if let Some(start) = index_of(function, *target) {
            let end = by_header.entry(start).or_insert(i);
            *end = (*end).max(i);
        }
    }
    by_header.into_iter().collect()
}

/// Each loop with the instructions one call executes in it, less those executed in the loops
/// nested in it (the outermost of them): what the loop itself costs.
fn own_executions(function: &FunctionCode, loops: &[(usize, usize)]) -> Vec<(usize, usize, f64)> {
    let executed = |s: usize, e: usize| -> f64 {
        function.instructions[s..=e]
            .iter()
            .filter_map(|i| i.executed)
            .sum()
    };
    let inside =
        |(s2, e2): (usize, usize), (s, e): (usize, usize)| (s2, e2) != (s, e) && s2 >= s && e2 <= e;
    loops
        .iter()
        .map(|&(s, e)| {
            let nested: f64 = loops
                .iter()
                .filter(|&&inner| inside(inner, (s, e)))
                .filter(|&&inner| {
                    !loops
                        .iter()
                        .any(|&middle| inside(inner, middle) && inside(middle, (s, e)))
                })
                .map(|&(s2, e2)| executed(s2, e2))
                .sum();
            (s, e, executed(s, e) - nested)
        })
        .collect()
}

fn hot_loop(function: &FunctionCode, flows: &[Flow], start: usize, end: usize) -> HotLoop {
    let body = &function.instructions[start..=end];
    let mut vector = Vector::None;
    let mut bounds_checks = 0;
    let mut indirect_calls = 0;
    let mut indirect_jumps = 0;
    let mut direct_calls = 0;
    for (offset, instruction) in body.iter().enumerate() {
        let v = vector_of(&instruction.asm);
        if v.rank() > vector.rank() {
            vector = v;
        }
        match &flows[start + offset] {
            Flow::Branch(target) => {
                let inside = (body[0].at..=body[body.len() - 1].at).contains(target);
                if !inside
                    && landing(function, flows, *target, start + offset) == Some(Panic::Bounds)
                {
                    bounds_checks += 1;
                }
            }
            Flow::IndirectCall => indirect_calls += 1,
            Flow::Call(..) => direct_calls += 1,
            Flow::IndirectJump => indirect_jumps += 1,
            _ => {}
        }
    }
    let mut asm: Vec<String> = body
        .iter()
        .take(SHOWN_LINES)
        .map(|i| match i.executed {
            Some(n) => format!("{:x}: {:<44} ×{}", i.at, i.asm, per_call(n)),
            None => format!("{:x}: {}", i.at, i.asm),
        })
        .collect();
    if body.len() > SHOWN_LINES {
        asm.push(format!("… {} more", body.len() - SHOWN_LINES));
    }
    HotLoop {
        symbol: function.symbol.clone(),
        instructions: body.iter().filter(|i| !is_padding(&i.asm)).count(),
        vector,
        bounds_checks,
        indirect_calls,
        indirect_jumps,
        direct_calls,
        executed: None,
        asm,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Panic {
    Bounds,
    Other,
}

/// The panic a branch to `target` leads to: the instructions from `target` on, following
/// unconditional jumps, up to [`PANIC_REACH`] of them, until control leaves or a call is made.
fn landing(function: &FunctionCode, flows: &[Flow], target: u64, from: usize) -> Option<Panic> {
    let mut i = index_of(function, target)?;
    for _ in 0..PANIC_REACH {
        match flows.get(i)? {
            Flow::Call(_, symbol) | Flow::TailCall(_, symbol) => return panic_kind(symbol),
            Flow::Jump(t) => {
                let next = index_of(function, *t)?;
                // A jump back to the branch itself or before it is the loop, not a panic path.
                if next <= from {
                    return None;
                }
                i = next;
            }
            Flow::Leave | Flow::IndirectCall | Flow::IndirectJump => return None,
            Flow::Straight | Flow::Branch(_) => i += 1,
        }
    }
    None
}

/// An execution count per call as the listing shows it: whole numbers without decimals.
fn per_call(n: f64) -> String {
    if (n - n.round()).abs() < 0.005 {
        format!("{n:.0}")
    } else {
        format!("{n:.2}")
    }
}

/// Whether `symbol` is one of core's panics, and which kind.
fn panic_kind(symbol: &str) -> Option<Panic> {
    let s = base_symbol(symbol);
    if s.contains("panic_bounds_check")
        || (s.contains("slice::index::") && s.ends_with("_fail"))
        || s.contains("str::slice_error_fail")
    {
        Some(Panic::Bounds)
    } else if s.contains("panicking::")
        || s.contains("unwrap_failed")
        || s.contains("expect_failed")
        || s.contains("begin_panic")
    {
        Some(Panic::Other)
    } else {
        None
    }
}

/// `name` without a `+0x..` offset.
fn base_symbol(symbol: &str) -> &str {
    symbol.split('+').next().unwrap_or(symbol)
}

fn index_of(function: &FunctionCode, at: u64) -> Option<usize> {
    function
        .instructions
        .binary_search_by_key(&at, |i| i.at)
        .ok()
}

/// Whether `token` is register `prefix` followed by its number (`%xmm3`, `q0`, `v12`).
fn numbered(token: &str, prefix: &str) -> bool {
    token
        .strip_prefix(prefix)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The widest vector registers an instruction names.
fn vector_of(asm: &str) -> Vector {
    let mut widest = Vector::None;
    let mut widen = |v: Vector| {
        if v.rank() > widest.rank() {
            widest = v;
        }
    };
    let (_, operands) = split(asm);
    // Symbols and comments name no registers.
    let operands = operands.split(['<', '#']).next().unwrap_or_default();
    let operands = operands.split("//").next().unwrap_or_default();
    for token in operands.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '%')) {
        if numbered(token, "%zmm") {
            widen(Vector::Zmm);
        } else if numbered(token, "%ymm") {
            widen(Vector::Ymm);
        } else if numbered(token, "%xmm") {
            widen(Vector::Xmm);
        } else if numbered(token, "q") {
            widen(Vector::Neon128);
        } else if let Some((reg, arrangement)) = token.split_once('.') {
            if numbered(reg, "z") {
                widen(Vector::Sve);
            } else if numbered(reg, "v") {
                match arrangement {
                    "16b" | "8h" | "4s" | "2d" | "1q" => widen(Vector::Neon128),
                    "8b" | "4h" | "2s" | "1d" => widen(Vector::Neon64),
                    // A lane (`v0.s[1]`, tokenised as `s`) is part of a vector register.
                    _ => widen(Vector::Neon64),
                }
            }
        }
    }
    widest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::codegen::Instruction;
    use crate::wire::flow::direct_calls;

    fn function(symbol: &str, lines: &[(u64, &str)]) -> FunctionCode {
        FunctionCode {
            symbol: symbol.to_owned(),
            address: lines[0].0,
            instructions: lines
                .iter()
                .map(|&(at, asm)| Instruction {
                    at,
                    asm: asm.to_owned(),
                    through_got: None,
                    executed: None,
                })
                .collect(),
        }
    }

    fn entry(functions: Vec<FunctionCode>) -> CodegenEntry {
        CodegenEntry {
            family: "f".into(),
            variant: "v".into(),
            input: "i/1".into(),
            functions,
            missing: None,
        }
    }

    /// A vectorised sum as LLVM lays it out: the SSE main loop, then a scalar remainder loop.
    fn vector_sum() -> FunctionCode {
        function(
            "core::ops::function::FnOnce::call_once",
            &[
                (0x100, "mov    %rdi,%rax"),
                (0x103, "pxor   %xmm0,%xmm0"),
                (0x107, "data16 cs nopw 0x0(%rax,%rax,1)"),
                (0x140, "movdqu (%rsi,%r9,8),%xmm2"),
                (0x146, "paddq  %xmm2,%xmm1"),
                (0x14a, "movdqu 0x10(%rsi,%r9,8),%xmm2"),
                (0x151, "paddq  %xmm2,%xmm0"),
                (0x155, "add    $0x4,%r9"),
                (0x159, "cmp    %r9,%r10"),
                (
                    0x15c,
                    "jne    140 <core::ops::function::FnOnce::call_once+0x40>",
                ),
                (0x15e, "xor    %esi,%esi"),
                (0x180, "add    (%rdi,%rsi,1),%r9"),
                (0x184, "add    $0x8,%rsi"),
                (0x188, "cmp    %rsi,%rcx"),
                (
                    0x18b,
                    "jne    180 <core::ops::function::FnOnce::call_once+0x80>",
                ),
                (0x18d, "ret"),
            ],
        )
    }

    /// A checked gather: the loop compares each index and branches to `panic_bounds_check`.
    fn checked_gather() -> FunctionCode {
        function(
            "kernels::families::index::safe::sum_indexing",
            &[
                (0x200, "xor    %eax,%eax"),
                (0x202, "xor    %ecx,%ecx"),
                (0x210, "mov    (%rdi,%rcx,4),%edx"),
                (0x213, "cmp    %rsi,%rdx"),
                (
                    0x216,
                    "jae    230 <kernels::families::index::safe::sum_indexing+0x30>",
                ),
                (0x218, "add    (%r8,%rdx,8),%rax"),
                (0x21c, "inc    %rcx"),
                (0x21f, "cmp    %rcx,%r9"),
                (
                    0x222,
                    "jne    210 <kernels::families::index::safe::sum_indexing+0x10>",
                ),
                (0x224, "ret"),
                (0x230, "lea    0x0(%rip),%rdx"),
                (0x237, "mov    %rdx,%rdi"),
                (0x23a, "call   900 <core::panicking::panic_bounds_check>"),
            ],
        )
    }

    /// `function` with each instruction's executions per call set by address range.
    fn counted(mut function: FunctionCode, counts: &[(u64, u64, f64)]) -> FunctionCode {
        for i in &mut function.instructions {
            let n = counts
                .iter()
                .find(|&&(from, to, _)| (from..=to).contains(&i.at))
                .map_or(0.0, |&(_, _, n)| n);
            i.executed = Some(n);
        }
        function
    }

    #[test]
    fn counts_pick_the_loop_that_runs_over_the_larger_one() {
        // The remainder loop runs 31 times a call, the main loop never (a short input): by
        // shape the main loop, by counts the remainder.
        let code = counted(
            vector_sum(),
            &[
                (0x100, 0x107, 1.0),
                (0x15e, 0x15e, 1.0),
                (0x180, 0x18b, 31.0),
                (0x18d, 0x18d, 1.0),
            ],
        );
        let row = read_entry(&entry(vec![code]), VariantKind::Safe, Some(Isa::X86));
        assert_eq!(row.picked_by, Pick::Executions);
        assert_eq!(row.entry_ran, Some(true));
        let hot = row.hot_loop.expect("a loop ran");
        assert_eq!(hot.instructions, 4, "the scalar remainder loop");
        assert_eq!(hot.vector, Vector::None);
        assert_eq!(hot.executed, Some(4.0 * 31.0));
        assert_eq!(row.executed, Some(3.0 + 1.0 + 124.0 + 1.0));
        assert!(hot.asm[0].ends_with("×31"), "{:?}", hot.asm);

        // A long input: the main loop runs most.
        let code = counted(
            vector_sum(),
            &[
                (0x100, 0x107, 1.0),
                (0x140, 0x15c, 1000.0),
                (0x15e, 0x18d, 3.0),
            ],
        );
        let row = read_entry(&entry(vec![code]), VariantKind::Safe, Some(Isa::X86));
        assert_eq!(row.hot_loop.expect("a loop").instructions, 7);
    }

    #[test]
    fn a_loop_is_charged_without_the_loops_nested_in_it() {
        // An outer loop (0x300–0x31c) around an inner one (0x308–0x310): the inner runs 50
        // times per outer iteration, so it is hot although the outer range holds it.
        let code = function(
            "nested",
            &[
                (0x2fc, "xor    %eax,%eax"),
                (0x300, "mov    (%rdi),%rcx"),
                (0x304, "xor    %edx,%edx"),
                (0x308, "add    %rdx,%rax"),
                (0x30c, "inc    %rdx"),
                (0x310, "jne    308 <nested+0xc>"),
                (0x314, "add    $0x8,%rdi"),
                (0x318, "dec    %rsi"),
                (0x31c, "jne    300 <nested+0x4>"),
                (0x31e, "ret"),
            ],
        );
        let code = counted(
            code,
            &[
                (0x2fc, 0x2fc, 1.0),
                (0x300, 0x304, 10.0),
                (0x308, 0x310, 500.0),
                (0x314, 0x31c, 10.0),
                (0x31e, 0x31e, 1.0),
            ],
        );
        let row = read_entry(&entry(vec![code]), VariantKind::Safe, Some(Isa::X86));
        assert_eq!(row.loops, 2);
        let hot = row.hot_loop.expect("a loop ran");
        assert_eq!(hot.instructions, 3, "the inner loop");
        assert_eq!(hot.executed, Some(1500.0));

        // A cold inner loop (an error path taken once): the outer loop's own work is the hot one.
        let code = counted(
            function(
                "nested",
                &[
                    (0x300, "mov    (%rdi),%rcx"),
                    (0x304, "xor    %edx,%edx"),
                    (0x308, "add    %rdx,%rax"),
                    (0x30c, "inc    %rdx"),
                    (0x310, "jne    308 <nested+0x8>"),
                    (0x314, "add    $0x8,%rdi"),
                    (0x318, "dec    %rsi"),
                    (0x31c, "jne    300 <nested>"),
                    (0x31e, "ret"),
                ],
            ),
            &[
                (0x300, 0x304, 100.0),
                (0x308, 0x310, 1.0),
                (0x314, 0x31c, 100.0),
                (0x31e, 0x31e, 1.0),
            ],
        );
        let row = read_entry(&entry(vec![code]), VariantKind::Safe, Some(Isa::X86));
        let hot = row.hot_loop.expect("a loop ran");
        assert_eq!(
            hot.instructions, 8,
            "the outer loop, inner included in what is shown"
        );
        assert_eq!(hot.executed, Some(500.0));
    }

    #[test]
    fn an_entry_point_that_did_not_run_shows_no_loop() {
        let code = counted(vector_sum(), &[]);
        let row = read_entry(&entry(vec![code]), VariantKind::Safe, Some(Isa::X86));
        assert_eq!(row.picked_by, Pick::Executions);
        assert_eq!(row.entry_ran, Some(false));
        assert!(row.hot_loop.is_none());
        assert_eq!(row.loops, 2);
    }

    #[test]
    fn the_main_loop_is_the_hot_one_and_its_registers_are_read() {
        let row = read_entry(
            &entry(vec![vector_sum()]),
            VariantKind::Safe,
            Some(Isa::X86),
        );
        assert_eq!(row.loops, 2);
        let hot = row.hot_loop.expect("a loop");
        assert_eq!(hot.instructions, 7);
        assert_eq!(hot.vector, Vector::Xmm);
        assert_eq!(hot.bounds_checks, 0);
        assert_eq!(row.bounds_checks, 0);
        assert_eq!(hot.asm[0], "140: movdqu (%rsi,%r9,8),%xmm2");
    }

    #[test]
    fn a_branch_to_panic_bounds_check_is_a_bounds_check_in_the_loop() {
        let row = read_entry(
            &entry(vec![checked_gather()]),
            VariantKind::Safe,
            Some(Isa::X86),
        );
        let hot = row.hot_loop.expect("a loop");
        assert_eq!(hot.instructions, 7);
        assert_eq!(hot.bounds_checks, 1);
        assert_eq!(hot.vector, Vector::None);
        assert_eq!(row.bounds_checks, 1);
        assert_eq!(row.other_panics, 0);
        // The panic is counted, not listed as a call out.
        assert!(row.calls_out.is_empty(), "{:?}", row.calls_out);
    }

    #[test]
    fn direct_callees_are_read_and_other_calls_listed() {
        let entry_point = function(
            "core::ops::function::FnOnce::call_once",
            &[
                (0x300, "push   %rax"),
                (
                    0x301,
                    "call   200 <kernels::families::index::safe::sum_indexing>",
                ),
                (0x306, "call   *%rcx"),
                (0x308, "call   7000 <memcpy@plt>"),
                (0x30d, "pop    %rcx"),
                (0x30e, "ret"),
            ],
        );
        let row = read_entry(
            &entry(vec![entry_point, checked_gather()]),
            VariantKind::Unsafe,
            Some(Isa::X86),
        );
        assert_eq!(
            row.entry.as_deref(),
            Some("core::ops::function::FnOnce::call_once")
        );
        assert_eq!(row.functions, 2);
        assert_eq!(
            row.hot_loop.expect("the callee's loop").symbol,
            "kernels::families::index::safe::sum_indexing"
        );
        assert_eq!(row.calls_out, vec!["memcpy@plt".to_owned()]);
    }

    #[test]
    fn calls_through_a_pointer_are_indirect_whatever_their_comment_says() {
        let dyn_loop = function(
            "kernels::families::dispatch::safe::total_box_dyn",
            &[
                (0x500, "mov    (%rbx),%rdi"),
                (0x503, "mov    0x8(%rbx),%rax"),
                (0x507, "call   *0x18(%rax)"),
                (
                    0x50a,
                    "call   *0x19c343(%rip)        # 6b46a8 <_DYNAMIC+0x4c0>",
                ),
                (0x510, "add    $0x10,%rbx"),
                (0x514, "cmp    %rbx,%r14"),
                (
                    0x517,
                    "jne    500 <kernels::families::dispatch::safe::total_box_dyn>",
                ),
                (0x519, "ret"),
            ],
        );
        let row = read_entry(&entry(vec![dyn_loop]), VariantKind::Safe, Some(Isa::X86));
        let hot = row
            .hot_loop
            .expect("a loop back to the function's first instruction");
        assert_eq!(hot.indirect_calls, 2);
        assert_eq!(hot.indirect_jumps, 0);
        assert_eq!(hot.direct_calls, 0);
        let jump_table = function(
            "kernels::families::dispatch::safe::total_enum_match",
            &[
                (0x700, "mov    -0x8(%r8),%edx"),
                (0x704, "movslq (%r9,%rdx,4),%rdx"),
                (0x708, "add    %r9,%rdx"),
                (0x70b, "jmp    *%rdx"),
                (0x70d, "imul   %rax,%rax"),
                (
                    0x711,
                    "jmp    700 <kernels::families::dispatch::safe::total_enum_match>",
                ),
            ],
        );
        let row = read_entry(&entry(vec![jump_table]), VariantKind::Safe, Some(Isa::X86));
        let hot = row.hot_loop.expect("the loop through the jump table");
        assert_eq!(hot.indirect_jumps, 1);
        assert_eq!(hot.indirect_calls, 0);
        assert!(row.calls_out.is_empty(), "{:?}", row.calls_out);
    }

    #[test]
    fn a_call_through_the_got_is_the_call_of_what_the_slot_holds() {
        let mut code = function(
            "core::ops::function::FnOnce::call_once",
            &[
                (
                    0x600,
                    "call   *0x2b9cc5(%rip)        # 930f28 <_DYNAMIC+0x500>",
                ),
                (
                    0x606,
                    "call   *0x2b9cd0(%rip)        # 930f40 <_DYNAMIC+0x518>",
                ),
                (0x60c, "ret"),
            ],
        );
        code.instructions[0].through_got = Some("677300 <core::str::converts::from_utf8>".into());
        code.instructions[1].through_got = Some("<memcpy>".into());
        assert_eq!(
            direct_calls("x86_64", &code),
            vec![
                (0x677300, "core::str::converts::from_utf8".to_owned()),
                (0, "memcpy".to_owned())
            ]
        );
        let row = read_entry(&entry(vec![code]), VariantKind::Safe, Some(Isa::X86));
        assert_eq!(
            row.calls_out,
            vec![
                "core::str::converts::from_utf8".to_owned(),
                "memcpy".to_owned()
            ]
        );
    }

    #[test]
    fn aarch64_neon_loops_and_checks_are_read() {
        let code = function(
            "kernels::sum",
            &[
                (0x400, "movi\tv0.2d, #0x0"),
                (0x404, "ldp\tq1, q2, [x8, #-16]"),
                (0x408, "add\tv0.2d, v0.2d, v1.2d"),
                (0x40c, "subs\tx9, x9, #0x4"),
                (0x410, "b.ne\t404 <kernels::sum+0x4>"),
                (0x414, "cmp\tx1, x2"),
                (0x418, "b.hs\t420 <kernels::sum+0x20>"),
                (0x41c, "ret"),
                (0x420, "mov\tx0, x1"),
                (
                    0x424,
                    "bl\t900 <core::slice::index::slice_end_index_len_fail>",
                ),
            ],
        );
        let row = read_entry(&entry(vec![code]), VariantKind::Safe, Some(Isa::Arm));
        let hot = row.hot_loop.expect("a loop");
        assert_eq!(hot.instructions, 4);
        assert_eq!(hot.vector, Vector::Neon128);
        assert_eq!(hot.bounds_checks, 0);
        assert_eq!(row.bounds_checks, 1, "the length check before the loop");
    }

    #[test]
    fn code_without_a_loop_or_functions_says_so() {
        let straight = function("f", &[(0x10, "mov    %rdi,%rax"), (0x13, "ret")]);
        let row = read_entry(&entry(vec![straight]), VariantKind::Safe, Some(Isa::X86));
        assert_eq!(row.loops, 0);
        assert!(row.hot_loop.is_none());
        assert!(row.missing.is_none());
        let empty = read_entry(&entry(Vec::new()), VariantKind::Safe, Some(Isa::X86));
        assert!(empty.missing.is_some());
        let unknown = read_entry(&entry(vec![vector_sum()]), VariantKind::Safe, None);
        assert!(unknown.missing.is_some());
    }

    #[test]
    fn registers_are_told_apart_by_name() {
        assert_eq!(vector_of("vpaddd %ymm1,%ymm2,%ymm3"), Vector::Ymm);
        assert_eq!(vector_of("vmovdqu64 (%rdi),%zmm0"), Vector::Zmm);
        assert_eq!(vector_of("mov    %rax,%rbx"), Vector::None);
        assert_eq!(vector_of("add\tv0.8b, v1.8b, v2.8b"), Vector::Neon64);
        assert_eq!(vector_of("ldr\tq0, [x1]"), Vector::Neon128);
        assert_eq!(vector_of("add\tx0, x1, x2"), Vector::None);
        assert_eq!(vector_of("ld1d\t{z0.d}, p0/z, [x0]"), Vector::Sve);
        // A general register whose name starts like a vector one is not one.
        assert_eq!(vector_of("ldr\tx0, [x19, #8]"), Vector::None);
    }
}
