//! The safe ways to read bytes as words: checked casts and explicit little-endian reads.

use super::Word;

/// The bytes that form whole words; the tail is ignored by every variant.
pub(crate) fn whole_words<W: Word>(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len() / size_of::<W>() * size_of::<W>()]
}

/// Sums words already in memory order, reading each as little-endian.
pub fn sum_words<W: Word>(words: &[W]) -> W {
    words
        .iter()
        .fold(W::default(), |acc, &w| acc.wrapping_add(W::from_le(w)))
}

/// `chunks_exact` + `from_le_bytes`: works at any alignment; the reference.
pub fn sum_chunks_exact<W: Word>(bytes: &[u8]) -> W {
    bytes
        .chunks_exact(size_of::<W>())
        .fold(W::default(), |acc, c| acc.wrapping_add(W::from_le_chunk(c)))
}

/// What most code writes: decode every word into a new `Vec`, then use it.
pub fn sum_collect_vec<W: Word>(bytes: &[u8]) -> W {
    let words: Vec<W> = bytes
        .chunks_exact(size_of::<W>())
        .map(W::from_le_chunk)
        .collect();
    words
        .iter()
        .fold(W::default(), |acc, &w| acc.wrapping_add(w))
}

/// `bytemuck::try_cast_slice`: a zero-copy view when the bytes are aligned, `chunks_exact`
/// otherwise (bytemuck refuses a misaligned view rather than reading it).
pub fn sum_bytemuck<W: Word>(bytes: &[u8]) -> W {
    match bytemuck::try_cast_slice::<u8, W>(whole_words::<W>(bytes)) {
        Ok(words) => sum_words(words),
        Err(_) => sum_chunks_exact(bytes),
    }
}

/// zerocopy's byte-order types have alignment 1, so the view never fails on alignment and the
/// byte order is explicit in the type.
pub fn sum_zerocopy<W: Word>(bytes: &[u8]) -> W {
    use zerocopy::FromBytes;
    match <[W::Le]>::ref_from_prefix(bytes) {
        Ok((words, _tail)) => words
            .iter()
            .fold(W::default(), |acc, &w| acc.wrapping_add(W::from_le_word(w))),
        Err(_) => unreachable!("a view of alignment-1 words cannot fail"),
    }
}
