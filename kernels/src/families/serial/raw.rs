//! The unsafe encoder and decoders: raw byte views of records and raw unaligned reads.
//!
//! `Record` is `bytemuck::Pod` (derived, so checked at compile time): `repr(C)`, no implicit
//! padding, and every bit pattern of its 24 bytes is a valid value. The SAFETY comments below
//! rely on that as "`Record: Pod`".
#![allow(unsafe_code)]

use std::slice;

use super::{ALIGNED, Record, SerialError, check_whole, digest, fold};
use crate::{Digest, RecordFold, RecordsRejected, Run};

/// Appends the records' bytes through a raw `u8` view of their memory.
pub fn encode_raw(records: &[Record], out: &mut Vec<u8>) -> Result<(), SerialError> {
    // SAFETY: the pointer and length describe exactly the memory of `records`, one allocation
    // that is valid for reads while `records` is borrowed; `Record: Pod`, so all those bytes are
    // initialised (no padding); `u8` has alignment 1 and every value valid.
    let bytes =
        unsafe { slice::from_raw_parts(records.as_ptr().cast::<u8>(), size_of_val(records)) };
    out.extend_from_slice(bytes);
    Ok(())
}

/// Views whole records with `slice::from_raw_parts`, without an alignment check.
///
/// # Safety
///
/// Behavior is undefined if any of the following conditions are violated:
/// - `bytes.as_ptr()` is aligned to `align_of::<Record>()` (8).
pub unsafe fn view_raw_unchecked(bytes: &[u8]) -> Result<&[Record], RecordsRejected> {
    let count = check_whole(bytes.len())?;
    let data = bytes.as_ptr().cast::<Record>();
    debug_assert!(data.is_aligned(), "bytes are not aligned for Record");
    // SAFETY:
    // - `data` is non-null and aligned for `Record`: it comes from a slice, and the caller
    //   guarantees the alignment (# Safety);
    // - `count * size_of::<Record>() == bytes.len()` (checked above), so the range is the
    //   initialised memory `bytes` borrows, at most `isize::MAX` bytes;
    // - `Record: Pod`, so those bytes are valid records;
    // - the view borrows `bytes`, so nothing mutates the memory while it lives.
    Ok(unsafe { slice::from_raw_parts(data, count) })
}

/// Reads each record with `ptr::read_unaligned` in a raw pointer loop and folds it.
pub fn fold_read_unaligned(bytes: &[u8]) -> Result<RecordFold, RecordsRejected> {
    let count = check_whole(bytes.len())?;
    let data = bytes.as_ptr().cast::<Record>();
    Ok(fold((0..count).map(|i| {
        // SAFETY: `i < count` and `count` whole records fill `bytes`, so record `i` starts
        // inside the allocation `bytes` borrows.
        let record = unsafe { data.add(i) };
        // SAFETY: `record` points at 24 initialised bytes inside `bytes` (above);
        // `read_unaligned` needs no alignment; `Record: Pod`, so any bytes are a valid record.
        unsafe { record.read_unaligned() }
    })))
}

/// # Safety
///
/// Behavior is undefined if any of the following conditions are violated:
/// - `bytes.as_ptr()` is aligned to `align_of::<Record>()` (8).
unsafe fn digest_view_raw_unchecked(bytes: &[u8]) -> Digest {
    // SAFETY: forwarded from this function's own # Safety section.
    let view = unsafe { view_raw_unchecked(bytes) };
    digest(view.map(|records| fold(records.iter().copied())))
}

/// Registry entry for [`view_raw_unchecked`].
pub(crate) const fn view_raw_run() -> Run {
    // SAFETY: `digest_view_raw_unchecked` requires only alignment to `align_of::<Record>()`,
    // and `ALIGNED` states exactly that.
    unsafe { Run::borrow_unchecked(digest_view_raw_unchecked, ALIGNED) }
}
