//! GNU objdump's listing of a binary, read into functions, and the functions one entry point
//! reaches by direct calls.

use std::collections::{BTreeMap, VecDeque};
use std::ops::Range;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use wire::codegen::{FunctionCode, Instruction};
use wire::flow::direct_calls;

use crate::{last_lines, shown};

/// Direct calls followed from an entry point: its callees, and theirs.
const DEPTH: usize = 2;

/// Functions read per entry point at most, the entry point included.
const FUNCTIONS: usize = 12;

/// Callees not followed: runtime support whose code says nothing about the variant (panics,
/// formatting, the allocator, unwinding, the C library through the PLT), and rayon's hand-off
/// of work to its threads, whose jobs run on the workers, beyond any direct call.
const NOT_FOLLOWED: &[&str] = &[
    "core::panicking::",
    "core::fmt::",
    "alloc::fmt::",
    "core::result::unwrap_failed",
    "core::option::unwrap_failed",
    "core::option::expect_failed",
    "core::slice::index::",
    "core::ptr::drop_in_place",
    "alloc::alloc::",
    "alloc::raw_vec::",
    "std::",
    "__rust",
    "_Unwind",
    "rayon",
];

/// A disassembled binary: the listing's text and where each function's lines are in it.
pub struct Listing {
    text: String,
    /// By address: the symbol and the byte range of its instruction lines.
    functions: BTreeMap<u64, (String, Range<usize>)>,
    /// What each slot of the global offset table holds, by the slot's address.
    got: BTreeMap<u64, Slot>,
}

/// A slot of the global offset table.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Slot {
    /// The address of something in the binary (a `RELATIVE` relocation's addend).
    Local(u64),
    /// An imported symbol, bound when the program is loaded.
    Import(String),
}

/// The disassembler's version line, or why it cannot run.
pub fn version(objdump: &str) -> anyhow::Result<String> {
    let output = Command::new(objdump)
        .arg("--version")
        .output()
        .with_context(|| {
            format!(
                "cannot run `{objdump}`: install GNU binutils (for aarch64: \
                 binutils-aarch64-linux-gnu) or name the disassembler with --objdump"
            )
        })?;
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text.lines().next().unwrap_or(objdump).trim().to_owned())
}

impl Listing {
    /// Runs `objdump` on `binary` (demangled, one line per instruction, no raw bytes).
    pub fn of(objdump: &str, binary: &Path) -> anyhow::Result<Self> {
        let output = Command::new(objdump)
            .args(["-d", "-C", "-w", "--no-show-raw-insn"])
            .arg(binary)
            .output()
            .with_context(|| format!("cannot run `{objdump}`"))?;
        if !output.status.success() {
            bail!(
                "`{objdump} -d {}` failed:\n{}",
                shown(binary),
                last_lines(&String::from_utf8_lossy(&output.stderr), 10)
            );
        }
        let text = String::from_utf8(output.stdout)
            .with_context(|| format!("`{objdump}` printed a listing that is not UTF-8"))?;
        let mut listing = Self::parse(text);
        // A binary without dynamic relocations (static) has no slots to resolve.
        if let Ok(relocations) = Command::new(objdump).arg("-R").arg(binary).output() {
            listing.got = got_slots(&String::from_utf8_lossy(&relocations.stdout));
        }
        if listing.functions.is_empty() {
            bail!(
                "`{objdump}` listed no functions in {}: is it a binary for this disassembler's \
                 architecture, with its symbols?",
                shown(binary)
            );
        }
        Ok(listing)
    }

