//! Deterministic input generation shared by every family, the benches and the tests.
//!
//! One size table and one seeded generator, so that criterion, the instruction-count bench and
//! the tests all see the same bytes for the same input name.

/// The sizes every byte-oriented family is generated at, smallest first.
pub const SIZES: [usize; 6] = [16, 256, 4 << 10, 64 << 10, 1 << 20, 16 << 20];

/// The seed every generator starts from; a fixed seed makes every input reproducible.
pub const SEED: u64 = 0x5EED_1ED6_E200_0001;

/// SplitMix64's increment.
pub const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser: a cheap, well-mixed function of one word, also used where a value
/// must be derived from an index without generator state (a pool operation's parameters).
pub fn mix(x: u64) -> u64 {
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A small, fast, deterministic generator (SplitMix64). Not for cryptography; we need
/// reproducible bytes, not unpredictable ones.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed` mixed with `stream`, so that inputs of different shapes
    /// do not share bytes.
    pub fn new(stream: &str) -> Self {
        let mixed = stream.bytes().fold(SEED, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
        });
        Self(mixed)
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix(self.0)
    }

    /// A value in `0..n`; `n` must be non-zero.
    pub fn below(&mut self, n: usize) -> usize {
        // The modulo bias is irrelevant for choosing test data.
        (self.next_u64() % n as u64) as usize
    }

    /// Fills `out` with pseudo-random bytes.
    pub fn fill(&mut self, out: &mut [u8]) {
        let (words, tail) = out.as_chunks_mut::<8>();
        for w in words {
            *w = self.next_u64().to_le_bytes();
        }
        let last = self.next_u64().to_le_bytes();
        tail.copy_from_slice(&last[..tail.len()]);
    }
}

/// A byte count as input names show it: `16B`, `4KiB`, `16MiB`; sizes that are not a whole
/// number of KiB keep their exact byte count (`631515B`) so names never round.
pub fn size_label(len: usize) -> String {
    if len >= 1 << 20 && len.is_multiple_of(1 << 20) {
        format!("{}MiB", len >> 20)
    } else if len >= 1 << 10 && len.is_multiple_of(1 << 10) {
        format!("{}KiB", len >> 10)
    } else {
        format!("{len}B")
    }
}

/// A count as input names show it: `1`, `16`, `1k`, `64k`, `2M`; counts that are not a whole
/// number of thousands keep every digit (`1500`).
pub fn count_label(count: usize) -> String {
    if count >= 1_000_000 && count.is_multiple_of(1_000_000) {
        format!("{}M", count / 1_000_000)
    } else if count >= 1_000 && count.is_multiple_of(1_000) {
        format!("{}k", count / 1_000)
    } else {
        count.to_string()
    }
}

/// Parses a label made by [`size_label`] back into bytes.
pub fn parse_size_label(label: &str) -> Option<usize> {
    let (digits, shift) = if let Some(d) = label.strip_suffix("MiB") {
        (d, 20)
    } else if let Some(d) = label.strip_suffix("KiB") {
        (d, 10)
    } else {
        (label.strip_suffix('B')?, 0)
    };
    digits.parse::<usize>().ok()?.checked_mul(1 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_labels_round_trip() {
        for len in SIZES.into_iter().chain([0, 1, 1000, 631_515, 3 << 20]) {
            assert_eq!(parse_size_label(&size_label(len)), Some(len), "{len}");
        }
        assert_eq!(size_label(64 << 10), "64KiB");
        assert_eq!(size_label(1025), "1025B");
        assert_eq!(parse_size_label("12XB"), None);
    }

    #[test]
    fn count_labels() {
        let labels: Vec<String> = [1, 16, 1000, 1500, 64_000, 2_000_000]
            .into_iter()
            .map(count_label)
            .collect();
        assert_eq!(labels, ["1", "16", "1k", "1500", "64k", "2M"]);
    }

    #[test]
    fn rng_is_deterministic_and_streams_differ() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new("x").next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::new("x").next_u64(), Rng::new("y").next_u64());
        let mut buf = [0u8; 13];
        Rng::new("x").fill(&mut buf);
        assert_ne!(buf, [0u8; 13]);
    }
}
