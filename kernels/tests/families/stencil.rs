//! The `stencil` family: every variant smooths exactly like the reference, bit for bit, on
//! every short signal and on random ones; a short output buffer is refused the same way by the
//! safe re-slicing and by the unsafe variants' one check. Small enough for Miri.

use crate::common::{check_all, check_sweep, proptest_config, swept_candidates};
use kernels::families::stencil::inputs::{edge_cases, generate, input};
use kernels::families::stencil::{Signal, output_len, raw, safe, tap};
use kernels::{Digest, family};
use proptest::prelude::*;

/// One way of smoothing, as the family's variants are written.
type Smooth = fn(&[f32], &mut [f32]);

fn check(samples: Vec<f32>) {
    let f = family("stencil").expect("family is registered");
    let accepted = check_sweep(f, &input("test", Signal(samples)));
    assert_eq!(accepted, swept_candidates(f));
}

#[test]
fn every_variant_agrees_on_edge_cases() {
    let f = family("stencil").unwrap();
    let cases = edge_cases();
    assert!(cases.len() >= 10);
    for input in &cases {
        assert_eq!(check_all(f, input), f.variants.len(), "{input:?}");
    }
}

#[test]
fn every_variant_agrees_on_every_short_length() {
    let max = if cfg!(miri) { 24 } else { 200 };
    let signal = generate(max).0;
    for len in 0..=max {
        check(signal[..len].to_vec());
    }
}

#[test]
fn the_output_is_the_smoothing_of_each_window() {
    let f = family("stencil").unwrap();
    let x = vec![4.0, 8.0, -4.0, 0.0, 2.0];
    let mut expected = vec![0.0f32; output_len(x.len())];
    safe::smooth_indexed_loop(&x, &mut expected);
    assert_eq!(
        expected,
        [
            tap(4.0, 8.0, -4.0),
            tap(8.0, -4.0, 0.0),
            tap(-4.0, 0.0, 2.0)
        ]
    );
    assert_eq!(expected, [4.0, 0.0, -0.5]);
    let digest = f
        .reference()
        .bind(&input("t", Signal(x)))
        .unwrap()
        .run_once();
    let bytes: &[u8] = bytemuck::cast_slice(&expected);
    assert_eq!(
        digest,
        Digest::Bytes {
            len: 12,
            hash: kernels::digest::hash_bytes(bytes)
        }
    );
    assert_eq!(output_len(2), 0);
    assert_eq!(output_len(0), 0);
}

/// Each variant on a buffer that is too long for the samples: the safe ones panic on their
/// indexing or slicing, the unsafe ones on their length check, before any read out of bounds
/// (which Miri would report). A shorter buffer is fine for every variant.
#[test]
fn an_output_longer_than_the_windows_is_refused_by_every_variant() {
    let ways: [(&str, Smooth); 5] = [
        ("indexed_loop", safe::smooth_indexed_loop),
        ("resliced", safe::smooth_resliced),
        ("get_unchecked", raw::smooth_get_unchecked),
        ("ptr_add", raw::smooth_ptr_add),
        ("unchecked_slices", raw::smooth_unchecked_slices),
    ];
    let x = [1.0f32, 2.0, 3.0, 4.0];
    for (name, smooth) in ways {
        let mut fits = [0.0f32; 2];
        smooth(&x, &mut fits);
        assert_eq!(fits, [2.0, 3.0], "{name}");
        let mut shorter = [0.0f32; 1];
        smooth(&x, &mut shorter);
        assert_eq!(shorter, [2.0], "{name}");
        let panicked = std::panic::catch_unwind(|| smooth(&x, &mut [0.0f32; 3])).is_err();
        assert!(panicked, "{name} wrote 3 samples from 4");
    }
    // windows(3) stops at the shorter of the two instead: the output's extra sample stays.
    let mut longer = [9.0f32; 3];
    safe::smooth_windows(&x, &mut longer);
    assert_eq!(longer, [2.0, 3.0, 9.0]);
}

proptest! {
    #![proptest_config(proptest_config())]

    /// Finite samples only: a NaN's payload is not part of what the family compares.
    #[test]
    fn every_variant_agrees_on_random_signals(
        samples in proptest::collection::vec(-1.0e30f32..1.0e30, 0..80),
    ) {
        check(samples);
    }
}
