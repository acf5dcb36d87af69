//! A seeded SplitMix64 stream for resampling. Intervals must be reproducible from the raw
//! results, so every bootstrap is seeded by the name of what it estimates. It yields the same
//! stream as the kernels' input generator for the same seed string, kept here because the
//! report depends on no kernel.

/// The generator's starting state before the seed string is mixed in.
const SEED: u64 = 0x5EED_1ED6_E200_0001;
/// SplitMix64's increment.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// A small, fast, deterministic generator; not for cryptography.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose stream is fixed by `seed`.
    pub fn new(seed: &str) -> Self {
        Self(seed.bytes().fold(SEED, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
        }))
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n`; `n` must be non-zero. The modulo bias (below 2^-50 for the counts
    /// resampled here) is irrelevant.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_fixed_by_the_seed() {
        let first: Vec<u64> = (0..3).map(|_| Rng::new("a").next_u64()).collect();
        assert!(first.windows(2).all(|w| w[0] == w[1]));
        let mut a = Rng::new("a");
        let mut b = Rng::new("b");
        assert_ne!(a.next_u64(), b.next_u64());
        assert!((0..1000).all(|_| a.below(7) < 7));
    }
}
