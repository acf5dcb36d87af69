//! The one table: each unsafe operation the review recognises, the workbench families that
//! measure it (if any), the work it skips and the hazards of the gallery that misuse it.
//!
//! Recognition is syntactic (`crate::operations`): a name or an expression shape, without type
//! information. Where a name is ambiguous without types (`.add()` on a pointer or on an
//! integer, a `*` on a pointer or on a reference), the pattern's description says so.

use serde::Serialize;

/// An unsafe operation, recognised by the calls and expressions involved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    /// `str::from_utf8_unchecked`, `String::from_utf8_unchecked` and the `_mut` forms.
    FromUtf8Unchecked,
    /// `slice::from_raw_parts` / `from_raw_parts_mut`.
    FromRawParts,
    /// `get_unchecked` / `get_unchecked_mut`.
    GetUnchecked,
    /// `Vec::set_len`.
    SetLen,
    /// `MaybeUninit::assume_init` and its `_ref`/`_mut`/`_read`/`_drop` forms.
    AssumeInit,
    /// `mem::transmute` / `transmute_copy`.
    Transmute,
    /// `ptr::read_unaligned` or `.read_unaligned()`.
    ReadUnaligned,
    /// `ptr::read` / `read_volatile` or `.read()` with no argument.
    PtrRead,
    /// `ptr::write` / `write_unaligned` / `write_volatile`, or the method forms.
    PtrWrite,
    /// `.add()`, `.sub()`, `.offset()`, `.byte_add()` and kin, `offset_from`.
    PtrArithmetic,
    /// `ptr::copy_nonoverlapping` / `ptr::copy` and the method forms.
    CopyNonoverlapping,
    /// `unchecked_add` and the other `unchecked_*` integer operations.
    UncheckedArithmetic,
    /// `hint::unreachable_unchecked`.
    UnreachableUnchecked,
    /// A `*` dereference inside unsafe code.
    Deref,
    /// `unsafe impl Send` / `unsafe impl Sync`.
    SendSyncImpl,
    /// A call of a function declared in an `extern` block of the reviewed code.
    ExternCall,
    /// `asm!`, `global_asm!`, `naked_asm!`.
    InlineAsm,
    /// `core::arch` intrinsics (`_mm*`, NEON `v*_u8`-style names, paths through `arch`).
    SimdIntrinsic,
}

/// What the workbench knows about a pattern.
pub struct Entry {
    /// The pattern.
    pub pattern: Pattern,
    /// How it is recognised, for the reader.
    pub recognised_by: &'static str,
    /// The families that measure it, the most direct first; empty if none does. One pattern
    /// can need several: what `get_unchecked` buys depends on the loop it is in.
    pub families: &'static [&'static str],
    /// The work the unsafe form skips.
    pub skips: &'static str,
    /// The hazard-gallery entries that misuse it.
    pub hazards: &'static [&'static str],
}

