//! Families `cast` (here) and `cast_u64` ([`cast_u64`]): slice reinterpretation.
//!
//! Viewing `&[u8]` as `&[u32]` with `slice::from_raw_parts` is the classic "it's faster" unsafe
//! block. Each variant gets the words some way — a raw cast, `align_to`, bytemuck's and
//! zerocopy's checked casts, `chunks_exact` + `from_le_bytes`, raw unaligned reads — and feeds
//! them to the same realistic consumer, a wrapping sum, so the cost of obtaining the view shows
//! where it matters: inside a loop that uses it.
//!
//! One definition covers every word type: the tail that does not fill a whole word is ignored by
//! every variant, and words are read little-endian everywhere (`from_le` is free on
//! little-endian targets), so all variants agree on every target and every alignment.

pub mod cast_u64;
pub mod inputs;
pub mod raw;
pub mod safe;

use std::marker::PhantomData;

use super::floor;
use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Precondition, Run, Unit};

/// This family's unsafe code, where its unsafe variants' items are counted.
const RAW: crate::unsafe_code::RawFile = crate::unsafe_code::raw_file!("cast");

/// An element type bytes are reinterpreted as.
pub trait Word:
    bytemuck::Pod + zerocopy::FromBytes + zerocopy::Immutable + Default + Send + Sync
{
    /// The type's name.
    const NAME: &'static str;
    /// The same integer stored little-endian with alignment 1 (zerocopy's byte-order types).
    type Le: zerocopy::FromBytes
        + zerocopy::Immutable
        + zerocopy::KnownLayout
        + zerocopy::Unaligned
        + Copy;
    /// The precondition of a view that needs `Self`'s alignment.
    const ALIGNED: &'static [Precondition];
    /// The input misalignments this family is generated at.
    const OFFSETS: &'static [usize];
    /// The input sizes this family is generated at.
    const SIZES: &'static [usize];

    /// Wrapping addition.
    fn wrapping_add(self, other: Self) -> Self;
    /// Converts from little-endian (a no-op on little-endian targets).
    fn from_le(word: Self) -> Self;
    /// Reads one word from exactly `size_of::<Self>()` little-endian bytes.
    fn from_le_chunk(chunk: &[u8]) -> Self;
    /// Reads a zerocopy little-endian word.
    fn from_le_word(word: Self::Le) -> Self;
    /// Widens to `u64` for the digest.
    fn widen(self) -> u64;
}

impl Word for u32 {
    const NAME: &'static str = "u32";
    type Le = zerocopy::little_endian::U32;
    const ALIGNED: &'static [Precondition] = &[Precondition::AlignedFor {
        align: align_of::<u32>(),
        type_name: "u32",
    }];
    const OFFSETS: &'static [usize] = &[0, 1, 2, 3];
    const SIZES: &'static [usize] = &crate::generate::SIZES;

    fn wrapping_add(self, other: Self) -> Self {
        self.wrapping_add(other)
    }
    fn from_le(word: Self) -> Self {
        u32::from_le(word)
    }
    fn from_le_chunk(chunk: &[u8]) -> Self {
        let Ok(bytes) = chunk.try_into() else {
            unreachable!("chunk of {} bytes is not one u32", chunk.len())
        };
        u32::from_le_bytes(bytes)
    }
    fn from_le_word(word: Self::Le) -> Self {
        word.get()
    }
    fn widen(self) -> u64 {
        u64::from(self)
    }
}

impl Word for u64 {
    const NAME: &'static str = "u64";
    type Le = zerocopy::little_endian::U64;
    const ALIGNED: &'static [Precondition] = &[Precondition::AlignedFor {
        align: align_of::<u64>(),
        type_name: "u64",
    }];
    // +4 is aligned for u32 but not for u64: the case a u32-tested cast gets wrong.
    const OFFSETS: &'static [usize] = &[0, 1, 4];
    const SIZES: &'static [usize] = &[256, 64 << 10, 1 << 20];

    fn wrapping_add(self, other: Self) -> Self {
        self.wrapping_add(other)
    }
    fn from_le(word: Self) -> Self {
        u64::from_le(word)
    }
    fn from_le_chunk(chunk: &[u8]) -> Self {
        let Ok(bytes) = chunk.try_into() else {
            unreachable!("chunk of {} bytes is not one u64", chunk.len())
        };
        u64::from_le_bytes(bytes)
    }
    fn from_le_word(word: Self::Le) -> Self {
        word.get()
    }
    fn widen(self) -> u64 {
        self
    }
}

