//! What a variant returns to the harness: a small, comparable summary of its result.
//!
//! Variants of one family must agree on their digest for every input they accept; that is the
//! family's equivalence check. A digest is cheap to build from the real result (a length, a sum),
//! so reducing to it adds no measurable work to a timed call.

use std::fmt;

/// Where UTF-8 validation failed, in the terms `std::str::Utf8Error` uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Utf8Failure {
    /// Length of the longest valid prefix.
    pub valid_up_to: usize,
    /// Length of the invalid sequence, or `None` when the input ended inside a sequence.
    pub error_len: Option<u8>,
}

impl From<std::str::Utf8Error> for Utf8Failure {
    fn from(e: std::str::Utf8Error) -> Self {
        Self {
            valid_up_to: e.valid_up_to(),
            error_len: e.error_len().and_then(|n| u8::try_from(n).ok()),
        }
    }
}

impl From<simdutf8::compat::Utf8Error> for Utf8Failure {
    fn from(e: simdutf8::compat::Utf8Error) -> Self {
        Self {
            valid_up_to: e.valid_up_to(),
            error_len: e.error_len().and_then(|n| u8::try_from(n).ok()),
        }
    }
}

impl fmt::Display for Utf8Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.error_len {
            Some(n) => write!(
                f,
                "invalid UTF-8: {n}-byte invalid sequence at byte {}",
                self.valid_up_to
            ),
            None => write!(
                f,
                "invalid UTF-8: input ends inside a sequence starting at byte {}",
                self.valid_up_to
            ),
        }
    }
}

/// A decode of fixed-layout records, reduced: how many, and a fold of every field of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecordFold {
    /// Number of records.
    pub count: usize,
    /// Wrapping sums of every field, mixed into one word.
    pub fold: u64,
}

/// Why bytes were not decoded as records, in a form every decoder can agree on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordsRejected {
    /// The length is not a whole number of records.
    WrongLength {
        /// Length of the bytes.
        len: usize,
        /// Size of one record.
        record_size: usize,
    },
    /// A zero-copy view was asked of bytes not aligned for the record type.
    Misaligned {
        /// Distance of the first byte from the previous aligned address.
        offset: usize,
        /// The record type's alignment.
        align: usize,
    },
    /// A text or binary document that does not parse as records.
    Malformed,
}

impl fmt::Display for RecordsRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongLength { len, record_size } => write!(
                f,
                "{len} bytes are not a whole number of {record_size}-byte records"
            ),
            Self::Misaligned { offset, align } => write!(
                f,
                "the bytes start {offset} bytes past a {align}-byte boundary; a view needs them aligned"
            ),
            Self::Malformed => f.write_str("the document does not parse as records"),
        }
    }
}

/// The comparable result of one call of a variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Digest {
    /// A UTF-8 conversion: the length of the resulting `str`, or where validation failed.
    Utf8(Result<usize, Utf8Failure>),
    /// A reduction over whole little-endian words: their wrapping sum, widened to `u64`.
    WordSum {
        /// The wrapping sum of the words.
        sum: u64,
        /// How many whole words were summed.
        words: usize,
    },
    /// Records decoded (or encoded, then decoded back), or why the bytes are not records.
    Records(Result<RecordFold, RecordsRejected>),
    /// A pool workload: how many operations ran and the wrapping sum of their checksums.
    Workload {
        /// Operations run.
        ops: usize,
        /// Wrapping sum of every operation's checksum.
        checksum: u64,
    },
    /// A filled buffer: its length and a hash of its bytes ([`hash_bytes`]).
    Bytes {
        /// Length of the buffer.
        len: usize,
        /// Hash of every byte in its place.
        hash: u64,
    },
    /// A floor's read-only pass; not a candidate, so never compared with the others.
    Floor(u64),
}

/// A hash of `bytes` in which every byte and its position count, for comparing outputs (not
/// for security). Computed outside timing.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    use crate::generate::{SEED, mix};
    let (words, tail) = bytes.as_chunks::<8>();
    let hash = words
        .iter()
        .fold(SEED, |h, word| mix(h ^ u64::from_le_bytes(*word)));
    let mut last = [0u8; 8];
    last[..tail.len()].copy_from_slice(tail);
    mix(hash ^ u64::from_le_bytes(last) ^ (tail.len() as u64) << 59)
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Utf8(Ok(len)) => write!(f, "valid UTF-8, {len} bytes"),
            Self::Utf8(Err(e)) => write!(f, "{e}"),
            Self::WordSum { sum, words } => {
                write!(f, "wrapping sum of {words} words = {sum} ({sum:#x})")
            }
            Self::Records(Ok(RecordFold { count, fold })) => {
                write!(f, "{count} records, field fold = {fold:#x}")
            }
            Self::Records(Err(e)) => write!(f, "{e}"),
            Self::Workload { ops, checksum } => {
                write!(f, "{ops} operations, checksum = {checksum:#x}")
            }
            Self::Bytes { len, hash } => write!(f, "{len} bytes, hash = {hash:#x}"),
            Self::Floor(v) => write!(f, "floor pass, fold = {v:#x}"),
        }
    }
}
