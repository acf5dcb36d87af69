//! Index inputs: shape `table-SIZE` is a table of `u32` values of that many bytes, size the
//! number of lookups, keys uniform over the table. Tables are L1-sized (16 KiB), L2-sized
//! (1 MiB) and beyond the last-level cache (64 MiB), where every lookup misses.

use super::Lookups;
use crate::generate::{Rng, size_label};
use crate::{Input, InputName, InputSpec, Unit};

/// The table sizes, in bytes, with the lookup counts each is generated at. Only the 16 KiB
/// table comes at 16 lookups, so that the smallest inputs stay cheap to build under Miri.
pub const TABLES: [(usize, &[usize]); 3] = [
    (16 << 10, &[16, 1_000, 64_000, 1_000_000]),
    (1 << 20, &[1_000, 64_000, 1_000_000]),
    (64 << 20, &[64_000, 1_000_000]),
];

/// `lookups` uniform random keys into a table of `table_bytes` of random values.
pub fn generate(table_bytes: usize, lookups: usize) -> Lookups {
    let entries = table_bytes / size_of::<u32>();
    let mut rng = Rng::new(&format!("index/{table_bytes}"));
    let table: Vec<u32> = (0..entries).map(|_| rng.next_u64() as u32).collect();
    let mut rng = Rng::new(&format!("index/{table_bytes}/keys/{lookups}"));
    let keys = (0..lookups)
        .map(|_| u32::try_from(rng.below(entries.max(1))).unwrap_or(0))
        .collect();
    match Lookups::new(table, keys) {
        Ok(lookups) => lookups,
        Err(e) => unreachable!("generated keys are drawn below the table's length: {e}"),
    }
}

/// The input carrying `lookups` under `shape`.
pub fn input(shape: &str, lookups: Lookups) -> Input {
    let count = lookups.keys().len();
    Input::of_workload(InputName::counted(shape, count, Unit::Operations), lookups)
}

/// Every table at each of its lookup counts.
pub fn specs() -> Vec<InputSpec> {
    TABLES
        .iter()
        .flat_map(|&(table_bytes, counts)| {
            counts.iter().map(move |&lookups| {
                let shape = format!("table-{}", size_label(table_bytes));
                InputSpec::new(
                    InputName::counted(shape.clone(), lookups, Unit::Operations),
                    move || input(&shape, generate(table_bytes, lookups)),
                )
                .with_param("table_bytes", table_bytes)
            })
        })
        .collect()
}

/// Small lookups at the edges, for the checkers (Miri, AddressSanitizer) and the tests: no
/// keys, a table of one entry, the first and last entries read repeatedly, and every entry of a
/// 64-entry table in both directions, so that a read one past the end would be seen.
pub fn edge_cases() -> Vec<Input> {
    let table = |len: u32| {
        (0..len)
            .map(|i| i.wrapping_mul(0x9E37_79B9))
            .collect::<Vec<_>>()
    };
    let cases: [(Vec<u32>, Vec<u32>); 6] = [
        (vec![], vec![]),
        (table(1), vec![]),
        (table(1), vec![0; 9]),
        (table(3), vec![2, 0, 2, 2, 1, 0, 2]),
        (table(64), (0..64).collect()),
        (table(64), (0..64).rev().chain([63, 0, 63]).collect()),
    ];
    cases
        .into_iter()
        .map(|(table, keys)| match Lookups::new(table, keys) {
            Ok(lookups) => input("edge", lookups),
            Err(e) => unreachable!("edge-case keys are in bounds: {e}"),
        })
        .collect()
}