/// Every pattern, in the order the review lists them.
pub const TABLE: &[Entry] = &[
    Entry {
        pattern: Pattern::FromUtf8Unchecked,
        recognised_by: "a call of from_utf8_unchecked(_mut)",
        families: &["text"],
        skips: "UTF-8 validation",
        hazards: &["h07-invalid-utf8"],
    },
    Entry {
        pattern: Pattern::FromRawParts,
        recognised_by: "a call of from_raw_parts(_mut)",
        families: &["cast"],
        skips: "the alignment and length checks of a checked cast (bytemuck, zerocopy)",
        hazards: &["h02-misaligned-words", "h03-length-extension"],
    },
    Entry {
        pattern: Pattern::GetUnchecked,
        recognised_by: "get_unchecked(_mut), as a method or a path",
        families: &["index", "stencil", "search"],
        skips: "the bounds check of indexing",
        hazards: &["h01-pointer-past-end"],
    },
    Entry {
        pattern: Pattern::SetLen,
        recognised_by: "a .set_len(n) call",
        families: &["uninit", "uninit_read"],
        skips: "zero-initialising the buffer",
        hazards: &["h11-set-len-before-write"],
    },
    Entry {
        pattern: Pattern::AssumeInit,
        recognised_by: "assume_init and its _ref/_mut/_read/_drop forms",
        families: &["uninit", "uninit_read"],
        skips: "initialising before use",
        hazards: &["h10-read-uninit"],
    },
    Entry {
        pattern: Pattern::Transmute,
        recognised_by: "a call of transmute or transmute_copy",
        families: &[],
        skips: "the type system's layout and validity checks",
        hazards: &[],
    },
    Entry {
        pattern: Pattern::ReadUnaligned,
        recognised_by: "ptr::read_unaligned or .read_unaligned()",
        families: &["serial_decode"],
        skips: "the bounds checks of from_le_bytes on a checked slice",
        hazards: &["h01-pointer-past-end"],
    },
    Entry {
        pattern: Pattern::PtrRead,
        recognised_by: "ptr::read(_volatile), or .read() with no argument",
        families: &[],
        skips: "ownership tracking of the value read",
        hazards: &["h05a-use-after-free-box"],
    },
    Entry {
        pattern: Pattern::PtrWrite,
        recognised_by: "ptr::write(_unaligned/_volatile), or the method with one argument \
                        (MaybeUninit::write and io::Write::write look the same without types)",
        families: &[],
        skips: "dropping the old value and the bounds check of a slice store",
        hazards: &[],
    },
    Entry {
        pattern: Pattern::PtrArithmetic,
        recognised_by: ".add/.sub/.offset/.byte_add/.byte_sub/.byte_offset/.offset_from \
                        (an integer's .add() looks the same without types)",
        families: &["index", "stencil", "search"],
        skips: "the bounds check of indexing",
        hazards: &["h01-pointer-past-end"],
    },
    Entry {
        pattern: Pattern::CopyNonoverlapping,
        recognised_by: "ptr::copy(_nonoverlapping) or copy_to/copy_from(_nonoverlapping)",
        // serial_encode's raw variant views records with from_raw_parts; no variant copies.
        families: &[],
        skips: "the length check of copy_from_slice",
        hazards: &[],
    },
    Entry {
        pattern: Pattern::UncheckedArithmetic,
        recognised_by: "an unchecked_* integer method (unchecked_add, unchecked_shl, ...)",
        families: &[],
        skips: "the overflow check of debug builds and wrapping semantics",
        hazards: &[],
    },
    Entry {
        pattern: Pattern::UnreachableUnchecked,
        recognised_by: "a call of unreachable_unchecked",
        families: &[],
        skips: "the panic of unreachable!()",
        hazards: &[],
    },
    Entry {
        pattern: Pattern::Deref,
        recognised_by: "a * dereference inside unsafe code (a raw pointer's when the operand is \
                        one; the syntax does not say)",
        // pool's raw slab dereferences slot pointers, but what it measures is a slab without
        // generation checks, not dereferencing; a `*` in general is not measured here.
        families: &[],
        skips: "the borrow checker's lifetime and aliasing checks",
        hazards: &["h04-stack-escape", "h05b-use-after-return-to-pool"],
    },
    Entry {
        pattern: Pattern::SendSyncImpl,
        recognised_by: "unsafe impl Send or unsafe impl Sync",
        families: &["pool_rayon"],
        skips: "the compiler's proof that sharing between threads is synchronised",
        hazards: &["h09-data-race"],
    },
    Entry {
        pattern: Pattern::ExternCall,
        recognised_by: "a call of a function declared in an extern block of the reviewed code",
        families: &[],
        skips: "every Rust check: the callee is not Rust",
        hazards: &[],
    },
    Entry {
        pattern: Pattern::InlineAsm,
        recognised_by: "asm!, global_asm! or naked_asm!",
        families: &[],
        skips: "every compiler check of the instructions",
        hazards: &[],
    },
    Entry {
        pattern: Pattern::SimdIntrinsic,
        recognised_by: "a core::arch intrinsic (_mm*, NEON names such as vld1q_u8, paths \
                        through arch)",
        families: &[],
        skips: "the CPU-feature check (safe SIMD crates check it once)",
        hazards: &[],
    },
];

