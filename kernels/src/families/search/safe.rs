//! The safe searches: the textbook loop, the branch-free loop with checked indexing, the same
//! loop on a shrinking slice (keeping the position, or taking it from the slice's offset at
//! the end), and the standard library's `partition_point`.

use std::hint::select_unpredictable;

use super::each_query;

/// What a textbook writes: `lo..hi` narrowed by a branch on each comparison. The loop's
/// invariant `hi <= table.len()` is not one the compiler tracks, so `table[mid]` is checked.
pub fn lower_bound_indexed_loop(table: &[u32], query: u32) -> usize {
    let (mut lo, mut hi) = (0, table.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if table[mid] < query {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Branch-free: the candidates are `table[base..base + size]`, halved each step by moving
/// `base` to the middle or not, chosen without a branch. `base + half < table.len()` holds,
/// but only through the loop's history, so the index is checked.
pub fn lower_bound_branchless(table: &[u32], query: u32) -> usize {
    let mut size = table.len();
    if size == 0 {
        return 0;
    }
    let mut base = 0;
    while size > 1 {
        let half = size / 2;
        let mid = base + half;
        base = select_unpredictable(table[mid] < query, mid, base);
        size -= half;
    }
    base + usize::from(table[base] < query)
}

/// The same steps on the candidates as a slice: `rest[half]` with `half < rest.len()` is an
/// index the compiler can prove from the slice alone, and both halves have the same length.
pub fn lower_bound_halving_slices(table: &[u32], query: u32) -> usize {
    let (mut rest, mut base) = (table, 0);
    while rest.len() > 1 {
        let half = rest.len() / 2;
        let right = rest[half] < query;
        base = select_unpredictable(right, base + half, base);
        rest = select_unpredictable(right, &rest[half..], &rest[..rest.len() - half]);
    }
    // One candidate left, or none in an empty table: a pattern, not an index, either way.
    match rest {
        [last] => base + usize::from(*last < query),
        _ => base,
    }
}

/// The shrinking slice alone, as `ptr_add` walks its pointer: no position is kept in the
/// loop, so each step only moves the slice's start. The position is the slice's offset in the
/// table, taken from the two addresses at the end (comparing addresses reads nothing).
pub fn lower_bound_subslice_offset(table: &[u32], query: u32) -> usize {
    let mut rest = table;
    while rest.len() > 1 {
        let half = rest.len() / 2;
        let right = rest[half] < query;
        rest = select_unpredictable(right, &rest[half..], &rest[..rest.len() - half]);
    }
    let base = (rest.as_ptr().addr() - table.as_ptr().addr()) / size_of::<u32>();
    match rest {
        [last] => base + usize::from(*last < query),
        _ => base,
    }
}

/// The standard library's lower bound.
pub fn lower_bound_partition_point(table: &[u32], query: u32) -> usize {
    table.partition_point(|&x| x < query)
}

/// Every query by [`lower_bound_indexed_loop`].
pub fn search_indexed_loop(table: &[u32], queries: &[u32], out: &mut [usize]) {
    each_query(table, queries, out, lower_bound_indexed_loop);
}

/// Every query by [`lower_bound_branchless`].
pub fn search_branchless(table: &[u32], queries: &[u32], out: &mut [usize]) {
    each_query(table, queries, out, lower_bound_branchless);
}

/// Every query by [`lower_bound_halving_slices`].
pub fn search_halving_slices(table: &[u32], queries: &[u32], out: &mut [usize]) {
    each_query(table, queries, out, lower_bound_halving_slices);
}

/// Every query by [`lower_bound_subslice_offset`].
pub fn search_subslice_offset(table: &[u32], queries: &[u32], out: &mut [usize]) {
    each_query(table, queries, out, lower_bound_subslice_offset);
}

/// Every query by [`lower_bound_partition_point`].
pub fn search_partition_point(table: &[u32], queries: &[u32], out: &mut [usize]) {
    each_query(table, queries, out, lower_bound_partition_point);
}
