//! Family `uninit`: skipping zero-initialisation of a buffer about to be filled.
//!
//! Decoders, readers and transforms allocate a buffer and fill it from a producer. Zeroing it
//! first is what safe code did for years (`vec![0; n]`, then fill); unsafe code skips that with
//! `set_len` on spare capacity or `Box::new_uninit_slice`, and reviewers are told it saves a
//! pass over memory. Whether it does depends on the allocator (large zeroed allocations come
//! straight from fresh, already-zero pages) and on whether safe code that never zeroes
//! (`extend`, `collect`) is the real alternative. Each call allocates the output, fills it, and
//! frees the previous one, as a caller that keeps one result at a time would.
//!
//! Two producers: a copy of the source bytes, and a byte-wise transform (ASCII lowercasing).
//! The third, a `std::io::Read` implementation, is its own family ([`uninit_read`]): through
//! `Read` no unsafe code can skip the zeroing soundly, so its variants differ.

pub mod decoder;
pub mod inputs;
pub mod raw;
pub mod safe;
pub mod uninit_read;

use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Fixture, Input, Run, SharedOutput, Unit};

/// This family's unsafe code, where its unsafe variants' items are counted.
const RAW: crate::unsafe_code::RawFile = crate::unsafe_code::raw_file!("uninit");

/// What fills a buffer, chosen by the input's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Producer {
    /// The source bytes, unchanged.
    Copy,
    /// The source bytes, ASCII-lowercased.
    Lowercase,
}

impl Producer {
    /// The producer of shape `shape`: `lowercase` is the transform; any other shape (a corpus
    /// file, an edge case) is copied.
    pub fn of_shape(shape: &str) -> Self {
        if shape == "lowercase" {
            Self::Lowercase
        } else {
            Self::Copy
        }
    }
}

/// The byte-wise transform: ASCII lowercasing, branch-free so that it vectorises.
#[inline]
pub fn lower(byte: u8) -> u8 {
    byte | (u8::from(byte.is_ascii_uppercase()) << 5)
}

/// One way of making a filled buffer: from the source, for each producer.
#[derive(Clone, Copy)]
pub struct Fill {
    /// Makes a copy of the source.
    pub copy: fn(&[u8]) -> Vec<u8>,
    /// Makes a lowercased copy of the source.
    pub lowercase: fn(&[u8]) -> Vec<u8>,
}

impl Fill {
    fn of(self, producer: Producer) -> fn(&[u8]) -> Vec<u8> {
        match producer {
            Producer::Copy => self.copy,
            Producer::Lowercase => self.lowercase,
        }
    }
}

/// Fills a new buffer from the input on every run; the latest one is kept in the output every
/// arm of the family shares (see [`SharedOutput`]), so that every arm's call frees the same
/// buffers and allocates the same memory again.
struct FillFixture<'a, const COPY: bool> {
    source: &'a [u8],
    fill: fn(&[u8]) -> Vec<u8>,
    out: SharedOutput<Vec<u8>>,
}

impl<const COPY: bool> Fixture for FillFixture<'_, COPY> {
    fn run(&mut self) {
        if COPY {
            std::hint::black_box(crate::families::COPY_MARK);
        }
        // The previous buffer is freed here, inside the call, as its consumer would free it.
        self.out.write(|out| *out = (self.fill)(self.source));
    }

    fn digest(&mut self) -> Digest {
        self.out.read_own(
            |out| *out = (self.fill)(self.source),
            |out| Digest::Bytes {
                len: out.len(),
                hash: crate::digest::hash_bytes(out),
            },
        )
    }

    /// The variant's own function, which `run` calls through this pointer.
    fn entry_point(&self) -> *const () {
        self.fill as *const ()
    }
}

/// Builds the fixture of `fill` for the input's bytes and producer.
fn fixture<const COPY: bool>(input: &Input, fill: Fill) -> Box<dyn Fixture + '_> {
    Box::new(FillFixture::<COPY> {
        source: input.bytes(),
        fill: fill.of(Producer::of_shape(&input.name().shape)),
        out: SharedOutput::join(UNINIT.name),
    })
}

const PUSH: Fill = Fill {
    copy: safe::copy_push,
    lowercase: safe::lowercase_push,
};
const ZEROED: Fill = Fill {
    copy: safe::copy_zeroed,
    lowercase: safe::lowercase_zeroed,
};
const EXTEND: Fill = Fill {
    copy: safe::copy_extend,
    lowercase: safe::lowercase_extend,
};
const SPARE_CAPACITY: Fill = Fill {
    copy: raw::copy_spare_capacity,
    lowercase: raw::lowercase_spare_capacity,
};
const BOX_UNINIT: Fill = Fill {
    copy: raw::copy_box_uninit,
    lowercase: raw::lowercase_box_uninit,
};

/// Family `uninit`: a buffer filled from a producer, zeroed first or not.
pub static UNINIT: Family = Family {
    name: "uninit",
    title: "skipping zero-initialisation",
    summary: "Allocate a buffer and fill it (a copy, an ASCII-lowercasing transform), 4 KiB to \
              16 MiB: what set_len on spare capacity and Box::new_uninit_slice buy over \
              vec![0; n] then fill, and over safe code that never zeroes (extend).",
    compares: "length and a hash of the filled buffer",
    variants: &[
        Variant::baseline(
            "push",
            "Vec::new(), then push per byte: the capacity grows as it goes",
            Run::fixture(|input| fixture::<false>(input, PUSH)),
        ),
        Variant::safe(
            "zeroed",
            "vec![0; n], then fill: zeroed by the allocator (calloc), written again",
            Run::fixture(|input| fixture::<false>(input, ZEROED)),
        ),
        Variant::safe(
            "extend",
            "Vec::with_capacity(n), then extend_from_slice / extend(map): never zeroed, no \
             unsafe in this code (std's own unsafe does the work)",
            Run::fixture(|input| fixture::<false>(input, EXTEND)),
        ),
        Variant::with_unsafe(
            "spare_capacity",
            "Vec::with_capacity(n), spare_capacity_mut() written, then set_len(n)",
            Unsafety::new(
                &[
                    "every byte below the new length was written before set_len",
                    "the new length is within the capacity",
                ],
                &[],
                RAW.code(&["fn spare_capacity("]),
            ),
            Run::fixture(|input| fixture::<false>(input, SPARE_CAPACITY)),
        ),
        Variant::with_unsafe(
            "box_uninit",
            "Box::<[u8]>::new_uninit_slice(n) written, then assume_init",
            Unsafety::new(
                &["every element was written before assume_init"],
                &[],
                RAW.code(&["fn box_uninit("]),
            ),
            Run::fixture(|input| fixture::<false>(input, BOX_UNINIT)),
        ),
    ],
    reference: "zeroed",
    reference_copy: Run::fixture(|input| fixture::<true>(input, ZEROED)),
    floor: crate::families::floor::Floor::Measured(&crate::families::floor::COPY_PASS),
    headline: ("lowercase", 64 << 10),
    unit: Unit::Bytes,
    inputs: inputs::specs,
    takes_files: true,
    spawns_threads: false,
    edge_cases: crate::family::no_edge_cases,
};
