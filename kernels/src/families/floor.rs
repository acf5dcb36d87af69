//! The floor: the least work any variant could do on the same bytes.
//!
//! A floor is measured beside a family's variants so that every variant's distance to what the
//! hardware allows is visible. It is a reference, never a candidate for the verdict.

use crate::family::Variant;
use crate::{Digest, Run};

/// Reads every byte once and folds them with `|`, which the compiler vectorises. Four
/// independent lanes per 32-byte block keep the loop as unrolled as the families' own
/// reductions, so it is not handicapped against them by a single dependency chain.
pub fn read_pass(bytes: &[u8]) -> Digest {
    let (blocks, rest) = bytes.as_chunks::<32>();
    let lanes = blocks.iter().fold([0u64; 4], |mut acc, block| {
        let (words, _) = block.as_chunks::<8>();
        for (lane, word) in acc.iter_mut().zip(words) {
            *lane |= u64::from_ne_bytes(*word);
        }
        acc
    });
    let rest = rest.iter().fold(0u64, |acc, &b| acc | u64::from(b));
    Digest::Floor(lanes.iter().fold(rest, |acc, lane| acc | lane))
}

/// The registry entry for [`read_pass`], shared by every byte-oriented family.
pub static READ_PASS: Variant = Variant::floor(
    "read_pass",
    "read every byte once (vectorised OR-fold): the least work on the same bytes",
    Run::borrow(read_pass),
);
