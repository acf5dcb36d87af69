//! The unsafe ways to read bytes as words: a raw cast, `align_to`, and raw unaligned reads.
//!
//! Every word type here is `bytemuck::Pod` (a bound of [`Word`]): it has no padding and every bit
//! pattern is a valid value. The SAFETY comments below rely on that as "`W: Pod`".
#![allow(unsafe_code)]

use std::slice;

use super::safe::{sum_chunks_exact, sum_words, whole_words};
use super::{Word, digest};
use crate::{Digest, Precondition, Run};

/// Views the whole words of `bytes` as `&[W]` with `slice::from_raw_parts`, then sums them.
///
/// # Safety
///
/// Behavior is undefined if any of the following conditions are violated:
/// - `bytes.as_ptr()` is aligned to `align_of::<W>()`.
pub unsafe fn sum_cast_raw_unchecked<W: Word>(bytes: &[u8]) -> W {
    let data = bytes.as_ptr().cast::<W>();
    debug_assert!(data.is_aligned(), "bytes are not aligned for {}", W::NAME);
    let len = bytes.len() / size_of::<W>();
    // SAFETY:
    // - `data` is non-null and aligned for `W`: it comes from a slice, and the caller guarantees
    //   the alignment (# Safety);
    // - `len * size_of::<W>() <= bytes.len()`, so the range is inside the one allocation `bytes`
    //   borrows, is initialised, and is at most `isize::MAX` bytes;
    // - `W: Pod`, so those initialised bytes are valid `W`s;
    // - the view borrows `bytes`, so nothing mutates the memory while it lives.
    let words = unsafe { slice::from_raw_parts(data, len) };
    sum_words(words)
}

/// `<[u8]>::align_to::<W>()`, summing the aligned middle when it starts at the first word;
/// otherwise the words straddle alignment boundaries and `chunks_exact` reads them.
pub fn sum_align_to<W: Word>(bytes: &[u8]) -> W {
    let whole = whole_words::<W>(bytes);
    // SAFETY: `align_to` transmutes the middle part to `W`; `W: Pod`, so every bit pattern of
    // those bytes is a valid `W` and there is no padding to expose.
    let (prefix, words, suffix) = unsafe { whole.align_to::<W>() };
    if prefix.is_empty() && suffix.is_empty() {
        sum_words(words)
    } else {
        // Misaligned input, or an implementation that declined to split (it may).
        sum_chunks_exact(bytes)
    }
}

/// Reads each whole word with `ptr::read_unaligned` in a raw pointer loop.
pub fn sum_read_unaligned<W: Word>(bytes: &[u8]) -> W {
    let data = bytes.as_ptr().cast::<W>();
    let len = bytes.len() / size_of::<W>();
    let mut sum = W::default();
    // Loop invariant: `i < len`, so word `i` occupies bytes `i * size .. (i + 1) * size`, which
    // lie inside `bytes`.
    for i in 0..len {
        // SAFETY: by the loop invariant the offset stays inside the allocation `bytes` borrows.
        let word = unsafe { data.add(i) };
        // SAFETY: `word` points at `size_of::<W>()` initialised bytes inside `bytes` (loop
        // invariant); `read_unaligned` needs no alignment; `W: Pod`, so any bytes are a valid
        // `W`.
        let value = unsafe { word.read_unaligned() };
        sum = sum.wrapping_add(W::from_le(value));
    }
    sum
}

/// # Safety
///
/// Behavior is undefined if any of the following conditions are violated:
/// - `bytes.as_ptr()` is aligned to `align_of::<W>()`.
unsafe fn digest_cast_raw_unchecked<W: Word>(bytes: &[u8]) -> Digest {
    // SAFETY: forwarded from this function's own # Safety section.
    let sum = unsafe { sum_cast_raw_unchecked::<W>(bytes) };
    digest(sum, bytes.len())
}

/// Registry entry for [`sum_cast_raw_unchecked`].
pub(crate) const fn cast_raw_run<W: Word>() -> Run {
    assert!(
        matches!(W::ALIGNED, [Precondition::AlignedFor { align, .. }] if *align == align_of::<W>()),
        "Word::ALIGNED must state exactly the word's alignment"
    );
    // SAFETY: `digest_cast_raw_unchecked::<W>` requires only alignment to `align_of::<W>()`, and
    // `W::ALIGNED` states exactly that (asserted above, at compile time for the registry).
    unsafe { Run::borrow_unchecked(digest_cast_raw_unchecked::<W>, W::ALIGNED) }
}
