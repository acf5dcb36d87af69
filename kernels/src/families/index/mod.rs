//! Family `index`: bounds-check elision in a gather.
//!
//! `get_unchecked` is the unsafe reviewers meet most, and the field disagrees on what it buys:
//! "4-5x" in microbenchmarks, "slower" or "within noise" in real programs. This family measures
//! the case where no check can be hoisted out of the loop: a lookup through data-dependent keys
//! (a dictionary decode, a permutation, a sparse gather), where every key is checked against
//! the table's length, one compare and one branch per lookup. Tables go from L1-sized to
//! larger than the last-level cache, where each lookup waits on memory and a check is nothing
//! beside the miss.
//!
//! Every variant sums `table[key]` over the keys. The unsafe ones rely on a fact a [`Lookups`]
//! carries: every key was checked to be in bounds once, when it was built, and safe code cannot
//! make one any other way.

pub mod inputs;
pub mod raw;
pub mod safe;

use std::fmt;

use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Fixture, Input, Run, Unit};

/// This family's unsafe code, where its unsafe variants' items are counted.
const RAW: crate::unsafe_code::RawFile = crate::unsafe_code::raw_file!("index");

/// A table and keys into it, every key checked against the table's length when built. The
/// fields are private, so safe code outside this module holds a `Lookups` only through
/// [`Lookups::new`]: the fact is carried by the type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookups {
    table: Box<[u32]>,
    keys: Box<[u32]>,
}

/// A key [`Lookups::new`] refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyOutOfBounds {
    /// Where in the keys.
    pub position: usize,
    /// The key.
    pub key: u32,
    /// The table's length.
    pub len: usize,
}

impl fmt::Display for KeyOutOfBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "key {} at position {} is out of bounds for a table of {}",
            self.key, self.position, self.len
        )
    }
}

impl std::error::Error for KeyOutOfBounds {}

impl Lookups {
    /// The lookups of `keys` into `table`, if every key is below the table's length.
    ///
    /// # Errors
    ///
    /// The first key that is not.
    pub fn new(table: Vec<u32>, keys: Vec<u32>) -> Result<Self, KeyOutOfBounds> {
        let len = table.len();
        if let Some((position, &key)) = keys
            .iter()
            .enumerate()
            .find(|&(_, &key)| usize::try_from(key).map_or(true, |k| k >= len))
        {
            return Err(KeyOutOfBounds { position, key, len });
        }
        Ok(Self {
            table: table.into_boxed_slice(),
            keys: keys.into_boxed_slice(),
        })
    }

    /// The table.
    pub fn table(&self) -> &[u32] {
        &self.table
    }

    /// The keys, each below `table().len()`.
    pub fn keys(&self) -> &[u32] {
        &self.keys
    }
}

/// Runs one way of summing the lookups of an input.
struct GatherFixture<'a, const COPY: bool> {
    lookups: Option<&'a Lookups>,
    sum: fn(&Lookups) -> u64,
    checksum: u64,
}

impl<const COPY: bool> Fixture for GatherFixture<'_, COPY> {
    fn run(&mut self) {
        if COPY {
            std::hint::black_box(crate::families::COPY_MARK);
        }
        self.checksum = self.lookups.map_or(0, self.sum);
    }

    fn digest(&mut self) -> Digest {
        Digest::Workload {
            ops: self.lookups.map_or(0, |l| l.keys.len()),
            checksum: self.checksum,
        }
    }

    /// The variant's own function, which `run` calls through this pointer.
    fn entry_point(&self) -> *const () {
        self.sum as *const ()
    }
}

/// Builds the fixture of `sum` for the input's lookups; an input that carries none is empty.
fn gather<const COPY: bool>(input: &Input, sum: fn(&Lookups) -> u64) -> Box<dyn Fixture + '_> {
    Box::new(GatherFixture::<COPY> {
        lookups: input.workload::<Lookups>(),
        sum,
        checksum: 0,
    })
}

const NO_KEY_OUT_OF_BOUNDS: &[&str] = &[
    "every key is below the table's length: checked once by Lookups::new, whose fields safe \
     code cannot set any other way",
];

/// The floor: every key read once. The table's lookups come on top of it, so it bounds the
/// gather from below without coming close where the table misses the caches.
static KEYS_READ: Variant = Variant::floor(
    "read_keys",
    "read every key once (the OR-fold read pass), without the lookups: a loose floor",
    Run::fixture(|input| {
        let keys = input.workload::<Lookups>().map_or(&[][..], Lookups::keys);
        crate::families::floor::read_fixture(bytemuck::cast_slice(keys))
    }),
);

/// Family `index`: a gather through data-dependent keys.
pub static INDEX: Family = Family {
    name: "index",
    title: "bounds-check elision in a gather",
    summary: "Sum table[key] over data-dependent keys, tables from L1 to beyond the last-level \
              cache: what get_unchecked and raw pointer reads buy over plain indexing, \
              get() with a default, and a clamp that lets the compiler prove the bound.",
    compares: "number of lookups and the wrapping sum of the values looked up",
    variants: &[
        Variant::baseline(
            "indexed_loop",
            "for i in 0..keys.len(): table[keys[i] as usize], C-style: two index operations \
             (the compiler drops the check of keys[i]; the check of the table stays)",
            Run::fixture(|input| gather::<false>(input, safe::sum_indexed_loop)),
        ),
        Variant::safe(
            "indexing",
            "keys.iter(), table[key as usize]: a compare and a branch to the panic path per \
             lookup",
            Run::fixture(|input| gather::<false>(input, safe::sum_indexing)),
        ),
        Variant::safe(
            "get_or_zero",
            "table.get(key).copied().unwrap_or(0): the check stays, the panic path goes",
            Run::fixture(|input| gather::<false>(input, safe::sum_get_or_zero)),
        ),
        Variant::safe(
            "clamped",
            "table[key.min(len - 1)]: a branch-free clamp the compiler can prove in bounds",
            Run::fixture(|input| gather::<false>(input, safe::sum_clamped)),
        ),
        Variant::safe(
            "chunked",
            "keys.chunks_exact(8), table[key] summed per chunk: the same checks, unrolled by \
             hand",
            Run::fixture(|input| gather::<false>(input, safe::sum_chunked)),
        ),
        Variant::with_unsafe(
            "get_unchecked",
            "table.get_unchecked(key): no check",
            Unsafety::new(
                NO_KEY_OUT_OF_BOUNDS,
                &[],
                RAW.code(&["pub fn sum_get_unchecked("]),
            ),
            Run::fixture(|input| gather::<false>(input, raw::sum_get_unchecked)),
        ),
        Variant::with_unsafe(
            "ptr_add",
            "raw pointers: keys walked from start to end, each value read at table.add(key)",
            Unsafety::new(
                NO_KEY_OUT_OF_BOUNDS,
                &[],
                RAW.code(&["pub fn sum_ptr_add("]),
            ),
            Run::fixture(|input| gather::<false>(input, raw::sum_ptr_add)),
        ),
    ],
    reference: "indexing",
    reference_copy: Run::fixture(|input| gather::<true>(input, safe::sum_indexing)),
    floor: crate::families::floor::Floor::Measured(&KEYS_READ),
    headline: ("table-16KiB", 64_000),
    unit: Unit::Operations,
    inputs: inputs::specs,
    takes_files: false,
    spawns_threads: false,
    edge_cases: inputs::edge_cases,
};
