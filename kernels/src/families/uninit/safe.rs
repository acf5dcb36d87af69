//! The safe ways to a filled buffer: push per byte, zero then fill, and extend (never zeroed).

use super::lower;

/// What most code writes: an empty `Vec`, one `push` per byte.
pub fn copy_push(source: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &byte in source {
        out.push(byte);
    }
    out
}

/// An empty `Vec`, one `push` per lowercased byte.
pub fn lowercase_push(source: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &byte in source {
        out.push(lower(byte));
    }
    out
}

/// `vec![0; n]`, then a copy over it.
pub fn copy_zeroed(source: &[u8]) -> Vec<u8> {
    let mut out = vec![0; source.len()];
    out.copy_from_slice(source);
    out
}

/// `vec![0; n]`, then each byte written over it.
pub fn lowercase_zeroed(source: &[u8]) -> Vec<u8> {
    let mut out = vec![0; source.len()];
    for (o, &byte) in out.iter_mut().zip(source) {
        *o = lower(byte);
    }
    out
}

/// `with_capacity`, then `extend_from_slice`: one copy into memory never zeroed.
pub fn copy_extend(source: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(source.len());
    out.extend_from_slice(source);
    out
}

/// `with_capacity`, then `extend` from an exact-size iterator: written once, never zeroed.
pub fn lowercase_extend(source: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(source.len());
    out.extend(source.iter().map(|&byte| lower(byte)));
    out
}
