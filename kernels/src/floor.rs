//! The floor: the least work any variant could do on the same bytes.
//!
//! A floor is measured beside a family's variants so that every variant's distance to what the
//! hardware allows is visible. It is a reference, never a candidate for the verdict.

use crate::registry::{Kind, Variant};
use crate::{Digest, Run};

/// Reads every byte once and folds them with `|`, which the compiler vectorises; nothing cheaper
/// can still look at all the input.
pub fn read_pass(bytes: &[u8]) -> Digest {
    let (words, tail) = bytes.as_chunks::<8>();
    let folded = words
        .iter()
        .fold(0u64, |acc, w| acc | u64::from_ne_bytes(*w));
    let tail = tail.iter().fold(0u64, |acc, &b| acc | u64::from(b));
    Digest::Floor(folded | tail)
}

/// The registry entry for [`read_pass`], shared by every byte-oriented family.
pub static READ_PASS: Variant = Variant {
    name: "read_pass",
    kind: Kind::Floor,
    description: "read every byte once (vectorised OR-fold): the least work on the same bytes",
    invariants: &[],
    skips: &[],
    run: Run::borrow(read_pass),
};
