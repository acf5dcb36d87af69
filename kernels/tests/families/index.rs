//! The `index` family: every variant agrees on small tables and keys of every kind (first,
//! last, repeated), on tables of one entry, and on no keys; `Lookups` refuses every key out of
//! bounds, so the unsafe variants never see one. Small enough for Miri.

use crate::common::{check_all, check_sweep, proptest_config, swept_candidates};
use kernels::families::index::inputs::{edge_cases, generate, input};
use kernels::families::index::{KeyOutOfBounds, Lookups};
use kernels::{Digest, family};
use proptest::prelude::*;

fn check(table: Vec<u32>, keys: Vec<u32>) -> usize {
    let f = family("index").expect("family is registered");
    let lookups = Lookups::new(table, keys).expect("keys in bounds");
    let accepted = check_sweep(f, &input("test", lookups));
    assert_eq!(accepted, swept_candidates(f));
    accepted
}

#[test]
fn every_variant_agrees_on_edge_cases() {
    let f = family("index").unwrap();
    let cases = edge_cases();
    assert!(cases.len() >= 6);
    for input in &cases {
        assert_eq!(check_all(f, input), f.variants.len(), "{input:?}");
    }
    check(vec![u32::MAX; 3], vec![2, 1, 0, 2, 2]);
}

#[test]
fn every_variant_agrees_on_the_smallest_generated_input() {
    let f = family("index").unwrap();
    let accepted = check_all(f, &input("table-16KiB", generate(16 << 10, 16)));
    assert_eq!(accepted, f.variants.len());
}

#[test]
fn the_sum_wraps_and_counts_every_lookup() {
    let f = family("index").unwrap();
    let lookups = Lookups::new(vec![u32::MAX, 1], vec![0, 0, 1]).unwrap();
    let digest = f.reference().bind(&input("t", lookups)).unwrap().run_once();
    assert_eq!(
        digest,
        Digest::Workload {
            ops: 3,
            checksum: 2 * u64::from(u32::MAX) + 1
        }
    );
}

#[test]
fn lookups_refuse_the_first_key_out_of_bounds() {
    assert_eq!(
        Lookups::new(vec![1, 2, 3], vec![0, 2, 3, 9]),
        Err(KeyOutOfBounds {
            position: 2,
            key: 3,
            len: 3
        })
    );
    assert_eq!(
        Lookups::new(vec![], vec![0]),
        Err(KeyOutOfBounds {
            position: 0,
            key: 0,
            len: 0
        })
    );
    let message = Lookups::new(vec![1], vec![u32::MAX])
        .unwrap_err()
        .to_string();
    assert!(message.contains("4294967295"), "{message}");
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn every_variant_agrees_on_random_lookups(
        table in proptest::collection::vec(any::<u32>(), 1..64),
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..64),
    ) {
        let keys = picks.iter().map(|p| p.index(table.len()) as u32).collect();
        check(table, keys);
    }
}