    /// Reads a listing: a function starts at a line `ADDRESS <SYMBOL>:` and its instructions
    /// follow, one `  ADDRESS:<tab>INSTRUCTION` per line.
    pub fn parse(text: String) -> Self {
        let mut functions = BTreeMap::new();
        let mut current: Option<(u64, String, usize)> = None;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let Some((address, symbol)) = header(line) else {
                continue;
            };
            if let Some((at, name, body)) = current.take() {
                functions.insert(at, (name, body..start));
            }
            current = Some((address, symbol, offset));
        }
        if let Some((at, name, body)) = current {
            functions.insert(at, (name, body..text.len()));
        }
        Self {
            text,
            functions,
            got: BTreeMap::new(),
        }
    }

    /// The address of the one function named `symbol`.
    pub fn address_of(&self, symbol: &str) -> anyhow::Result<u64> {
        let mut found = self
            .functions
            .iter()
            .filter(|(_, (name, _))| name == symbol)
            .map(|(&at, _)| at);
        match (found.next(), found.next()) {
            (Some(at), None) => Ok(at),
            (None, _) => bail!("the listing has no function `{symbol}`"),
            (Some(_), Some(_)) => bail!("the listing has several functions `{symbol}`"),
        }
    }

    /// The function at `entry` and those it reaches by direct calls and tail calls, breadth
    /// first, up to [`DEPTH`] calls deep and [`FUNCTIONS`] in all; `arch` is the code's.
    pub fn reached_from(&self, arch: &str, entry: u64) -> Result<Vec<FunctionCode>, String> {
        if !self.functions.contains_key(&entry) {
            let inside = self
                .functions
                .range(..entry)
                .next_back()
                .map_or("no function".to_owned(), |(at, (name, _))| {
                    format!("`{name}` at {at:#x}")
                });
            return Err(format!(
                "no function starts at {entry:#x} (the nearest before it is {inside})"
            ));
        }
        let mut read = Vec::new();
        let mut queue = VecDeque::from([(entry, 0)]);
        while let Some((at, depth)) = queue.pop_front() {
            if read.len() == FUNCTIONS {
                break;
            }
            if read.iter().any(|f: &FunctionCode| f.address == at) {
                continue;
            }
            let Some(function) = self.function(at) else {
                continue;
            };
            if depth < DEPTH {
                for (callee, symbol) in direct_calls(arch, &function) {
                    let followed = !symbol.contains("@plt")
                        && !NOT_FOLLOWED.iter().any(|s| symbol.starts_with(s));
                    if followed && self.functions.contains_key(&callee) {
                        queue.push_back((callee, depth + 1));
                    }
                }
            }
            read.push(function);
        }
        Ok(read)
    }

    fn function(&self, at: u64) -> Option<FunctionCode> {
        let (symbol, range) = self.functions.get(&at)?;
        let instructions = self.text[range.clone()]
            .lines()
            .filter_map(instruction)
            .map(|mut i| {
                i.through_got = self.through_got(&i.asm);
                i
            })
            .collect();
        Some(FunctionCode {
            symbol: symbol.clone(),
            address: at,
            instructions,
        })
    }

    /// What `call *0x2b9cc5(%rip)  # 930f28 <_DYNAMIC+0x500>` calls: the function or import
    /// in the slot at the commented address, as `ADDRESS <SYMBOL>` or `<SYMBOL>`.
    fn through_got(&self, asm: &str) -> Option<String> {
        let (mnemonic, operands) = asm.split_once(' ')?;
        let operands = operands.trim();
        if !matches!(mnemonic, "call" | "callq" | "jmp" | "jmpq")
            || !operands.starts_with('*')
            || !operands.contains("(%rip)")
        {
            return None;
        }
        let (_, comment) = operands.split_once('#')?;
        let slot = comment.split_whitespace().next()?;
        match self.got.get(&u64::from_str_radix(slot, 16).ok()?)? {
            Slot::Local(at) => {
                let (symbol, _) = self.functions.get(at)?;
                Some(format!("{at:x} <{symbol}>"))
            }
            Slot::Import(symbol) => Some(format!("<{symbol}>")),
        }
    }
}

/// `objdump -R`'s dynamic relocations: `0000000000930f28 R_X86_64_RELATIVE  *ABS*+0x677300`,
/// `0000000000930f40 R_X86_64_GLOB_DAT  memcpy@GLIBC_2.14`.
fn got_slots(relocations: &str) -> BTreeMap<u64, Slot> {
    relocations
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let slot = u64::from_str_radix(fields.next()?, 16).ok()?;
            let kind = fields.next()?;
            let value = fields.next()?;
            let held = if kind.ends_with("_RELATIVE") {
                Slot::Local(u64::from_str_radix(value.strip_prefix("*ABS*+0x")?, 16).ok()?)
            } else if kind.ends_with("_GLOB_DAT") || kind.ends_with("_JUMP_SLOT") {
                Slot::Import(value.split('@').next()?.to_owned())
            } else {
                return None;
            };
            Some((slot, held))
        })
        .collect()
}

