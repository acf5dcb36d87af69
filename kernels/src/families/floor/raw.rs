//! The floor's read pass with the widest vectors the running CPU has: the one unsafe call of
//! the floors, a function compiled for AVX2 called once AVX2 is detected.

#![allow(unsafe_code)]

use super::BLOCK;

/// Every byte of `bytes` folded with `|`, in sixteen independent 64-bit lanes, with the widest
/// vectors the running CPU has: a floor shows what the hardware allows, and where the families'
/// loops (built for the baseline x86-64) already reach the cache's bandwidth with 16-byte
/// vectors, a floor limited to them would only tie with them.
pub fn fold_or(bytes: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: `fold_or_avx2` requires only that the CPU running it has AVX2, which was
        // detected just above.
        return unsafe { fold_or_avx2(bytes) };
    }
    fold_lanes(bytes)
}

/// [`fold_lanes`] compiled for AVX2 (32-byte vectors).
///
/// # Safety
///
/// The CPU running it must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn fold_or_avx2(bytes: &[u8]) -> u64 {
    fold_lanes(bytes)
}

/// The fold itself, vectorised by the compiler for whatever target features its caller has.
/// Two streams, one from the start and one from the middle, eight lanes each: two sequential
/// reads in flight were a little faster than one at every size measured, within the caches and
/// beyond them (docs/runs/run-17-18.md). Both streams start on a
/// cache line: a 32-byte load from an address 16 bytes past one splits across two lines, and
/// an input only 16-aligned would make every other load of the pass a split one.
#[inline(always)]
fn fold_lanes(bytes: &[u8]) -> u64 {
    let head = bytes.as_ptr().align_offset(BLOCK / 2).min(bytes.len());
    let (head, bytes) = bytes.split_at(head);
    let half = bytes.len() / BLOCK * (BLOCK / 2);
    let (first, rest) = bytes.split_at(half);
    let (second, tail) = rest.split_at(half);
    let (first, _) = first.as_chunks::<{ BLOCK / 2 }>();
    let (second, _) = second.as_chunks::<{ BLOCK / 2 }>();
    let mut lanes = [0u64; BLOCK / 8];
    for (x, y) in first.iter().zip(second) {
        let (x, _) = x.as_chunks::<8>();
        let (y, _) = y.as_chunks::<8>();
        for i in 0..BLOCK / 16 {
            lanes[i] |= u64::from_ne_bytes(x[i]);
            lanes[BLOCK / 16 + i] |= u64::from_ne_bytes(y[i]);
        }
    }
    let ends = head
        .iter()
        .chain(tail)
        .fold(0u64, |acc, &b| acc | u64::from(b));
    lanes.iter().fold(ends, |acc, lane| acc | lane)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(
        miri,
        ignore = "safe code only; Miri does not take the AVX2 path this compares"
    )]
    fn every_path_folds_alike() {
        let bytes: Vec<u8> = (0..5 * BLOCK + 13).map(|i| (i * 37 % 256) as u8).collect();
        for start in 0..BLOCK {
            let slice = &bytes[start..];
            let expected = slice.chunks(8).fold(0u64, |acc, word| {
                let mut full = [0u8; 8];
                full[..word.len()].copy_from_slice(word);
                acc | u64::from_ne_bytes(full)
            });
            // Any byte value appears in the OR of the whole words exactly when the lane fold
            // sees it; the tail is folded into the low byte, so compare the set bits per byte.
            let bits = |v: u64| v.to_ne_bytes().iter().fold(0u8, |acc, b| acc | b);
            assert_eq!(bits(fold_or(slice)), bits(expected), "start {start}");
            assert_eq!(fold_or(slice), fold_lanes(slice), "start {start}");
        }
    }
}
