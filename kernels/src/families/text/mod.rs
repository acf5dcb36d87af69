//! Family `text`: zero-copy byte/string conversion.
//!
//! Turning bytes into `&str` or `String` costs one UTF-8 validation pass; `from_utf8_unchecked`
//! skips it. That "speedup" is only real where the bytes were already validated elsewhere, so the
//! family measures the unchecked conversions beside the fastest safe validators (std, simdutf8)
//! and the copying code most programs write, both for borrowed bytes (`&[u8] -> &str`) and for
//! owned buffers taken over without a copy (`Vec<u8> -> String`).

pub mod inputs;
pub mod raw;
pub mod safe;

use super::floor;
use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Run, Unit, Utf8Failure};

/// This family's unsafe code, where its unsafe variants' items are counted.
const RAW: crate::unsafe_code::RawFile = crate::unsafe_code::raw_file!("text");

/// An owned conversion that failed: where, and the buffer given back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedUtf8Error {
    /// Where validation failed.
    pub failure: Utf8Failure,
    /// The buffer, returned unchanged.
    pub bytes: Vec<u8>,
}

fn digest_str(result: Result<&str, Utf8Failure>) -> Digest {
    Digest::Utf8(result.map(str::len))
}

fn digest_string(result: Result<String, OwnedUtf8Error>) -> (Digest, Vec<u8>) {
    match result {
        Ok(text) => (Digest::Utf8(Ok(text.len())), text.into_bytes()),
        Err(e) => (Digest::Utf8(Err(e.failure)), e.bytes),
    }
}

const SKIPS_VALIDATION: &[&str] = &["UTF-8 validation"];
const VALID_UTF8: &[&str] = &["the bytes are valid UTF-8"];

/// The `text` family.
pub static TEXT: Family = Family {
    name: "text",
    title: "zero-copy byte/string conversion",
    summary: "Bytes to &str and Vec<u8> to String: what skipping UTF-8 validation buys over the \
              fastest safe validators, and what avoiding the copy buys over to_owned.",
    compares: "length of the resulting string, or std's (valid_up_to, error_len) on invalid input",
    variants: &[
        // The digest reads only the length, and LLVM removes an allocation and copy whose
        // contents are never read; `black_box` keeps the copy this baseline exists to cost.
        Variant::baseline(
            "to_owned_string",
            "std::str::from_utf8, then copy into a new String",
            Run::borrow(|b| {
                Digest::Utf8(safe::to_owned_string(b).map(|s| std::hint::black_box(s).len()))
            }),
        ),
        Variant::safe(
            "from_utf8_std",
            "std::str::from_utf8 on borrowed bytes",
            Run::borrow(|b| digest_str(safe::from_utf8_std(b))),
        ),
        Variant::safe(
            "simdutf8_basic",
            "simdutf8::basic::from_utf8 (SIMD); std locates the error on failure",
            Run::borrow(|b| digest_str(safe::simdutf8_basic(b))),
        ),
        Variant::safe(
            "simdutf8_compat",
            "simdutf8::compat::from_utf8 (SIMD, reports the error position)",
            Run::borrow(|b| digest_str(safe::simdutf8_compat(b))),
        ),
        Variant::with_unsafe(
            "from_utf8_unchecked",
            "std::str::from_utf8_unchecked on borrowed bytes",
            Unsafety::new(
                VALID_UTF8,
                SKIPS_VALIDATION,
                RAW.code(&["pub unsafe fn from_utf8_unchecked("]),
            ),
            raw::FROM_UTF8_UNCHECKED,
        ),
        Variant::safe(
            "string_from_utf8_std",
            "String::from_utf8: validate and take over the Vec without copying",
            Run::consume(|v| digest_string(safe::string_from_utf8_std(v))),
        ),
        // Takes the buffer like the owned conversions, so it is compared with them; it frees
        // its copy inside the call, as a program would free the buffer it no longer needs.
        Variant::safe(
            "string_simdutf8_then_copy",
            "simdutf8 validation, then a copy into a new String (safe; the copy is freed)",
            Run::consume(|v| {
                let len = safe::simdutf8_to_string(&v).map(|s| std::hint::black_box(s).len());
                (Digest::Utf8(len), v)
            }),
        ),
        Variant::with_unsafe(
            "string_from_utf8_unchecked",
            "String::from_utf8_unchecked: take over the Vec without checking",
            Unsafety::new(
                VALID_UTF8,
                SKIPS_VALIDATION,
                RAW.code(&["pub unsafe fn string_from_utf8_unchecked("]),
            ),
            raw::STRING_FROM_UTF8_UNCHECKED,
        ),
        Variant::with_unsafe(
            "string_simdutf8_then_unchecked",
            "validate with simdutf8, then String::from_utf8_unchecked (the unsafe \
                          call restates the check's proof)",
            Unsafety::new(
                &["simdutf8::basic::from_utf8 returned Ok for exactly these bytes"],
                &[],
                RAW.code(&["pub fn string_simdutf8_then_unchecked("]),
            ),
            Run::consume(|v| digest_string(raw::string_simdutf8_then_unchecked(v))),
        ),
    ],
    reference: "from_utf8_std",
    reference_copy: Run::borrow(|b| {
        std::hint::black_box(super::COPY_MARK);
        digest_str(safe::from_utf8_std(b))
    }),
    floor: floor::Floor::Measured(&floor::READ_PASS),
    headline: ("mixed", 64 << 10),
    unit: Unit::Bytes,
    inputs: inputs::specs,
    takes_files: true,
    spawns_threads: false,
    edge_cases: crate::family::no_edge_cases,
};
