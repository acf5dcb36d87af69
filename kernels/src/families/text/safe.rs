//! The safe ways to turn bytes into text, and the copying baseline.

use super::OwnedUtf8Error;
use crate::Utf8Failure;

/// `std::str::from_utf8`: the standard library's validator, with an ASCII fast path.
pub fn from_utf8_std(bytes: &[u8]) -> Result<&str, Utf8Failure> {
    std::str::from_utf8(bytes).map_err(Utf8Failure::from)
}

/// simdutf8's basic flavour: the fastest SIMD check, which on failure says only *that* the
/// input is invalid; std then finds *where*, so errors match std's exactly. Failure is the rare
/// path, so the second pass costs nothing on valid input.
pub fn simdutf8_basic(bytes: &[u8]) -> Result<&str, Utf8Failure> {
    simdutf8::basic::from_utf8(bytes).or_else(|_| from_utf8_std(bytes))
}

/// simdutf8's compat flavour: SIMD validation that reports the error position itself.
pub fn simdutf8_compat(bytes: &[u8]) -> Result<&str, Utf8Failure> {
    simdutf8::compat::from_utf8(bytes).map_err(Utf8Failure::from)
}

/// simdutf8's check, then a copy into a new `String`: the fastest safe way to an owned `String`
/// (`String::from_utf8` would take the buffer over but validate again with std's slower
/// validator). The copy is the price of staying safe.
pub fn simdutf8_to_string(bytes: &[u8]) -> Result<String, Utf8Failure> {
    simdutf8_basic(bytes).map(str::to_owned)
}

/// What most code writes: validate, then copy into a new `String`.
pub fn to_owned_string(bytes: &[u8]) -> Result<String, Utf8Failure> {
    from_utf8_std(bytes).map(str::to_owned)
}

/// `String::from_utf8`: validates and takes over the buffer without copying.
pub fn string_from_utf8_std(bytes: Vec<u8>) -> Result<String, OwnedUtf8Error> {
    String::from_utf8(bytes).map_err(|e| OwnedUtf8Error {
        failure: e.utf8_error().into(),
        bytes: e.into_bytes(),
    })
}