impl Pattern {
    /// The table's entry for this pattern.
    pub fn entry(self) -> &'static Entry {
        TABLE
            .iter()
            .find(|e| e.pattern == self)
            .unwrap_or_else(|| unreachable!("every pattern has an entry in TABLE"))
    }

    /// The pattern's name, as the JSON spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::FromUtf8Unchecked => "from-utf8-unchecked",
            Self::FromRawParts => "from-raw-parts",
            Self::GetUnchecked => "get-unchecked",
            Self::SetLen => "set-len",
            Self::AssumeInit => "assume-init",
            Self::Transmute => "transmute",
            Self::ReadUnaligned => "read-unaligned",
            Self::PtrRead => "ptr-read",
            Self::PtrWrite => "ptr-write",
            Self::PtrArithmetic => "ptr-arithmetic",
            Self::CopyNonoverlapping => "copy-nonoverlapping",
            Self::UncheckedArithmetic => "unchecked-arithmetic",
            Self::UnreachableUnchecked => "unreachable-unchecked",
            Self::Deref => "deref",
            Self::SendSyncImpl => "send-sync-impl",
            Self::ExternCall => "extern-call",
            Self::InlineAsm => "inline-asm",
            Self::SimdIntrinsic => "simd-intrinsic",
        }
    }
}

/// The pattern a called function's name (the last path segment) names, given the whole path
/// and whether the name is declared in an extern block of the reviewed code.
pub fn of_call(path: &[String], externs: &dyn Fn(&str) -> bool) -> Option<Pattern> {
    let name = path.last()?.as_str();
    let through_ptr = path.iter().any(|s| s == "ptr");
    Some(match name {
        "from_utf8_unchecked" | "from_utf8_unchecked_mut" => Pattern::FromUtf8Unchecked,
        "from_raw_parts" | "from_raw_parts_mut" => Pattern::FromRawParts,
        "get_unchecked" | "get_unchecked_mut" => Pattern::GetUnchecked,
        "transmute" | "transmute_copy" => Pattern::Transmute,
        "read_unaligned" => Pattern::ReadUnaligned,
        "read" | "read_volatile" if through_ptr => Pattern::PtrRead,
        "write" | "write_unaligned" | "write_volatile" | "write_bytes" if through_ptr => {
            Pattern::PtrWrite
        }
        "copy_nonoverlapping" => Pattern::CopyNonoverlapping,
        "copy" if through_ptr => Pattern::CopyNonoverlapping,
        "unreachable_unchecked" => Pattern::UnreachableUnchecked,
        "assume_init" | "assume_init_ref" | "assume_init_mut" | "assume_init_read"
        | "assume_init_drop" => Pattern::AssumeInit,
        _ if path.iter().any(|s| s == "arch") || is_intrinsic_name(name) => Pattern::SimdIntrinsic,
        _ if externs(name) => Pattern::ExternCall,
        _ => return None,
    })
}

