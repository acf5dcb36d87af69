//! Unsigned LEB128 varints, as Protocol Buffers, WebAssembly and many log formats store
//! integers: seven bits per byte, low groups first, the high bit set on every byte of a number
//! but its last.
//!
//! Three decoders of a stream of varints: the indexing loop most code has, the safe form that
//! lets the standard library find the ends, and a raw-pointer fast path whose caller promises
//! a well-formed stream. `benches/decode.rs` asks whether the fast path buys anything.

/// The most bytes one `u64` takes.
pub const MAX_LEN: usize = 10;

/// Appends `value` as a varint.
pub fn encode(value: u64, out: &mut Vec<u8>) {
    let mut rest = value;
    while rest >= 0x80 {
        out.push((rest as u8) | 0x80);
        rest >>= 7;
    }
    out.push(rest as u8);
}

/// Whether `bytes` is whole varints of at most [`MAX_LEN`] bytes each: what
/// [`decode_unchecked`] needs.
pub fn well_formed(bytes: &[u8]) -> bool {
    let mut run = 0;
    for &byte in bytes {
        run += 1;
        if run > MAX_LEN {
            return false;
        }
        if byte & 0x80 == 0 {
            run = 0;
        }
    }
    run == 0
}

/// Every number in `bytes`, or `None` if the stream is cut short or a number is too long:
/// the indexing loop most code has.
pub fn decode(bytes: &[u8]) -> Option<Vec<u64>> {
    let mut out = Vec::with_capacity(bytes.len() / 2);
    let mut i = 0;
    while i < bytes.len() {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let byte = *bytes.get(i)?;
            i += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
            if shift >= 7 * MAX_LEN {
                return None;
            }
        }
        out.push(value);
    }
    Some(out)
}

/// As [`decode`], with the ends of the numbers found by `split_inclusive`: no index to check.
pub fn decode_split(bytes: &[u8]) -> Option<Vec<u64>> {
    let mut out = Vec::with_capacity(bytes.len() / 2);
    for number in bytes.split_inclusive(|byte| byte & 0x80 == 0) {
        if number.len() > MAX_LEN || number.last()? & 0x80 != 0 {
            return None;
        }
        let value = number
            .iter()
            .rev()
            .fold(0u64, |value, &byte| (value << 7) | u64::from(byte & 0x7f));
        out.push(value);
    }
    Some(out)
}

/// Every number in `bytes`, walking it with a raw pointer and checking nothing.
///
/// # Safety
///
/// `bytes` must be well formed ([`well_formed`]): whole varints of at most [`MAX_LEN`] bytes
/// each. A stream cut short would be read past its end.
pub unsafe fn decode_unchecked(bytes: &[u8]) -> Vec<u64> {
    let mut out = Vec::with_capacity(bytes.len() / 2);
    let end = bytes.as_ptr_range().end;
    let mut at = bytes.as_ptr();
    while at < end {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            // SAFETY: `at` is inside `bytes`: the outer loop entered with `at < end`, and the
            // inner loop goes on only after a byte with the high bit set, which in a
            // well-formed stream (the caller's promise) is never a slice's last byte.
            let byte = unsafe { *at };
            // SAFETY: `at` points into `bytes`, so one past it is at most one past the end.
            at = unsafe { at.add(1) };
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            // At most MAX_LEN bytes per number (the caller's promise): at most 63.
            shift += 7;
        }
        out.push(value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_decoder_reads_back_what_was_encoded() {
        let values = [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX];
        let mut bytes = Vec::new();
        for &v in &values {
            encode(v, &mut bytes);
        }
        assert!(well_formed(&bytes));
        assert_eq!(decode(&bytes).as_deref(), Some(&values[..]));
        assert_eq!(decode_split(&bytes).as_deref(), Some(&values[..]));
        // SAFETY: `bytes` was just checked to be well formed.
        assert_eq!(unsafe { decode_unchecked(&bytes) }, values);
    }

    #[test]
    fn a_stream_cut_short_or_too_long_is_refused() {
        for bad in [&[0x80u8][..], &[0xff; 11][..], &[1, 0x81][..]] {
            assert!(!well_formed(bad));
            assert_eq!(decode(bad), None);
            assert_eq!(decode_split(bad), None);
        }
        assert_eq!(decode(&[]), Some(Vec::new()));
    }
}
