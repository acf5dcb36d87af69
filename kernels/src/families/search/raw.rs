//! The unsafe searches: the branch-free loop with `get_unchecked`, and with a raw pointer for
//! its base. Neither needs a check of its own: the search's invariant keeps every probe inside
//! any table, sorted or not, so both are sound safe functions.
#![allow(unsafe_code)]

use std::hint::select_unpredictable;

use super::each_query;

/// [`super::safe::lower_bound_branchless`] without the checks.
pub fn lower_bound_get_unchecked(table: &[u32], query: u32) -> usize {
    let mut size = table.len();
    if size == 0 {
        return 0;
    }
    let mut base = 0;
    // Invariant: `1 <= size` and `base + size <= table.len()`. A step keeps it: `size - half`
    // stays at least 1, and `base` moves to `base + half` only as `size` shrinks by `half`.
    while size > 1 {
        let half = size / 2;
        let mid = base + half;
        // SAFETY: `half < size`, so `mid < base + size <= table.len()` (the invariant).
        let probe = unsafe { *table.get_unchecked(mid) };
        base = select_unpredictable(probe < query, mid, base);
        size -= half;
    }
    // SAFETY: `size == 1`, so `base < base + size <= table.len()` (the invariant).
    let last = unsafe { *table.get_unchecked(base) };
    base + usize::from(last < query)
}

/// The same search with the base as a pointer into the table; the position is its distance
/// from the table's start.
pub fn lower_bound_ptr_add(table: &[u32], query: u32) -> usize {
    let mut size = table.len();
    if size == 0 {
        return 0;
    }
    let start = table.as_ptr();
    let mut base = start;
    // Invariant: `base == start + b` with `1 <= size` and `b + size <= table.len()`, kept as in
    // `lower_bound_get_unchecked`.
    while size > 1 {
        let half = size / 2;
        // SAFETY: `b + half < b + size <= table.len()`: the result points into the table.
        let mid = unsafe { base.add(half) };
        // SAFETY: `mid` points at an entry of the table (above), initialised, aligned, and
        // not written while `table` is borrowed.
        let probe = unsafe { *mid };
        base = select_unpredictable(probe < query, mid, base);
        size -= half;
    }
    // SAFETY: `base == start + b` with `b < table.len()` (`size == 1`): both point into the
    // table, `base` at or after `start`, a whole number of entries apart.
    let position = unsafe { base.offset_from_unsigned(start) };
    // SAFETY: `base` points at entry `b` of the table, as above.
    let last = unsafe { *base };
    position + usize::from(last < query)
}

/// Every query by [`lower_bound_get_unchecked`].
pub fn search_get_unchecked(table: &[u32], queries: &[u32], out: &mut [usize]) {
    each_query(table, queries, out, lower_bound_get_unchecked);
}

/// Every query by [`lower_bound_ptr_add`].
pub fn search_ptr_add(table: &[u32], queries: &[u32], out: &mut [usize]) {
    each_query(table, queries, out, lower_bound_ptr_add);
}
