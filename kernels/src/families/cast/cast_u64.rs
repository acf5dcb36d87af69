//! Family `cast_u64`: the `cast` family's variants with `u64` words, where `misaligned+4` is
//! aligned for `u32` but not for `u64` (the case a `u32`-tested cast gets wrong).

use super::Table;
use crate::Unit;
use crate::family::Family;

/// Family `cast_u64`: bytes as `u64` words.
pub static CAST_U64: Family = Family {
    name: "cast_u64",
    title: "slice reinterpretation as u64",
    summary: "&[u8] viewed as &[u64] and summed; misaligned+4 is aligned for u32 but not u64.",
    compares: "wrapping sum and count of the whole little-endian u64 words (tail bytes ignored)",
    variants: &Table::<u64>::VARIANTS,
    reference: "chunks_exact",
    reference_copy: Table::<u64>::REFERENCE_COPY,
    floor: crate::families::floor::Floor::Measured(&crate::families::floor::READ_PASS),
    headline: ("aligned", 64 << 10),
    unit: Unit::Bytes,
    inputs: super::inputs::specs::<u64>,
    takes_files: true,
    spawns_threads: false,
    edge_cases: crate::family::no_edge_cases,
};
