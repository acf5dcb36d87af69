//! Family `uninit_read`: skipping zero-initialisation when a reader fills the buffer.
//!
//! `std::io::Read::read` takes `&mut [u8]`, initialised memory, so safe code zeroes a buffer
//! before a reader fills it: all at once (`vec![0; n]`), or chunk by chunk inside
//! `read_to_end`, which remembers what it has zeroed. Handing `read` spare capacity instead is
//! the classic unsound shortcut (any reader may read the buffer it is given: hazard h11), so
//! the sound unsafe form needs a reader whose own method writes `MaybeUninit` bytes, as a
//! decoder that owns its output does. This family measures what skipping the zeroing buys
//! there: against what a program can do through `Read` alone, and against the safe method the
//! same decoder could offer instead (`read_append`, which extends a `Vec`).
//!
//! The reader is a [`Decoder`]: it computes each output byte from its source (ASCII
//! lowercasing, the `uninit` family's transform) and hands out at most one chunk per call
//! (16 KiB here, as a decompressor or a socket would), so every variant loops over reads.
//! Each call knows the length to expect, as a caller with a `Content-Length` or a file size
//! does. A decoder rather than a plain copy because a copy measures glibc's `memcpy`: on the
//! machine these families were built on its `rep movsb` path copies 16 KiB 30 times slower
//! when the destination sits 1 to 31 bytes past the source modulo a page, which is where one
//! heap buffer allocated right after another of the same size lands.

use std::io::Read;

pub use super::decoder::{CHUNK, Decoder, chunk_of_shape};
use super::raw;
use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Fixture, Input, Run, SharedOutput, Unit};

/// What a `Decoder` never does: fail. Its reads return `Ok`, and every variant asks for no
/// more than it holds.
fn never_fails<T>(result: std::io::Result<T>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => unreachable!("a Decoder over memory failed: {e}"),
    }
}

/// What most code writes: `read_to_end` into an empty `Vec`, which grows as it goes.
pub fn read_to_end_growing(mut reader: Decoder<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    never_fails(reader.read_to_end(&mut out));
    out
}

/// `vec![0; n]`, then `read_exact` over it.
pub fn zeroed(mut reader: Decoder<'_>) -> Vec<u8> {
    let mut out = vec![0; reader.remaining()];
    never_fails(reader.read_exact(&mut out));
    out
}

/// `Vec::with_capacity(n)`, then `read_to_end`: std zeroes the spare capacity a read at a
/// time and remembers what it zeroed, so no byte is zeroed twice.
pub fn read_to_end(mut reader: Decoder<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(reader.remaining());
    never_fails(reader.read_to_end(&mut out));
    out
}

/// `Vec::with_capacity(n)` and one zeroed chunk on the stack, read into and appended with
/// `extend_from_slice`: every byte is written twice (decoded into the chunk, then copied), but
/// the output is never zeroed and the chunk stays in the L1 cache.
pub fn stack_chunk(mut reader: Decoder<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(reader.remaining());
    let mut chunk = [0u8; CHUNK];
    loop {
        let n = never_fails(reader.read(&mut chunk));
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&chunk[..n]);
    }
}

/// `Vec::with_capacity(n)`, then the decoder's own [`Decoder::read_append`] until it is done:
/// never zeroed, no unsafe code, but only through the decoder's own method, as the unsafe
/// variants' `read_uninit` is.
pub fn extend(mut reader: Decoder<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(reader.remaining());
    while reader.read_append(&mut out) > 0 {}
    out
}

/// Reads a new buffer from a fresh decoder over the input on every run; the latest one is kept
/// in the output every arm of the family shares (see [`SharedOutput`]).
struct ReadFixture<'a, const COPY: bool> {
    source: &'a [u8],
    chunk: usize,
    read: fn(Decoder<'_>) -> Vec<u8>,
    out: SharedOutput<Vec<u8>>,
}

impl<const COPY: bool> Fixture for ReadFixture<'_, COPY> {
    fn run(&mut self) {
        if COPY {
            std::hint::black_box(crate::families::COPY_MARK);
        }
        // The previous buffer is freed here, inside the call, as its consumer would free it.
        self.out
            .write(|out| *out = (self.read)(Decoder::new(self.source, self.chunk)));
    }

    fn digest(&mut self) -> Digest {
        self.out.read_own(
            |out| *out = (self.read)(Decoder::new(self.source, self.chunk)),
            |out| Digest::Bytes {
                len: out.len(),
                hash: crate::digest::hash_bytes(out),
            },
        )
    }

    /// The variant's own function, which `run` calls through this pointer.
    fn entry_point(&self) -> *const () {
        self.read as *const ()
    }
}