/// The pattern a method name names, given its argument count.
pub fn of_method(name: &str, args: usize) -> Option<Pattern> {
    Some(match (name, args) {
        ("get_unchecked" | "get_unchecked_mut", _) => Pattern::GetUnchecked,
        ("set_len", 1) => Pattern::SetLen,
        (
            "assume_init" | "assume_init_ref" | "assume_init_mut" | "assume_init_read"
            | "assume_init_drop",
            0,
        ) => Pattern::AssumeInit,
        ("read_unaligned", 0) => Pattern::ReadUnaligned,
        ("read" | "read_volatile", 0) => Pattern::PtrRead,
        ("write" | "write_unaligned" | "write_volatile", 1) => Pattern::PtrWrite,
        (
            "add" | "sub" | "offset" | "byte_add" | "byte_sub" | "byte_offset" | "offset_from"
            | "byte_offset_from",
            1,
        ) => Pattern::PtrArithmetic,
        ("copy_to_nonoverlapping" | "copy_from_nonoverlapping" | "copy_to" | "copy_from", 2) => {
            Pattern::CopyNonoverlapping
        }
        (m, _) if m.starts_with("unchecked_") => Pattern::UncheckedArithmetic,
        _ => return None,
    })
}

/// The pattern a macro's name names.
pub fn of_macro(name: &str) -> Option<Pattern> {
    matches!(name, "asm" | "global_asm" | "naked_asm").then_some(Pattern::InlineAsm)
}

/// x86 intrinsics start with `_mm`; NEON's are `v` + an operation + an element suffix.
fn is_intrinsic_name(name: &str) -> bool {
    if name.starts_with("_mm") {
        return true;
    }
    const SUFFIXES: &[&str] = &[
        "_u8", "_s8", "_u16", "_s16", "_u32", "_s32", "_u64", "_s64", "_f32", "_f64", "_p8",
        "_p16", "_p64",
    ];
    let Some(op) = name
        .strip_prefix('v')
        .and_then(|rest| rest.split('_').next())
    else {
        return false;
    };
    // The operation is lower-case letters and digits, and names a vector form: a 128-bit `q`
    // form, a numbered load/store (`ld1`, `st2`), a lane or an `_n_` (scalar operand) form.
    SUFFIXES.iter().any(|s| name.ends_with(s))
        && op
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && (op.ends_with('q')
            || op.chars().any(|c| c.is_ascii_digit())
            || name.contains("_lane")
            || name.contains("_n_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_has_one_entry() {
        for (i, e) in TABLE.iter().enumerate() {
            assert_eq!(
                TABLE.iter().filter(|f| f.pattern == e.pattern).count(),
                1,
                "{:?}",
                e.pattern
            );
            assert!(TABLE[..i].iter().all(|f| f.pattern < e.pattern));
        }
        assert_eq!(TABLE.len(), Pattern::SimdIntrinsic as usize + 1);
    }

    #[test]
    fn names_match_serde() {
        for e in TABLE {
            let json = serde_json::to_string(&e.pattern).expect("serialises");
            assert_eq!(json.trim_matches('"'), e.pattern.name());
        }
    }

    #[test]
    fn calls_and_methods_are_recognised() {
        let no_externs = |_: &str| false;
        let path = |s: &str| s.split("::").map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            of_call(&path("std::str::from_utf8_unchecked"), &no_externs),
            Some(Pattern::FromUtf8Unchecked)
        );
        assert_eq!(
            of_call(&path("ptr::read"), &no_externs),
            Some(Pattern::PtrRead)
        );
        assert_eq!(of_call(&path("read"), &no_externs), None);
        assert_eq!(
            of_call(&path("_mm_loadu_si128"), &no_externs),
            Some(Pattern::SimdIntrinsic)
        );
        assert_eq!(
            of_call(&path("vld1q_u8"), &no_externs),
            Some(Pattern::SimdIntrinsic)
        );
        assert_eq!(of_call(&path("value_u8"), &no_externs), None);
        assert_eq!(
            of_call(&path("strlen"), &|n: &str| n == "strlen"),
            Some(Pattern::ExternCall)
        );
        assert_eq!(of_method("set_len", 1), Some(Pattern::SetLen));
        assert_eq!(of_method("read", 1), None);
        assert_eq!(
            of_method("unchecked_shl", 1),
            Some(Pattern::UncheckedArithmetic)
        );
        assert_eq!(of_macro("asm"), Some(Pattern::InlineAsm));
    }
}
