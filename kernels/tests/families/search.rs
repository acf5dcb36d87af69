//! The `search` family: every variant finds the same lower bound as the definition (the count
//! of entries below the query) on tables of every short length, with runs of equal entries and
//! the extremes of `u32`; `Searches` refuses an unsorted table; and the unsafe searches stay in
//! bounds on unsorted tables too, because their soundness does not rest on the order. Small
//! enough for Miri.

use crate::common::{check_all, check_sweep, proptest_config, swept_candidates};
use kernels::families::search::inputs::{edge_cases, generate, input};
use kernels::families::search::{Searches, Unsorted, raw, safe};
use kernels::{Digest, family};
use proptest::prelude::*;

/// One way of finding a lower bound, as the family's variants are written.
type LowerBound = fn(&[u32], u32) -> usize;

const WAYS: [(&str, LowerBound); 7] = [
    ("indexed_loop", safe::lower_bound_indexed_loop),
    ("branchless", safe::lower_bound_branchless),
    ("halving_slices", safe::lower_bound_halving_slices),
    ("subslice_offset", safe::lower_bound_subslice_offset),
    ("partition_point", safe::lower_bound_partition_point),
    ("get_unchecked", raw::lower_bound_get_unchecked),
    ("ptr_add", raw::lower_bound_ptr_add),
];

/// The lower bound by its definition: how many entries are below the query.
fn definition(table: &[u32], query: u32) -> usize {
    table.iter().filter(|&&x| x < query).count()
}

fn check(table: Vec<u32>, queries: Vec<u32>) {
    let f = family("search").expect("family is registered");
    let searches = Searches::new(table, queries).expect("sorted");
    let accepted = check_sweep(f, &input("test", searches));
    assert_eq!(accepted, swept_candidates(f));
}

#[test]
fn every_variant_agrees_on_edge_cases() {
    let f = family("search").unwrap();
    let cases = edge_cases();
    assert!(cases.len() >= 10);
    for input in &cases {
        assert_eq!(check_all(f, input), f.variants.len(), "{input:?}");
    }
}

#[test]
fn every_variant_agrees_on_the_smallest_generated_input() {
    let f = family("search").unwrap();
    let accepted = check_all(f, &input("table-16KiB", generate(16 << 10, 16)));
    assert_eq!(accepted, f.variants.len());
}

/// Each way against the definition, on tables of every length up to a bound, each queried
/// below, at and above every entry: a search that stops one probe early or reads one past the
/// end gives a different count (or, under Miri, an error).
#[test]
fn every_way_finds_the_lower_bound_on_every_short_table() {
    let max = if cfg!(miri) { 12 } else { 70 };
    for len in 0..=max {
        let table: Vec<u32> = (0..len).map(|i| i / 3 * 2).collect();
        let queries = (0..=len * 2 / 3 + 2).collect::<Vec<_>>();
        for (name, lower_bound) in WAYS {
            for &query in &queries {
                assert_eq!(
                    lower_bound(&table, query),
                    definition(&table, query),
                    "{name}: table of {len}, query {query}"
                );
            }
        }
        check(table, queries);
    }
}

#[test]
fn the_digest_holds_every_position_in_order() {
    let f = family("search").unwrap();
    let table = vec![1, 3, 3, 3, 8];
    let queries = vec![0, 3, 4, 9, 8, u32::MAX];
    let positions: [u64; 6] = [0, 1, 4, 5, 4, 5];
    let searches = Searches::new(table, queries).unwrap();
    let digest = f
        .reference()
        .bind(&input("t", searches))
        .unwrap()
        .run_once();
    let bytes: Vec<u8> = positions.iter().flat_map(|p| p.to_le_bytes()).collect();
    assert_eq!(
        digest,
        Digest::Bytes {
            len: 48,
            hash: kernels::digest::hash_bytes(&bytes)
        }
    );
}

#[test]
fn an_unsorted_table_is_refused_where_its_order_breaks() {
    assert_eq!(
        Searches::new(vec![1, 2, 2, 1, 5], vec![3]),
        Err(Unsorted { position: 2 })
    );
    assert!(Searches::new(vec![4, 4, 4], vec![]).is_ok());
    assert!(Searches::new(vec![], vec![1]).is_ok());
}

/// Safe code can call the unsafe searches with any table: on an unsorted one the answer is
/// some position, never a read outside the table (which Miri would report), never past its end.
#[test]
fn the_unsafe_searches_stay_in_bounds_on_unsorted_tables() {
    let tables: [&[u32]; 4] = [
        &[9, 1],
        &[5, 4, 3, 2, 1],
        &[0, u32::MAX, 0, 7, 3, 3, 1],
        &[2; 6],
    ];
    for table in tables {
        for query in [0, 1, 3, 6, 9, u32::MAX] {
            for (name, lower_bound) in &WAYS[5..] {
                let position = lower_bound(table, query);
                assert!(position <= table.len(), "{name}: {position} of {table:?}");
                assert_eq!(
                    position,
                    safe::lower_bound_branchless(table, query),
                    "{name} took a different path from the checked search"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn every_variant_agrees_on_random_tables(
        mut table in proptest::collection::vec(any::<u32>(), 0..80),
        queries in proptest::collection::vec(any::<u32>(), 0..40),
    ) {
        table.sort_unstable();
        check(table, queries);
    }
}