/// `0000000000518080 <kernels::unchecked_call::Bound::run>:`
fn header(line: &str) -> Option<(u64, String)> {
    let line = line.trim_end();
    let (address, rest) = line.split_once(' ')?;
    let symbol = rest.strip_prefix('<')?.strip_suffix(">:")?;
    let address = u64::from_str_radix(address, 16).ok()?;
    Some((address, symbol.to_owned()))
}

/// `  518080:<tab>push   %rbp`
fn instruction(line: &str) -> Option<Instruction> {
    let (address, asm) = line.trim_start().split_once(":\t")?;
    let at = u64::from_str_radix(address, 16).ok()?;
    let asm = asm.replace('\t', " ").trim().to_owned();
    // objdump prints `...` for a run of zero bytes it skipped.
    (!asm.is_empty() && asm != "...").then_some(Instruction {
        at,
        asm,
        through_got: None,
        executed: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "
target/release/ledger:     file format elf64-x86-64


Disassembly of section .text:

0000000000001000 <core::ops::function::FnOnce::call_once>:
    1000:\tpush   %rax
    1001:\tcall   2000 <kernels::families::index::safe::sum_indexing>
    1006:\tcall   3000 <core::panicking::panic_bounds_check>
    100b:\tcall   *0x10(%rip)        # 9000 <_DYNAMIC+0x10>
    1011:\tjmp    4000 <kernels::tail>
    1016:\tjne    1000 <core::ops::function::FnOnce::call_once>

0000000000002000 <kernels::families::index::safe::sum_indexing>:
    2000:\tadd    (%rdi),%rax
    2003:\tjne    2000 <kernels::families::index::safe::sum_indexing>
    2005:\tret
    2006:\t...

0000000000003000 <core::panicking::panic_bounds_check>:
    3000:\tud2

0000000000004000 <kernels::tail>:
    4000:\tret
";

    #[test]
    fn functions_and_their_direct_callees_are_read_from_a_listing() {
        let listing = Listing::parse(LISTING.to_owned());
        assert_eq!(listing.address_of("kernels::tail").unwrap(), 0x4000);
        assert!(listing.address_of("nothing").is_err());
        let read = listing.reached_from("x86_64", 0x1000).unwrap();
        let symbols: Vec<&str> = read.iter().map(|f| f.symbol.as_str()).collect();
        // The panic is not followed; the call and the tail call are.
        assert_eq!(
            symbols,
            [
                "core::ops::function::FnOnce::call_once",
                "kernels::families::index::safe::sum_indexing",
                "kernels::tail"
            ]
        );
        assert_eq!(read[0].instructions.len(), 6);
        assert_eq!(
            read[0].instructions[1].asm,
            "call   2000 <kernels::families::index::safe::sum_indexing>"
        );
        assert_eq!(read[1].instructions.len(), 3, "`...` is not an instruction");
    }

    #[test]
    fn calls_through_the_got_are_resolved_and_followed() {
        let mut listing = Listing::parse(
            "0000000000001000 <f>:
    1000:\tcall   *0x10(%rip)        # 9000 <_DYNAMIC+0x10>
    1006:\tcall   *0x18(%rip)        # 9008 <_DYNAMIC+0x18>
    100c:\tret

0000000000002000 <core::str::converts::from_utf8>:
    2000:\tret
"
            .to_owned(),
        );
        listing.got = got_slots(
            "0000000000009000 R_X86_64_RELATIVE  *ABS*+0x0000000000002000
0000000000009008 R_X86_64_GLOB_DAT  memcpy@GLIBC_2.14
",
        );
        let read = listing.reached_from("x86_64", 0x1000).unwrap();
        assert_eq!(
            read[0].instructions[0].through_got.as_deref(),
            Some("2000 <core::str::converts::from_utf8>")
        );
        assert_eq!(
            read[0].instructions[1].through_got.as_deref(),
            Some("<memcpy>")
        );
        assert_eq!(read.len(), 2, "the function in the slot is read");
    }

    #[test]
    fn an_address_inside_a_function_is_named_not_guessed() {
        let listing = Listing::parse(LISTING.to_owned());
        let error = listing.reached_from("x86_64", 0x2003).unwrap_err();
        assert!(error.contains("sum_indexing"), "{error}");
    }
}
