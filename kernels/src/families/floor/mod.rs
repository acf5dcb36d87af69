//! Floors: the least work any variant could do on the same bytes.
//!
//! A floor is measured beside a family's variants so that every variant's distance to what the
//! hardware allows is visible. It is a reference, never a candidate for the verdict. To be read
//! as a bound it must be at least as fast as every variant that does the whole work, so each
//! floor is written to reach the machine's bandwidth rather than to resemble the variants: a
//! read pass with more independent lanes and wider vectors than any variant's loop, or a copy through the C
//! library's `memcpy` into a buffer placed where the copy runs at full speed.
//!
//! Families whose work is not a pass over bytes (taking objects from a pool, a chain of
//! dependent loads, calls through a handle) have no floor, and say why in [`Floor::None`].

pub mod raw;

pub use raw::fold_or;

use crate::family::Variant;
use crate::{Digest, Fixture, Run};

/// A family's floor, or why it has none.
#[derive(Clone, Copy, Debug)]
pub enum Floor {
    /// Measured beside the candidates.
    Measured(&'static Variant),
    /// No pass over the family's bytes bounds its work; the reason, as the page shows it.
    None(&'static str),
}

impl Floor {
    /// The floor's variant, where the family has one.
    pub const fn variant(self) -> Option<&'static Variant> {
        match self {
            Self::Measured(variant) => Some(variant),
            Self::None(_) => None,
        }
    }

    /// Why the family has no floor, where it has none.
    pub const fn absent_because(self) -> Option<&'static str> {
        match self {
            Self::Measured(_) => None,
            Self::None(why) => Some(why),
        }
    }
}

/// Bytes folded per iteration of [`fold_or`]'s main loop: eight 16-byte vectors (four 32-byte
/// ones), more than the families' own unrolled reductions keep in flight, so that the floor's
/// loop is limited by loads, not by its own overhead.
pub(crate) const BLOCK: usize = 128;

/// Reads every byte once (see [`fold_or`]).
pub fn read_pass(bytes: &[u8]) -> Digest {
    Digest::Floor(fold_or(bytes))
}

/// The registry entry for [`read_pass`], shared by the families whose input is its bytes.
pub static READ_PASS: Variant = Variant::floor(
    "read_pass",
    "read every byte once (OR-fold, sixteen lanes, the CPU's widest vectors): the least work \
     on the same bytes",
    Run::borrow(read_pass),
);

/// The registry entry for a copy of the input's bytes ([`copy_fixture`]), for the byte
/// families whose variants write a buffer as long as their input.
pub static COPY_PASS: Variant = Variant::floor(
    "copy_pass",
    "copy the input's bytes into a kept buffer (memcpy, page-congruent): the least work that \
     reads and writes as many bytes",
    Run::fixture(|input| copy_fixture(input.bytes())),
);

/// A read pass over bytes a family's fixture derives from its input (the keys of a gather, a
/// document in the raw format): [`read_pass`], called through a pointer so that the codegen
/// evidence shows the pass itself.
struct ReadFixture<'a> {
    bytes: &'a [u8],
    read: fn(&[u8]) -> Digest,
    last: Digest,
}

impl Fixture for ReadFixture<'_> {
    fn run(&mut self) {
        self.last = (self.read)(self.bytes);
    }

    fn digest(&mut self) -> Digest {
        self.last
    }

    fn entry_point(&self) -> *const () {
        self.read as *const ()
    }
}

/// The read floor of `bytes`.
pub fn read_fixture(bytes: &[u8]) -> Box<dyn Fixture + '_> {
    Box::new(ReadFixture {
        bytes,
        read: read_pass,
        last: Digest::Floor(0),
    })
}

/// Copies `source` into `out` (the same length): the C library's `memcpy`.
pub fn copy_pass(source: &[u8], out: &mut [u8]) {
    out.copy_from_slice(source);
}

/// A copy of bytes a family's fixture derives from its input into a buffer kept across runs,
/// for families whose variants read and write as many bytes (or more).
struct CopyFixture<'a> {
    source: &'a [u8],
    /// Holds the destination at `at..at + source.len()`.
    out: Vec<u8>,
    at: usize,
    copy: fn(&[u8], &mut [u8]),
}

impl Fixture for CopyFixture<'_> {
    fn run(&mut self) {
        let end = self.at + self.source.len();
        (self.copy)(self.source, &mut self.out[self.at..end]);
    }

    fn digest(&mut self) -> Digest {
        Digest::Floor(fold_or(&self.out[self.at..self.at + self.source.len()]))
    }

    fn entry_point(&self) -> *const () {
        self.copy as *const ()
    }
}

/// Page size for [`copy_fixture`]'s placement.
const PAGE: usize = 4096;

/// The copy floor of `source`. The destination starts at the same offset within a page as the
/// source: `memcpy`'s fast paths slow down many times over when the destination sits a few
/// bytes past the source modulo a page (4 KiB aliasing between the loads and the stores), and a
/// floor must show what the hardware allows, not that placement.
pub fn copy_fixture(source: &[u8]) -> Box<dyn Fixture + '_> {
    let out = vec![0u8; source.len() + PAGE];
    let at = congruent_offset(source.as_ptr().addr(), out.as_ptr().addr());
    Box::new(CopyFixture {
        source,
        out,
        at,
        copy: copy_pass,
    })
}

/// How far past `out` a destination starts at the same offset within a page as `source`.
fn congruent_offset(source: usize, out: usize) -> usize {
    (source % PAGE + PAGE - out % PAGE) % PAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(
        miri,
        ignore = "safe code only; the sweep is for the compiled alignment paths"
    )]
    fn the_fold_sees_every_byte_at_every_length() {
        // Where in the fold's word a byte lands depends on the bytes' address (the passes
        // start on a cache line), so what is checked is that it lands: in exactly one byte of
        // the word, unchanged. Every start within a cache line, every length about a block.
        let backing = vec![0u8; 3 * BLOCK + 64];
        for start in 0..64 {
            for len in [1, 7, 8, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK + 9] {
                assert_eq!(
                    fold_or(&backing[start..start + len]),
                    0,
                    "zeros fold to zero"
                );
                for at in 0..len {
                    let mut bytes = backing.clone();
                    bytes[start + at] = 0x80;
                    let word = fold_or(&bytes[start..start + len]).to_ne_bytes();
                    let seen: Vec<u8> = word.into_iter().filter(|&b| b != 0).collect();
                    assert_eq!(seen, [0x80], "start {start}, len {len}, at {at}");
                }
            }
        }
    }

    #[test]
    fn the_copy_lands_page_congruent_and_copies_everything() {
        for (source, out) in [(0, 0), (4095, 1), (1, 4095), (8192 + 17, 3 * 4096 + 40)] {
            let at = congruent_offset(source, out);
            assert!(at < PAGE);
            assert_eq!((out + at) % PAGE, source % PAGE);
        }
        let lens: &[usize] = if cfg!(miri) {
            &[0, 1, 31]
        } else {
            &[0, 1, 31, 4096, 10_000]
        };
        for &len in lens {
            let source: Vec<u8> = (0..len).map(|i| (i % 251) as u8 | 1).collect();
            let mut fixture = copy_fixture(&source);
            fixture.run();
            let expected = fold_or(&source);
            assert_eq!(fixture.digest(), Digest::Floor(expected));
        }
    }
}
