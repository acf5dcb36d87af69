//! The `uninit` family: every variant makes the same buffer as the zeroing reference for both
//! producers at every short length and offset, and on random bytes; the transform is std's
//! ASCII lowercasing. Small enough for Miri (the generated inputs up to 256 bytes are checked
//! by tests/equivalence.rs).

use crate::common::{check_sweep, proptest_config, swept_candidates};
use kernels::families::uninit::{Producer, inputs::generate, lower, raw};
use kernels::{Digest, Input, family};
use proptest::prelude::*;

fn check(shape: &str, bytes: &[u8], offset: usize) {
    let f = family("uninit").expect("family is registered");
    let accepted = check_sweep(f, &Input::new(shape, bytes, offset));
    assert_eq!(
        accepted,
        swept_candidates(f),
        "{shape} {} bytes",
        bytes.len()
    );
}

#[test]
fn every_variant_agrees_on_every_short_length_of_both_producers() {
    let (max_len, offsets) = if cfg!(miri) {
        (20, &[0, 3][..])
    } else {
        (72, &[0, 1, 3, 7][..])
    };
    for shape in ["copy", "lowercase"] {
        let source = generate(shape, max_len);
        for len in 0..=max_len {
            for &offset in offsets {
                check(shape, &source[..len], offset);
            }
        }
    }
}

#[test]
fn the_transform_is_ascii_lowercasing() {
    for byte in 0..=u8::MAX {
        assert_eq!(lower(byte), byte.to_ascii_lowercase(), "{byte:#x}");
    }
    assert_eq!(Producer::of_shape("lowercase"), Producer::Lowercase);
    assert_eq!(Producer::of_shape("corpus-x.json"), Producer::Copy);
}

#[test]
fn the_digest_sees_every_byte_in_its_place() {
    let f = family("uninit").unwrap();
    let digest = |bytes: &[u8]| {
        f.reference()
            .bind(&Input::new("copy", bytes, 0))
            .unwrap()
            .run_once()
    };
    let base = digest(b"abcdefghij");
    assert!(matches!(base, Digest::Bytes { len: 10, .. }), "{base:?}");
    assert_ne!(base, digest(b"abcdefghiJ"));
    assert_ne!(base, digest(b"bacdefghij"));
    assert_ne!(digest(b""), digest(b"\0"));
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn every_variant_agrees_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        check("copy", &bytes, 0);
        check("lowercase", &bytes, 0);
    }
}

/// `uninit_read` at chunk sizes from one byte to more than the input: every read loop's first,
/// middle and last read, and a final read that finds the decoder empty.
#[test]
fn every_read_variant_agrees_at_every_short_length_and_chunk_size() {
    let f = family("uninit_read").expect("family is registered");
    let (max_len, chunks) = if cfg!(miri) {
        (12, &[1, 5][..])
    } else {
        (70, &[1, 2, 3, 7, 16, 64, 100][..])
    };
    let source = generate("lowercase", max_len);
    for &chunk in chunks {
        for len in 0..=max_len {
            let input = Input::new(format!("chunks-{chunk}"), &source[..len], 0);
            assert_eq!(
                check_sweep(f, &input),
                swept_candidates(f),
                "chunks of {chunk}, {len} bytes"
            );
        }
    }
}

#[test]
fn a_decoder_hands_out_one_lowercased_chunk_per_read() {
    use kernels::families::uninit::uninit_read::{CHUNK, Decoder, chunk_of_shape};
    use std::io::Read;
    use std::mem::MaybeUninit;

    let source = b"ABcdEF-HIj";
    let decoded = b"abcdef-hij";
    let mut reader = Decoder::new(source, 4);
    let mut buf = [MaybeUninit::<u8>::uninit(); 6];
    assert_eq!(reader.read_uninit(&mut buf), 4);
    assert_eq!(
        reader.read_uninit(&mut buf[..2]),
        2,
        "no more than the room given"
    );
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).unwrap();
    assert_eq!(rest, b"-hij");
    assert_eq!(reader.read_uninit(&mut buf), 0, "the end of the input");
    assert_eq!(reader.remaining(), 0);
    assert_eq!(
        Decoder::new(source, 0).read_uninit(&mut buf),
        1,
        "a chunk is at least a byte"
    );
    let (mut appending, mut appended) = (Decoder::new(source, 4), b"x".to_vec());
    assert_eq!(appending.read_append(&mut appended), 4);
    assert_eq!(appending.read_append(&mut appended), 4);
    assert_eq!(appended, b"xabcdef-h", "appended after what was there");
    // What `read_uninit` writes is read back by the unsafe variants (Miri reports a read of an
    // unwritten slot); here, that they return the decoded bytes in order at any chunk size.
    for chunk in [1, 3, 4, 10, 11] {
        assert_eq!(
            raw::read_spare_capacity(Decoder::new(source, chunk)),
            decoded
        );
        assert_eq!(raw::read_box_uninit(Decoder::new(source, chunk)), decoded);
    }

    assert_eq!(chunk_of_shape("chunks-7"), 7);
    assert_eq!(chunk_of_shape("decode"), CHUNK);
    assert_eq!(chunk_of_shape("chunks-0"), CHUNK);
    assert_eq!(chunk_of_shape("chunks-x"), CHUNK);
}