/// Builds the fixture of `read` for the input's bytes and chunk size.
fn fixture<const COPY: bool>(
    input: &Input,
    read: fn(Decoder<'_>) -> Vec<u8>,
) -> Box<dyn Fixture + '_> {
    Box::new(ReadFixture::<COPY> {
        source: input.bytes(),
        chunk: chunk_of_shape(&input.name().shape),
        read,
        out: SharedOutput::join(UNINIT_READ.name),
    })
}

/// Mixed-script text decoded (the `uninit` family's `lowercase` source), 16 B to 16 MiB.
fn specs() -> Vec<crate::InputSpec> {
    crate::generate::SIZES
        .into_iter()
        .map(|len| {
            crate::InputSpec::new(crate::InputName::new("decode", len), move || {
                Input::new("decode", &super::inputs::generate("lowercase", len), 0)
            })
            .with_param("chunk_bytes", CHUNK)
        })
        .collect()
}

/// Family `uninit_read`: a buffer filled by a reader, zeroed first or not.
pub static UNINIT_READ: Family = Family {
    name: "uninit_read",
    title: "skipping zero-initialisation under a reader",
    summary: "Read a decoder's output of known length, 16 KiB per read, into a new buffer, \
              16 B to 16 MiB: what set_len on spare capacity and Box::new_uninit_slice (through \
              the decoder's read_uninit) buy over vec![0; n] then read_exact, std's \
              read_to_end, a stack chunk appended with extend_from_slice, and the decoder's \
              safe read_append (Vec::extend).",
    compares: "length and a hash of the buffer read",
    variants: &[
        Variant::baseline(
            "read_to_end_growing",
            "Vec::new(), then read_to_end: the capacity grows as it goes",
            Run::fixture(|input| fixture::<false>(input, read_to_end_growing)),
        ),
        Variant::safe(
            "zeroed",
            "vec![0; n], then read_exact: zeroed by the allocator (calloc), written again",
            Run::fixture(|input| fixture::<false>(input, zeroed)),
        ),
        Variant::safe(
            "read_to_end",
            "Vec::with_capacity(n), then read_to_end: std zeroes a read's worth at a time, \
             never the same byte twice",
            Run::fixture(|input| fixture::<false>(input, read_to_end)),
        ),
        Variant::safe(
            "stack_chunk",
            "a zeroed 16 KiB chunk on the stack, read into, then extend_from_slice: written \
             twice, the output never zeroed",
            Run::fixture(|input| fixture::<false>(input, stack_chunk)),
        ),
        Variant::safe(
            "extend",
            "Vec::with_capacity(n), then the decoder's own read_append (Vec::extend from an \
             exact-size iterator): never zeroed, no unsafe, not through Read",
            Run::fixture(|input| fixture::<false>(input, extend)),
        ),
        Variant::with_unsafe(
            "spare_capacity",
            "Vec::with_capacity(n), the reader's read_uninit into spare_capacity_mut(), \
             set_len after each read",
            Unsafety::new(
                &[
                    "every byte below the new length was written before set_len: read_uninit \
                     writes the first n slots it is given, which start at the old length",
                    "the new length is within the capacity",
                ],
                &[],
                super::RAW.code(&["pub fn read_spare_capacity("]),
            ),
            Run::fixture(|input| fixture::<false>(input, raw::read_spare_capacity)),
        ),
        Variant::with_unsafe(
            "box_uninit",
            "Box::<[u8]>::new_uninit_slice(n), the reader's read_uninit into what is left, \
             then assume_init",
            Unsafety::new(
                &[
                    "every element was written before assume_init: the reads' counts add up \
                   to the length",
                ],
                &[],
                super::RAW.code(&["pub fn read_box_uninit("]),
            ),
            Run::fixture(|input| fixture::<false>(input, raw::read_box_uninit)),
        ),
    ],
    reference: "zeroed",
    reference_copy: Run::fixture(|input| fixture::<true>(input, zeroed)),
    floor: crate::families::floor::Floor::Measured(&crate::families::floor::COPY_PASS),
    headline: ("decode", 64 << 10),
    unit: Unit::Bytes,
    inputs: specs,
    takes_files: true,
    spawns_threads: false,
    edge_cases: crate::family::no_edge_cases,
};