/// The digest of a sum over the whole words of `len` bytes.
fn digest<W: Word>(sum: W, len: usize) -> Digest {
    Digest::WordSum {
        sum: sum.widen(),
        words: len / size_of::<W>(),
    }
}

const SKIPS_ALIGNMENT: &[&str] = &["the alignment check (bytemuck/zerocopy do it once per slice)"];

/// The variants, written once for every word type.
pub(crate) struct Table<W>(PhantomData<W>);

impl<W: Word> Table<W> {
    /// The A/A control: a separately compiled copy of the reference, `chunks_exact`.
    pub(crate) const REFERENCE_COPY: Run = Run::borrow(|b| {
        std::hint::black_box(crate::families::COPY_MARK);
        digest(safe::sum_chunks_exact::<W>(b), b.len())
    });

    pub(crate) const VARIANTS: [Variant; 7] = [
        Variant::baseline(
            "collect_vec",
            "chunks_exact + from_le_bytes collected into a Vec, then summed",
            Run::borrow(|b| digest(safe::sum_collect_vec::<W>(b), b.len())),
        ),
        Variant::safe(
            "chunks_exact",
            "chunks_exact + from_le_bytes: alignment-free, endian-explicit",
            Run::borrow(|b| digest(safe::sum_chunks_exact::<W>(b), b.len())),
        ),
        Variant::safe(
            "bytemuck",
            "bytemuck::try_cast_slice view; chunks_exact when misaligned",
            Run::borrow(|b| digest(safe::sum_bytemuck::<W>(b), b.len())),
        ),
        Variant::safe(
            "zerocopy",
            "zerocopy view as little-endian words of alignment 1 (any address)",
            Run::borrow(|b| digest(safe::sum_zerocopy::<W>(b), b.len())),
        ),
        Variant::with_unsafe(
            "cast_raw",
            "slice::from_raw_parts(ptr as *const W, len / size): aligned input only",
            Unsafety::new(
                &[
                    "the first byte is aligned for the word type",
                    "len / size_of::<W>() words lie inside the byte slice",
                    "the view does not outlive the borrowed bytes",
                    "every bit pattern is a valid word",
                ],
                SKIPS_ALIGNMENT,
                RAW.code(&["pub unsafe fn sum_cast_raw_unchecked<"]),
            ),
            raw::cast_raw_run::<W>(),
        ),
        Variant::with_unsafe(
            "align_to",
            "<[u8]>::align_to (unsafe: the compiler cannot see that every bit pattern \
                          is a word); chunks_exact when the words do not start aligned",
            Unsafety::new(
                &["every bit pattern is a valid word"],
                &[],
                RAW.code(&["pub fn sum_align_to<"]),
            ),
            Run::borrow(|b| digest(raw::sum_align_to::<W>(b), b.len())),
        ),
        Variant::with_unsafe(
            "read_unaligned",
            "raw pointer loop of ptr::read_unaligned over whole words, without \
                          bounds checks (the safe iterators elide them too)",
            Unsafety::new(
                &[
                    "every read lies inside the byte slice",
                    "every bit pattern is a valid word",
                ],
                &[],
                RAW.code(&["pub fn sum_read_unaligned<"]),
            ),
            Run::borrow(|b| digest(raw::sum_read_unaligned::<W>(b), b.len())),
        ),
    ];
}

/// Family `cast`: bytes as `u32` words.
pub static CAST: Family = Family {
    name: "cast",
    title: "slice reinterpretation as u32",
    summary: "&[u8] viewed as &[u32] and summed: what a raw from_raw_parts cast buys over \
              bytemuck, zerocopy and chunks_exact, aligned and misaligned.",
    compares: "wrapping sum and count of the whole little-endian u32 words (tail bytes ignored)",
    variants: &Table::<u32>::VARIANTS,
    reference: "chunks_exact",
    reference_copy: Table::<u32>::REFERENCE_COPY,
    floor: floor::Floor::Measured(&floor::READ_PASS),
    headline: ("aligned", 64 << 10),
    unit: Unit::Bytes,
    inputs: inputs::specs::<u32>,
    takes_files: true,
    spawns_threads: false,
    edge_cases: crate::family::no_edge_cases,
};
