//! Family `search`: bounds-check elision in a binary search.
//!
//! The third of the index kernels: each probe's index is computed from the previous probe's
//! outcome, so no check can be hoisted out of the loop and none is needed either, because the
//! search's own invariant keeps every probe inside the table. Whether the compiler sees that,
//! and whether a check it cannot drop costs anything beside the load each step waits on, is
//! what the family measures. It is also where `get_unchecked` is everywhere in real code: the
//! standard library's own `partition_point` is written with it.
//!
//! Every variant finds, for each query, the lower bound in a sorted table of `u32` (the number
//! of entries below the query) and writes it into a buffer preallocated per arm. Tables go
//! from 16 KiB (L1) to 64 MiB (beyond the last-level cache, where each deep probe misses).
//! The branch-free variants all use `std::hint::select_unpredictable` the same way, so they
//! differ only in how a probe reads the table.

pub mod inputs;
pub mod raw;
pub mod safe;

use std::fmt;

use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Fixture, Input, Run, SharedOutput, Unit};

/// This family's unsafe code, where its unsafe variants' items are counted.
const RAW: crate::unsafe_code::RawFile = crate::unsafe_code::raw_file!("search");

/// A sorted table and the queries to look up in it, the order checked when built. The unsafe
/// variants do not rely on the order (every probe stays in bounds for any table); the
/// comparison does, because only in a sorted table is the lower bound one answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Searches {
    table: Box<[u32]>,
    queries: Box<[u32]>,
}

/// A table [`Searches::new`] refused: `table[position] > table[position + 1]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unsorted {
    /// Where the order breaks.
    pub position: usize,
}

impl fmt::Display for Unsorted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the table is not sorted: entry {} is greater than entry {}",
            self.position,
            self.position + 1
        )
    }
}

impl std::error::Error for Unsorted {}

impl Searches {
    /// The searches of `queries` in `table`, if the table is sorted (equal entries allowed).
    ///
    /// # Errors
    ///
    /// The first place where an entry is greater than the next.
    pub fn new(table: Vec<u32>, queries: Vec<u32>) -> Result<Self, Unsorted> {
        if let Some(position) = table.windows(2).position(|w| w[0] > w[1]) {
            return Err(Unsorted { position });
        }
        Ok(Self {
            table: table.into_boxed_slice(),
            queries: queries.into_boxed_slice(),
        })
    }

    /// The table, sorted.
    pub fn table(&self) -> &[u32] {
        &self.table
    }

    /// The queries.
    pub fn queries(&self) -> &[u32] {
        &self.queries
    }
}

/// Writes `lower_bound(table, query)` for each query into `out`, as far as the shorter of the
/// two goes: the loop every variant shares, inlined into each so that only the search differs.
#[inline(always)]
fn each_query(
    table: &[u32],
    queries: &[u32],
    out: &mut [usize],
    lower_bound: impl Fn(&[u32], u32) -> usize,
) {
    for (at, &query) in out.iter_mut().zip(queries) {
        *at = lower_bound(table, query);
    }
}

/// One way of finding every query's lower bound: `out[i]` for `queries[i]`, as far as the
/// shorter of the two goes.
pub type SearchAll = fn(&[u32], &[u32], &mut [usize]);

/// Runs one way of searching the input's queries into the output every arm of the family
/// writes (see [`SharedOutput`]).
struct SearchFixture<'a, const COPY: bool> {
    table: &'a [u32],
    queries: &'a [u32],
    search: SearchAll,
    out: SharedOutput<Vec<usize>>,
}

impl<const COPY: bool> SearchFixture<'_, COPY> {
    /// Searches into `out`, first sized to the queries if another input's fixture resized it
    /// (never between the calls of one case, whose fixtures all size it alike when bound).
    fn search_into(&self, out: &mut Vec<usize>) {
        if out.len() != self.queries.len() {
            poison(out, self.queries.len());
        }
        (self.search)(self.table, self.queries, out);
    }
}

/// `len` positions no search returns (`usize::MAX`), so that a variant which leaves some
/// unwritten cannot pass the equivalence check on another arm's results.
fn poison(out: &mut Vec<usize>, len: usize) {
    out.clear();
    out.resize(len, usize::MAX);
}

