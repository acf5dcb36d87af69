//! `codegen/<arch>.json`: the machine code each variant's timed call enters.
//!
//! Written by `ledger codegen`: for every measured variant of every family, bound at the family's
//! headline input, the function one timed call enters (a byte variant's function, a fixture's
//! `run`) is found in the very binary the verdict protocol ran and disassembled, together with
//! the functions it calls directly. The report reads the hot loop, its vector registers and its
//! bounds checks from these instructions; nothing is summarised at collection time, so a better
//! reading needs no new measurement.

use serde::{Deserialize, Serialize};

/// Version of this format; bumped on any incompatible change.
pub const CODEGEN_SCHEMA: u32 = 1;

/// The disassembly of one binary for one architecture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodegenFile {
    /// Format version.
    pub schema: u32,
    /// The architecture of the disassembled code, e.g. `x86_64`, `aarch64`.
    pub arch: String,
    /// The disassembler, with its version line.
    pub disassembler: String,
    /// How the functions were found, in a sentence.
    pub method: String,
    /// How each instruction's `executed` was counted, when it was (see [`Instruction::executed`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executions: Option<String>,
    /// One entry per family and measured variant.
    pub entries: Vec<CodegenEntry>,
}

/// Where each variant's timed call enters one program, as offsets from an anchor function:
/// what `ledger codegen --entries` prints, and a pair bench target's `--ledger-entries`.
///
/// Offsets rather than addresses: the program is position-independent and loaded at a random
/// address (and at QEMU's choice of address for a cross-built binary), but the distance between
/// two functions is the one the linker laid out, which the disassembler's listing shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryPoints {
    /// The architecture the program runs on.
    pub arch: String,
    /// The demangled symbol the offsets are measured from.
    pub anchor: String,
    /// One per family (or comparison) and measured variant.
    pub entries: Vec<EntryPoint>,
}

/// One variant's entry point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryPoint {
    /// Family name.
    pub family: String,
    /// Variant name.
    pub variant: String,
    /// The input it was bound to: the family's headline input.
    pub input: String,
    /// Entry address minus the anchor's address; `None` when the variant refused the input.
    pub offset: Option<i64>,
    /// Why it refused, when it did.
    pub refused: Option<String>,
}

/// One variant's code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodegenEntry {
    /// Family name.
    pub family: String,
    /// Variant name.
    pub variant: String,
    /// The input it was bound to, `shape/size` (a fixture's entry point is found by building it).
    pub input: String,
    /// The entry point first, then the functions reached from it by direct calls, in the order
    /// found; runtime support (panics, formatting, the allocator, the C library) is not followed.
    pub functions: Vec<FunctionCode>,
    /// Why no code could be shown, when none is.
    pub missing: Option<String>,
}

/// One function's instructions, as the disassembler printed them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunctionCode {
    /// The demangled symbol.
    pub symbol: String,
    /// Its address in the binary.
    pub address: u64,
    /// Its instructions in address order.
    pub instructions: Vec<Instruction>,
}

/// One instruction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Instruction {
    /// Its address in the binary.
    pub at: u64,
    /// Mnemonic and operands in the disassembler's syntax (AT&T on x86_64), branch targets with
    /// their address and `<symbol+offset>`.
    pub asm: String,
    /// For a call or jump through a slot of the binary's global offset table (how x86_64 Rust
    /// calls another crate's function): what the slot holds, `ADDRESS <SYMBOL>` for a function
    /// of the binary, `<SYMBOL>` for one imported from a shared library.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through_got: Option<String>,
    /// How many times it ran in one call at the headline input, when counted (`ledger codegen
    /// --executions`): what tells the loop a call spends its time in from the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed: Option<f64>,
}
