//! The unsafe conversions: skipping UTF-8 validation, or restating a validation done elsewhere
//! to the type system, and the registry entries that state what each one requires.
#![allow(unsafe_code)]

use super::OwnedUtf8Error;
use crate::{Digest, Precondition, Run, Utf8Failure};

/// Views bytes as `str` without checking them.
///
/// # Safety
///
/// Behavior is undefined if any of the following conditions are violated:
/// - `bytes` is valid UTF-8.
pub unsafe fn from_utf8_unchecked(bytes: &[u8]) -> &str {
    debug_assert!(std::str::from_utf8(bytes).is_ok(), "bytes are not UTF-8");
    // SAFETY: the caller guarantees that `bytes` is valid UTF-8 (# Safety).
    unsafe { std::str::from_utf8_unchecked(bytes) }
}

/// Takes over a buffer as `String` without checking it.
///
/// # Safety
///
/// Behavior is undefined if any of the following conditions are violated:
/// - `bytes` is valid UTF-8.
pub unsafe fn string_from_utf8_unchecked(bytes: Vec<u8>) -> String {
    debug_assert!(std::str::from_utf8(&bytes).is_ok(), "bytes are not UTF-8");
    // SAFETY: the caller guarantees that `bytes` is valid UTF-8 (# Safety).
    unsafe { String::from_utf8_unchecked(bytes) }
}

/// Validates with simdutf8, then takes over the buffer with `String::from_utf8_unchecked`: a
/// safe function over our own unsafe, so its soundness rests on the check below.
pub fn string_simdutf8_then_unchecked(bytes: Vec<u8>) -> Result<String, OwnedUtf8Error> {
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        let failure = match simdutf8::compat::from_utf8(&bytes) {
            Err(e) => Utf8Failure::from(e),
            Ok(_) => unreachable!("simdutf8's basic and compat flavours disagree"),
        };
        return Err(OwnedUtf8Error { failure, bytes });
    }
    // SAFETY: `simdutf8::basic::from_utf8` just returned `Ok` for exactly these bytes, so they
    // are valid UTF-8; nothing has touched them since.
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

/// # Safety
///
/// Behavior is undefined if any of the following conditions are violated:
/// - `bytes` is valid UTF-8.
unsafe fn digest_from_utf8_unchecked(bytes: &[u8]) -> Digest {
    // SAFETY: forwarded from this function's own # Safety section.
    let text = unsafe { from_utf8_unchecked(bytes) };
    Digest::Utf8(Ok(text.len()))
}

/// # Safety
///
/// Behavior is undefined if any of the following conditions are violated:
/// - `bytes` is valid UTF-8.
unsafe fn digest_string_from_utf8_unchecked(bytes: Vec<u8>) -> (Digest, Vec<u8>) {
    // SAFETY: forwarded from this function's own # Safety section.
    let text = unsafe { string_from_utf8_unchecked(bytes) };
    (Digest::Utf8(Ok(text.len())), text.into_bytes())
}

/// Registry entry for [`from_utf8_unchecked`].
pub(crate) const FROM_UTF8_UNCHECKED: Run =
    // SAFETY: `digest_from_utf8_unchecked` requires only that its bytes are valid UTF-8, which
    // is exactly the precondition listed.
    unsafe { Run::borrow_unchecked(digest_from_utf8_unchecked, &[Precondition::ValidUtf8]) };

/// Registry entry for [`string_from_utf8_unchecked`].
pub(crate) const STRING_FROM_UTF8_UNCHECKED: Run =
    // SAFETY: `digest_string_from_utf8_unchecked` requires only that its bytes are valid UTF-8,
    // which is exactly the precondition listed, and it returns its buffer unchanged (the
    // `String` it built, turned back into bytes).
    unsafe {
        Run::consume_unchecked(
            digest_string_from_utf8_unchecked,
            &[Precondition::ValidUtf8],
        )
    };