impl<const COPY: bool> Fixture for SearchFixture<'_, COPY> {
    fn run(&mut self) {
        if COPY {
            std::hint::black_box(crate::families::COPY_MARK);
        }
        self.out.write(|out| self.search_into(out));
    }

    fn digest(&mut self) -> Digest {
        self.out.read_own(
            |out| self.search_into(out),
            |out| {
                // Positions as u64, so the digest does not depend on the width of `usize`.
                let bytes: Vec<u8> = out.iter().flat_map(|&p| (p as u64).to_le_bytes()).collect();
                Digest::Bytes {
                    len: bytes.len(),
                    hash: crate::digest::hash_bytes(&bytes),
                }
            },
        )
    }

    /// The variant's own function, which `run` calls through this pointer.
    fn entry_point(&self) -> *const () {
        self.search as *const ()
    }
}

/// Builds the fixture of `search` for the input's searches; an input that carries none is an
/// empty table with no queries. Binding poisons the shared output.
fn fixture<const COPY: bool>(input: &Input, search: SearchAll) -> Box<dyn Fixture + '_> {
    let (table, queries) = input
        .workload::<Searches>()
        .map_or((&[][..], &[][..]), |s| (s.table(), s.queries()));
    let out = SharedOutput::join(SEARCH.name);
    out.prepare(|out| poison(out, queries.len()));
    Box::new(SearchFixture::<COPY> {
        table,
        queries,
        search,
        out,
    })
}

const PROBES_IN_BOUNDS: &[&str] = &[
    "every probe is inside the table: the search keeps base + size <= len with size >= 1, and \
     probes base + size / 2 < base + size, for any table, sorted or not",
];

/// Family `search`: lower bounds of queries in a sorted table.
pub static SEARCH: Family = Family {
    name: "search",
    title: "bounds-check elision in a binary search",
    summary: "Find each query's lower bound in a sorted u32 table, 16 KiB to 64 MiB: what \
              get_unchecked and raw pointers buy in a branch-free binary search over checked \
              indexing, halving slices the compiler can prove, and the standard library's \
              partition_point.",
    compares: "the lower bound of every query, in order",
    variants: &[
        Variant::baseline(
            "indexed_loop",
            "the textbook lo/hi loop with table[mid]: a branch on each comparison, which \
             random queries mispredict about half the time, and the check of table[mid]",
            Run::fixture(|input| fixture::<false>(input, safe::search_indexed_loop)),
        ),
        Variant::safe(
            "branchless",
            "base/size halving with select_unpredictable and table[base + half]: the check \
             stays, the compiler cannot prove it",
            Run::fixture(|input| fixture::<false>(input, safe::search_branchless)),
        ),
        Variant::safe(
            "halving_slices",
            "the same search on a shrinking slice, probing rest[half] with half < rest.len(): \
             every index is provable, no check",
            Run::fixture(|input| fixture::<false>(input, safe::search_halving_slices)),
        ),
        Variant::safe(
            "subslice_offset",
            "halving_slices without the position in the loop: only the slice's start moves, \
             and the position is its offset in the table, from the addresses at the end",
            Run::fixture(|input| fixture::<false>(input, safe::search_subslice_offset)),
        ),
        Variant::safe(
            "partition_point",
            "table.partition_point(|&x| x < query): the standard library's search (itself \
             written with get_unchecked)",
            Run::fixture(|input| fixture::<false>(input, safe::search_partition_point)),
        ),
        Variant::with_unsafe(
            "get_unchecked",
            "branchless's loop with table.get_unchecked(base + half): no check",
            Unsafety::new(
                PROBES_IN_BOUNDS,
                &[],
                RAW.code(&["pub fn lower_bound_get_unchecked("]),
            ),
            Run::fixture(|input| fixture::<false>(input, raw::search_get_unchecked)),
        ),
        Variant::with_unsafe(
            "ptr_add",
            "raw pointers: the base is a pointer into the table, each probe read at \
             base.add(half), the position recovered with offset_from",
            Unsafety::new(
                PROBES_IN_BOUNDS,
                &[],
                RAW.code(&["pub fn lower_bound_ptr_add("]),
            ),
            Run::fixture(|input| fixture::<false>(input, raw::search_ptr_add)),
        ),
    ],
    reference: "branchless",
    reference_copy: Run::fixture(|input| fixture::<true>(input, safe::search_branchless)),
    floor: crate::families::floor::Floor::None(
        "a binary search is a chain of dependent loads, each waiting on the one before; any \
         pass over the table reads more than the search does, so none bounds it",
    ),
    headline: ("table-16KiB", 4_000),
    unit: Unit::Operations,
    inputs: inputs::specs,
    takes_files: false,
    spawns_threads: false,
    edge_cases: inputs::edge_cases,
};
