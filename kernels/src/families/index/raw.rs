//! The unsafe gathers: `get_unchecked` and raw pointer reads, both relying on the fact a
//! [`Lookups`] carries (every key is below the table's length).
#![allow(unsafe_code)]

use super::Lookups;

/// `table.get_unchecked(key)`: no check.
pub fn sum_get_unchecked(lookups: &Lookups) -> u64 {
    let table = lookups.table();
    lookups.keys().iter().fold(0, |sum, &key| {
        // SAFETY: `key < table.len()`, checked for every key by `Lookups::new`, the only way
        // safe code gets a `Lookups`; the table and keys are immutable behind `&Lookups`.
        let value = unsafe { *table.get_unchecked(key as usize) };
        sum.wrapping_add(u64::from(value))
    })
}

/// Raw pointers: the keys walked from start to end, each value read at `table.add(key)`.
pub fn sum_ptr_add(lookups: &Lookups) -> u64 {
    let table = lookups.table().as_ptr();
    let keys = lookups.keys().as_ptr_range();
    let mut at = keys.start;
    let mut sum = 0u64;
    while at != keys.end {
        // SAFETY: `keys.start <= at < keys.end`, so `at` points at a key of the slice.
        let key = unsafe { *at };
        // SAFETY: `key < table.len()` (checked by `Lookups::new` for every key), so the
        // offset stays inside the table.
        let slot = unsafe { table.add(key as usize) };
        // SAFETY: `slot` points at an initialised value of the table, which outlives this call.
        let value = unsafe { *slot };
        sum = sum.wrapping_add(u64::from(value));
        // SAFETY: `at < keys.end`, so one past it is at most the end of the keys.
        at = unsafe { at.add(1) };
    }
    sum
}
