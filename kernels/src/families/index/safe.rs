//! The safe gathers: a counted loop, plain indexing, `get` with a default, and a clamp.
//!
//! Each sums in `u64` with wrapping adds, one lookup after another, like the unsafe ones: the
//! loops differ only in how each key is checked.

use super::Lookups;

/// What most code writes: a counted loop indexing both the keys and the table.
pub fn sum_indexed_loop(lookups: &Lookups) -> u64 {
    let (table, keys) = (lookups.table(), lookups.keys());
    let mut sum = 0u64;
    for i in 0..keys.len() {
        sum = sum.wrapping_add(u64::from(table[keys[i] as usize]));
    }
    sum
}

/// `table[key]` over an iterator of the keys: checked, panicking on a key out of bounds (none is, in a [`Lookups`]).
pub fn sum_indexing(lookups: &Lookups) -> u64 {
    let table = lookups.table();
    lookups.keys().iter().fold(0, |sum, &key| {
        sum.wrapping_add(u64::from(table[key as usize]))
    })
}

/// `table.get(key)` with 0 for a missing key: still checked, but with no panic path.
pub fn sum_get_or_zero(lookups: &Lookups) -> u64 {
    let table = lookups.table();
    lookups.keys().iter().fold(0, |sum, &key| {
        sum.wrapping_add(u64::from(table.get(key as usize).copied().unwrap_or(0)))
    })
}

/// `table[min(key, len - 1)]`: the compiler can prove the clamped key in bounds, so the check
/// becomes a branch-free compare and select. The same result for keys in bounds, which every
/// key of a [`Lookups`] is.
pub fn sum_clamped(lookups: &Lookups) -> u64 {
    let table = lookups.table();
    let Some(last) = table.len().checked_sub(1) else {
        // No table: no keys either (none could be in bounds).
        return 0;
    };
    lookups.keys().iter().fold(0, |sum, &key| {
        sum.wrapping_add(u64::from(table[(key as usize).min(last)]))
    })
}

/// `table[key]` over the keys in chunks of eight, each chunk's lookups summed apart: the same
/// checks, but a loop body the compiler schedules eight lookups at a time (a panic path in the
/// loop otherwise keeps it from unrolling).
pub fn sum_chunked(lookups: &Lookups) -> u64 {
    let table = lookups.table();
    let look = |key: u32| u64::from(table[key as usize]);
    let chunks = lookups.keys().chunks_exact(8);
    let tail = chunks
        .remainder()
        .iter()
        .fold(0u64, |sum, &key| sum.wrapping_add(look(key)));
    chunks.fold(tail, |sum, chunk| {
        let chunk_sum = chunk.iter().fold(0u64, |s, &key| s.wrapping_add(look(key)));
        sum.wrapping_add(chunk_sum)
    })
}
