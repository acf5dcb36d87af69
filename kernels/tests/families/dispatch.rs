//! The `dispatch` family: every variant gives the same total on sequences of each shape type
//! alone, on short mixed sequences and on random ones; the hand-rolled vtable frees every value
//! once (Miri's leak check and its use-after-free detection watch the drops). Small enough for
//! Miri.

use crate::common::{check_all, check_sweep, proptest_config, swept_candidates};
use kernels::families::dispatch::inputs::{edge_cases, generate, input, shape_of};
use kernels::families::dispatch::raw::Erased;
use kernels::families::dispatch::{Circle, Polygon, Rect, Shape, Shapes, Square, Triangle};
use kernels::{Digest, family};
use proptest::prelude::*;

fn check(shapes: Vec<Shape>) {
    let f = family("dispatch").expect("family is registered");
    let accepted = check_sweep(f, &input("test", Shapes(shapes)));
    assert_eq!(accepted, swept_candidates(f));
}

fn one_of_each(size: u32) -> Vec<Shape> {
    vec![
        Shape::Circle(Circle { r: size }),
        Shape::Rect(Rect {
            w: size,
            h: size + 1,
        }),
        Shape::Triangle(Triangle { b: size, h: 3 }),
        Shape::Square(Square { s: size }),
        Shape::Polygon(Polygon { n: 7, s: size }),
    ]
}

#[test]
fn every_variant_agrees_on_each_type_alone_and_mixed() {
    let f = family("dispatch").unwrap();
    let cases = edge_cases();
    assert!(cases.len() >= 8);
    for input in &cases {
        assert_eq!(check_all(f, input), f.variants.len(), "{input:?}");
    }
    check(generate("mixed", 16).0);
    check(generate("runs", 16).0);
}

#[test]
fn the_total_counts_every_shape() {
    let f = family("dispatch").unwrap();
    let digest = f
        .reference()
        .bind(&input("t", Shapes(vec![Shape::Square(Square { s: 3 }); 2])))
        .unwrap()
        .run_once();
    assert_eq!(
        digest,
        Digest::Workload {
            ops: 2,
            checksum: 18
        }
    );
}

#[test]
fn erased_values_keep_their_own_functions_and_drop_once() {
    let erased: Vec<Erased> = one_of_each(5)
        .into_iter()
        .map(|shape| match shape {
            Shape::Circle(c) => Erased::new(c),
            Shape::Rect(r) => Erased::new(r),
            Shape::Triangle(t) => Erased::new(t),
            Shape::Square(s) => Erased::new(s),
            Shape::Polygon(p) => Erased::new(p),
        })
        .collect();
    let areas: Vec<u64> = erased.iter().map(Erased::area).collect();
    assert_eq!(areas, [78, 30, 7, 25, 97]);
    drop(erased);
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn every_variant_agrees_on_random_sequences(
        picks in proptest::collection::vec((0u8..5, 0u32..5000, 0u32..5000), 0..40),
    ) {
        let shapes = picks
            .into_iter()
            .map(|(which, a, b)| shape_of(which, a, b))
            .collect();
        check(shapes);
    }
}
