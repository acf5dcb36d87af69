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
    /// A floor's read-only pass; not a candidate, so never compared with the others.
    Floor(u64),
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Utf8(Ok(len)) => write!(f, "valid UTF-8, {len} bytes"),
            Self::Utf8(Err(e)) => write!(f, "{e}"),
            Self::WordSum { sum, words } => {
                write!(f, "wrapping sum of {words} words = {sum} ({sum:#x})")
            }
            Self::Floor(v) => write!(f, "floor pass, fold = {v:#x}"),
        }
    }
}
