//! How an instruction of a listing moves control: calls, jumps, branches, returns. The
//! classifier both the collector (`ledger codegen`, which follows direct calls from an entry
//! point) and the report (which reads loops and the branches to panics) use, so that neither
//! depends on the other.

use crate::codegen::{FunctionCode, Instruction};

/// The instruction sets read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    /// x86 and x86_64, in AT&T syntax.
    X86,
    /// AArch64.
    Arm,
}

impl Isa {
    /// The instruction set of an architecture's name as Rust spells it, if it is one read.
    pub fn of(arch: &str) -> Option<Self> {
        match arch {
            "x86_64" | "x86" => Some(Self::X86),
            "aarch64" | "arm64" => Some(Self::Arm),
            _ => None,
        }
    }
}

/// What an instruction does to control flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Falls through.
    Straight,
    /// Unconditional jump to a known address.
    Jump(u64),
    /// Conditional branch to a known address.
    Branch(u64),
    /// Direct call of a known address and symbol.
    Call(u64, String),
    /// Tail call or jump into another function's symbol.
    TailCall(u64, String),
    /// Call through a register or memory.
    IndirectCall,
    /// Jump through a register or memory (a jump table): control goes where the data says.
    IndirectJump,
    /// Return or trap: control leaves.
    Leave,
}

/// The functions `function` calls or tail-calls directly, by address and symbol, in the order
/// it names them: what a reader of its code follows next. Nothing for an architecture the
/// classifier cannot read.
pub fn direct_calls(arch: &str, function: &FunctionCode) -> Vec<(u64, String)> {
    let Some(isa) = Isa::of(arch) else {
        return Vec::new();
    };
    flows_of(isa, function)
        .into_iter()
        .filter_map(|f| match f {
            Flow::Call(at, symbol) | Flow::TailCall(at, symbol) => Some((at, symbol)),
            _ => None,
        })
        .collect()
}

/// What each instruction of `function` does to control flow. A jump to the function's own
/// first instruction is a loop's branch, not a tail call.
pub fn flows_of(isa: Isa, function: &FunctionCode) -> Vec<Flow> {
    let last = function.instructions.last().map_or(0, |i| i.at);
    function
        .instructions
        .iter()
        .map(|i| match flow(isa, i) {
            Flow::TailCall(at, _) if (function.address..=last).contains(&at) => Flow::Jump(at),
            other => other,
        })
        .collect()
}

/// Mnemonic and operands, past x86 prefixes.
pub fn split(asm: &str) -> (&str, &str) {
    const PREFIXES: &[&str] = &[
        "rep", "repz", "repe", "repnz", "repne", "lock", "notrack", "bnd", "data16", "cs", "ds",
    ];
    let mut rest = asm.trim();
    loop {
        let (word, after) = rest
            .split_once(char::is_whitespace)
            .map_or((rest, ""), |(w, a)| (w, a.trim_start()));
        if PREFIXES.contains(&word) && !after.is_empty() {
            rest = after;
            continue;
        }
        return (word, after);
    }
}

/// Whether an instruction is alignment padding (`nop` of any length).
pub fn is_padding(asm: &str) -> bool {
    let (mnemonic, operands) = split(asm);
    mnemonic.starts_with("nop") || (mnemonic == "xchg" && operands == "%ax,%ax")
}

/// The `address <symbol>` of a direct branch's operands (a symbol may hold `<` and `>` of its
/// own). An imported function, `<symbol>` alone, has address 0: outside every function read.
fn target_of(operands: &str) -> Option<(u64, String)> {
    let open = operands.find('<')?;
    let close = operands.rfind('>').filter(|&c| c > open)?;
    let address = operands[..open].trim().rsplit([' ', ',']).next()?;
    let address = if address.is_empty() {
        0
    } else {
        u64::from_str_radix(address, 16).ok()?
    };
    Some((address, operands[open + 1..close].to_owned()))
}

/// What `instruction` does to control flow.
pub fn flow(isa: Isa, instruction: &Instruction) -> Flow {
    let (mnemonic, operands) = split(&instruction.asm);
    // `call *0x10(%rip)  # 6b46a8 <_DYNAMIC+0x4c0>`: the address in the comment is where the
    // pointer is, not a target; the collection resolved the pointer where the binary holds it.
    let target = match (&instruction.through_got, operands.starts_with('*')) {
        (Some(slot), _) => target_of(slot),
        (None, true) => None,
        (None, false) => target_of(operands),
    };
    match isa {
        Isa::X86 => match mnemonic {
            "ret" | "retq" | "ud2" | "int3" => Flow::Leave,
            "call" | "callq" => match target {
                Some((at, symbol)) => Flow::Call(at, symbol),
                None => Flow::IndirectCall,
            },
            "jmp" | "jmpq" => match target {
                Some((at, symbol)) if symbol.contains('+') => Flow::Jump(at),
                Some((at, symbol)) => Flow::TailCall(at, symbol),
                None => Flow::IndirectJump,
            },
            m if m.starts_with('j') => target.map_or(Flow::Straight, |(at, _)| Flow::Branch(at)),
            _ => Flow::Straight,
        },
        Isa::Arm => match mnemonic {
            "ret" | "udf" | "brk" => Flow::Leave,
            "br" => Flow::IndirectJump,
            "bl" => match target {
                Some((at, symbol)) => Flow::Call(at, symbol),
                None => Flow::IndirectCall,
            },
            "blr" => Flow::IndirectCall,
            "b" => match target {
                Some((at, symbol)) if symbol.contains('+') => Flow::Jump(at),
                Some((at, symbol)) => Flow::TailCall(at, symbol),
                None => Flow::IndirectJump,
            },
            m if m.starts_with("b.") || matches!(m, "cbz" | "cbnz" | "tbz" | "tbnz") => {
                target.map_or(Flow::Straight, |(at, _)| Flow::Branch(at))
            }
            _ => Flow::Straight,
        },
    }
}
