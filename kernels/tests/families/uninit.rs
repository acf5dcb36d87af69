//! The `uninit` family: every variant makes the same buffer as the zeroing reference for both
//! producers at every short length and offset, and on random bytes; the transform is std's
//! ASCII lowercasing. Small enough for Miri (the generated inputs up to 256 bytes are checked
//! by tests/equivalence.rs).

use crate::common::{check_sweep, proptest_config, swept_candidates};
use kernels::families::uninit::{Producer, inputs::generate, lower};
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
