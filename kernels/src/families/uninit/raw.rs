//! The unsafe ways to a filled buffer: writing a `Vec`'s spare capacity and then `set_len`,
//! and `Box::new_uninit_slice` then `assume_init`, from a source (family `uninit`) or from a
//! reader's `read_uninit` (family `uninit_read`). All write every byte before claiming it.
#![allow(unsafe_code)]

use std::mem::MaybeUninit;

use super::decoder::Decoder;
use super::lower;

/// Writes `source` into the first `source.len()` slots of `out`, which must be at least that
/// long; returns how many it wrote.
fn write_copy(out: &mut [MaybeUninit<u8>], source: &[u8]) -> usize {
    let n = source.len().min(out.len());
    for (o, &byte) in out[..n].iter_mut().zip(source) {
        o.write(byte);
    }
    n
}

/// Writes `source` lowercased into the first `source.len()` slots of `out`; returns how many.
fn write_lowercase(out: &mut [MaybeUninit<u8>], source: &[u8]) -> usize {
    let n = source.len().min(out.len());
    for (o, &byte) in out[..n].iter_mut().zip(source) {
        o.write(lower(byte));
    }
    n
}

/// `with_capacity(n)`, the spare capacity written by `write`, then `set_len`.
fn spare_capacity(source: &[u8], write: fn(&mut [MaybeUninit<u8>], &[u8]) -> usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(source.len());
    let written = write(out.spare_capacity_mut(), source);
    // SAFETY: `write` initialised the first `written` slots of the spare capacity, which
    // starts at the old length 0, and `written` is at most the spare capacity's length.
    unsafe { out.set_len(written) };
    out
}

/// A copy written into spare capacity, then `set_len`.
pub fn copy_spare_capacity(source: &[u8]) -> Vec<u8> {
    spare_capacity(source, write_copy)
}

/// A lowercased copy written into spare capacity, then `set_len`.
pub fn lowercase_spare_capacity(source: &[u8]) -> Vec<u8> {
    spare_capacity(source, write_lowercase)
}

/// `Box::new_uninit_slice(n)` written by `write`, then `assume_init`.
fn box_uninit(source: &[u8], write: fn(&mut [MaybeUninit<u8>], &[u8]) -> usize) -> Vec<u8> {
    let mut out = Box::<[u8]>::new_uninit_slice(source.len());
    let written = write(&mut out, source);
    assert_eq!(written, out.len(), "the writer filled every slot");
    // SAFETY: every slot was written: `write` wrote `written` slots from the start and
    // `written` is the slice's length (asserted above).
    let out = unsafe { out.assume_init() };
    out.into_vec()
}

/// A copy written into an uninitialised box, then `assume_init`.
pub fn copy_box_uninit(source: &[u8]) -> Vec<u8> {
    box_uninit(source, write_copy)
}

/// A lowercased copy written into an uninitialised box, then `assume_init`.
pub fn lowercase_box_uninit(source: &[u8]) -> Vec<u8> {
    box_uninit(source, write_lowercase)
}

/// A decoder's output read into spare capacity by its own `read_uninit`, `set_len` after each
/// read.
pub fn read_spare_capacity(mut reader: Decoder<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(reader.remaining());
    loop {
        let n = reader.read_uninit(out.spare_capacity_mut());
        if n == 0 {
            return out;
        }
        // SAFETY: `read_uninit` wrote the first `n` slots of the spare capacity, which start
        // at the old length, and `n` is at most the spare capacity's length.
        unsafe { out.set_len(out.len() + n) };
    }
}

/// A decoder's output read into an uninitialised box by its own `read_uninit`, then
/// `assume_init`.
pub fn read_box_uninit(mut reader: Decoder<'_>) -> Vec<u8> {
    let mut out = Box::<[u8]>::new_uninit_slice(reader.remaining());
    let mut filled = 0;
    while filled < out.len() {
        let n = reader.read_uninit(&mut out[filled..]);
        assert!(
            n > 0,
            "the decoder ended {} bytes early",
            out.len() - filled
        );
        filled += n;
    }
    // SAFETY: every slot was written: each `read_uninit` wrote the `n` slots from `filled`,
    // and the reads' counts add up to the length (the loop ends only there).
    let out = unsafe { out.assume_init() };
    out.into_vec()
}
