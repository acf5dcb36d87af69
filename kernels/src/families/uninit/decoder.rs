//! The reader the `uninit_read` family reads from: a decoder in memory that ASCII-lowercases
//! its source and hands out at most one chunk per call, through `Read` (initialised memory), its
//! own `read_uninit` (uninitialised memory) or `read_append` (the end of a `Vec`). In a file of
//! its own because both the safe variants (`uninit_read.rs`) and the unsafe ones (`raw.rs`) use
//! it.

use std::io::Read;
use std::mem::MaybeUninit;

use super::lower;

/// How many bytes a [`Decoder`] hands out per call on the measured inputs.
pub const CHUNK: usize = 16 << 10;

/// The chunk size of an input's shape: `chunks-N` hands out `N` bytes per call (the tests and
/// the fuzz target vary it); any other shape, [`CHUNK`].
pub fn chunk_of_shape(shape: &str) -> usize {
    shape
        .strip_prefix("chunks-")
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(CHUNK)
}

/// A reader that decodes bytes in memory (ASCII-lowercases them) and hands out at most
/// `chunk` of them per call.
#[derive(Clone, Debug)]
pub struct Decoder<'a> {
    rest: &'a [u8],
    chunk: usize,
}

impl<'a> Decoder<'a> {
    /// A decoder of `source`, at most `chunk` bytes per call (at least one).
    pub fn new(source: &'a [u8], chunk: usize) -> Self {
        Self {
            rest: source,
            chunk: chunk.max(1),
        }
    }

    /// How many bytes are left to read.
    pub fn remaining(&self) -> usize {
        self.rest.len()
    }

    /// The source bytes of the next call, at most `room` of them, taken off the input.
    fn take(&mut self, room: usize) -> &'a [u8] {
        let (now, rest) = self
            .rest
            .split_at(self.rest.len().min(self.chunk).min(room));
        self.rest = rest;
        now
    }

    /// Decodes the next chunk into uninitialised memory: writes `buf[..n]`, every one of those
    /// slots, and returns `n` (0 at the end of the input or when `buf` is empty). The unsafe
    /// variants rely on this: it is the contract `Read::read` cannot offer.
    pub fn read_uninit(&mut self, buf: &mut [MaybeUninit<u8>]) -> usize {
        let now = self.take(buf.len());
        for (slot, &byte) in buf.iter_mut().zip(now) {
            slot.write(lower(byte));
        }
        now.len()
    }

    /// Decodes the next chunk onto the end of `out` and returns how many bytes it added (0 at
    /// the end of the input): `Vec::extend` from an exact-size iterator, which writes into
    /// the spare capacity without zeroing it and without unsafe code here. The safe
    /// counterpart of [`Decoder::read_uninit`], for a decoder that offers either.
    pub fn read_append(&mut self, out: &mut Vec<u8>) -> usize {
        let now = self.take(usize::MAX);
        out.extend(now.iter().map(|&byte| lower(byte)));
        now.len()
    }
}

impl Read for Decoder<'_> {
    /// The same loop as [`Decoder::read_uninit`], into initialised memory.
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let now = self.take(buf.len());
        for (slot, &byte) in buf.iter_mut().zip(now) {
            *slot = lower(byte);
        }
        Ok(now.len())
    }
}
