//! Search inputs: shape `table-SIZE` is a sorted table of `u32` of that many bytes, size the
//! number of queries. Tables are L1-sized (16 KiB), L2-sized (1 MiB) and beyond the last-level
//! cache (64 MiB), where the deep probes of every query miss.

use super::Searches;
use crate::generate::{Rng, size_label};
use crate::{Input, InputName, InputSpec, Unit};

/// The table sizes, in bytes, with the query counts each is generated at. Only the 16 KiB
/// table comes at 16 queries, so that the smallest inputs stay cheap to build under Miri.
pub const TABLES: [(usize, &[usize]); 3] = [
    (16 << 10, &[16, 4_000]),
    (1 << 20, &[4_000]),
    (64 << 20, &[4_000]),
];

/// A sorted table of `table_bytes` (steps of 0 to 3 between neighbours, so it has runs of
/// equal entries and gaps) and `queries` uniform over its range and a little past each end,
/// so that some queries are present, some fall between entries and some lie outside.
pub fn generate(table_bytes: usize, queries: usize) -> Searches {
    let entries = table_bytes / size_of::<u32>();
    let mut rng = Rng::new(&format!("search/{table_bytes}"));
    let mut value = 0u32;
    let table: Vec<u32> = (0..entries)
        .map(|_| {
            value = value.saturating_add((rng.next_u64() % 4) as u32);
            value
        })
        .collect();
    let span = table.last().map_or(0, |&last| last as usize) + 8;
    let mut rng = Rng::new(&format!("search/{table_bytes}/queries/{queries}"));
    let queries = (0..queries)
        .map(|_| u32::try_from(rng.below(span)).unwrap_or(u32::MAX))
        .collect();
    match Searches::new(table, queries) {
        Ok(searches) => searches,
        Err(e) => unreachable!("a running sum of non-negative steps is sorted: {e}"),
    }
}

/// The input carrying `searches` under `shape`.
pub fn input(shape: &str, searches: Searches) -> Input {
    let count = searches.queries().len();
    Input::of_workload(InputName::counted(shape, count, Unit::Operations), searches)
}

/// Every table at each of its query counts.
pub fn specs() -> Vec<InputSpec> {
    TABLES
        .iter()
        .flat_map(|&(table_bytes, counts)| {
            counts.iter().map(move |&queries| {
                let shape = format!("table-{}", size_label(table_bytes));
                InputSpec::new(
                    InputName::counted(shape.clone(), queries, Unit::Operations),
                    move || input(&shape, generate(table_bytes, queries)),
                )
                .with_param("table_bytes", table_bytes)
            })
        })
        .collect()
}

/// Small searches at the edges, for the checkers (Miri, AddressSanitizer) and the tests: an
/// empty table, one entry, a table of one repeated value, the extremes of `u32`, and tables
/// whose lengths are around powers of two (where the halving leaves an odd remainder), each
/// queried below, at and above every entry.
pub fn edge_cases() -> Vec<Input> {
    let around = |table: &[u32]| -> Vec<u32> {
        let mut queries = vec![0, u32::MAX];
        for &x in table {
            queries.extend([x.saturating_sub(1), x, x.saturating_add(1)]);
        }
        queries
    };
    let mut tables: Vec<Vec<u32>> = vec![
        vec![],
        vec![5],
        vec![7; 9],
        vec![0, 0, u32::MAX, u32::MAX],
        vec![1, 3, 3, 3, 8, 8, 20],
    ];
    tables.extend([2usize, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33].map(|len| {
        (0..len)
            .map(|i| u32::try_from(i * 3 + i % 2).unwrap_or(u32::MAX))
            .collect()
    }));
    tables
        .into_iter()
        .map(|table| {
            let queries = around(&table);
            match Searches::new(table, queries) {
                Ok(searches) => input("edge", searches),
                Err(e) => unreachable!("edge-case tables are sorted: {e}"),
            }
        })
        .collect()
}
