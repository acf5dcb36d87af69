//! Families `pool` (here) and `pool_rayon` ([`pool_rayon`]): pooled object reuse, on one thread
//! and across rayon workers.
//!
//! A workload is a sequence of operations; each acquires an object, fills it from the
//! operation's index, folds it into a checksum and releases it. Pools exist to skip the
//! allocation (and the page-touching) a fresh object costs; unsafe pools promise to also skip
//! the bookkeeping a safe pool does (moves in and out of a `Vec`, `RefCell` flags, bounds
//! checks, uncontended locks). The families measure how much of the operation that bookkeeping
//! is, against allocation per operation as the baseline.
//!
//! Objects are realistic: a scratch buffer of up to 4 KiB and a small message with an owned
//! payload. Every variant computes the same checksum for the same workload; operations are
//! independent, so the parallel variants may run them in any order and still agree.

pub mod inputs;
pub mod pool_rayon;
pub mod raw;
pub mod safe;

use std::sync::Arc;

use rayon::ThreadPool;

use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Fixture, Input, Run, Unit};

/// This family's unsafe code, where its unsafe variants' items are counted.
const RAW: crate::unsafe_code::RawFile = crate::unsafe_code::raw_file!("pool");

/// The work one input describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workload {
    /// What each operation uses.
    pub object: ObjectKind,
    /// How many operations.
    pub ops: usize,
    /// How many rayon workers share them (single-threaded variants ignore it).
    pub threads: usize,
}

impl Workload {
    /// The workload `input` describes; an input that describes none is the empty workload.
    fn of(input: &Input) -> Self {
        input.workload::<Self>().copied().unwrap_or(Self {
            object: ObjectKind::Scratch,
            ops: 0,
            threads: 1,
        })
    }
}

/// The objects a workload can pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// [`Scratch`]: a byte buffer of up to 4 KiB.
    Scratch,
    /// [`Message`]: a small struct with an owned payload.
    Message,
}

impl ObjectKind {
    /// The name inputs use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scratch => "scratch",
            Self::Message => "message",
        }
    }
}

/// An object worth pooling: expensive to make, cheap to reset.
pub trait PoolObject: Default + Send + 'static {
    /// A new object with its working capacity, as allocation-per-operation code makes it.
    /// (`Default` is the empty, non-allocating value.)
    fn fresh() -> Self;
    /// Resets the object for operation `op`, reusing its capacity.
    fn fill(&mut self, op: u64);
    /// What the operation computes from the filled object.
    fn checksum(&self) -> u64;
}

/// A well-mixed function of an operation's index: the first SplitMix64 output seeded at `op`.
fn mix(op: u64) -> u64 {
    crate::generate::mix(op.wrapping_add(crate::generate::GOLDEN_GAMMA))
}

/// Refills `bytes` with `len` bytes derived from `op`.
fn fill_bytes(bytes: &mut Vec<u8>, op: u64, len: usize) {
    bytes.clear();
    let seed = op as u8;
    bytes.extend((0..len).map(|j| (j as u8).wrapping_mul(31) ^ seed));
}

/// The sum of `bytes`. Summed in `u32` per 64 KiB chunk (at most 255 * 2^16 < 2^32 each):
/// widening bytes straight to `u64` compiles to a scalar loop that would drown the pool's own
/// cost, while `u32` lanes vectorise.
fn sum_bytes(bytes: &[u8]) -> u64 {
    bytes
        .chunks(1 << 16)
        .map(|chunk| u64::from(chunk.iter().map(|&b| u32::from(b)).sum::<u32>()))
        .sum()
}

/// A scratch buffer: 4 KiB of capacity, of which each operation uses 512 B to 4 KiB.
#[derive(Debug, Default)]
pub struct Scratch {
    bytes: Vec<u8>,
}

/// A scratch buffer's capacity.
pub const SCRATCH_CAPACITY: usize = 4 << 10;

impl PoolObject for Scratch {
    fn fresh() -> Self {
        Self {
            bytes: Vec::with_capacity(SCRATCH_CAPACITY),
        }
    }

    fn fill(&mut self, op: u64) {
        let len = 512 + (mix(op) % (SCRATCH_CAPACITY as u64 - 511)) as usize;
        fill_bytes(&mut self.bytes, op, len);
    }

    fn checksum(&self) -> u64 {
        sum_bytes(&self.bytes) ^ (self.bytes.len() as u64) << 32
    }
}

/// A message: a header and an owned payload of 16 to 256 bytes.
#[derive(Debug, Default)]
pub struct Message {
    id: u64,
    topic: u16,
    payload: Vec<u8>,
}

/// A message payload's capacity.
pub const PAYLOAD_CAPACITY: usize = 256;

impl PoolObject for Message {
    fn fresh() -> Self {
        Self {
            payload: Vec::with_capacity(PAYLOAD_CAPACITY),
            ..Self::default()
        }
    }

    fn fill(&mut self, op: u64) {
        let m = mix(op);
        self.id = op;
        self.topic = (m >> 48) as u16 % 16;
        let len = 16 + (m % (PAYLOAD_CAPACITY as u64 - 15)) as usize;
        fill_bytes(&mut self.payload, op, len);
    }

    fn checksum(&self) -> u64 {
        self.id ^ u64::from(self.topic) << 48 ^ sum_bytes(&self.payload) << 8
    }
}

/// One operation on an object, whichever way it was obtained.
fn operate<T: PoolObject>(object: &mut T, op: u64) -> u64 {
    object.fill(op);
    object.checksum()
}

/// A single-threaded way to get an object for each operation.
pub trait LocalPool: Default {
    /// Acquires an object, operates on it with `op`, releases it; returns the checksum.
    fn op(&mut self, op: u64) -> u64;
}

/// A way to get objects for operations that rayon workers share. It holds the thread pool its
/// workers run on (shared with other users of those workers), so per-worker state is tied to
/// exactly those workers for as long as it exists.
pub trait SharedPool: Sync {
    /// A pool of objects for the workers of `threads`.
    fn new(threads: Arc<ThreadPool>) -> Self;
    /// The workers.
    fn threads(&self) -> &ThreadPool;
    /// Acquires an object, operates on it with `op`, releases it; returns the checksum.
    fn op(&self, op: u64) -> u64;
}

/// Free objects a per-thread pool keeps: enough for the one an operation holds, plus slack.
/// Every per-worker variant keeps at most this many, so none of them wins by hoarding.
pub const PER_WORKER_CAPACITY: usize = 4;

/// Keeps a value on its own cache lines, so per-worker slots do not share a line (false
/// sharing would make every per-worker variant pay for its neighbours' writes).
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct Padded<T>(pub T);

/// Runs a workload on one thread, keeping the pool between runs.
struct LocalFixture<P, const COPY: bool> {
    pool: P,
    ops: usize,
    checksum: u64,
}

impl<P: LocalPool, const COPY: bool> Fixture for LocalFixture<P, COPY> {
    fn run(&mut self) {
        if COPY {
            std::hint::black_box(crate::families::COPY_MARK);
        }
        let pool = &mut self.pool;
        self.checksum = (0..self.ops as u64).fold(0, |sum, op| sum.wrapping_add(pool.op(op)));
    }

    fn digest(&mut self) -> Digest {
        Digest::Workload {
            ops: self.ops,
            checksum: self.checksum,
        }
    }
}

/// Builds the single-threaded fixture for the input's object kind.
/// `COPY` builds the A/A control's separately compiled copy.
fn local<S: LocalPool + 'static, M: LocalPool + 'static, const COPY: bool>(
    input: &Input,
) -> Box<dyn Fixture + '_> {
    let Workload { object, ops, .. } = Workload::of(input);
    match object {
        ObjectKind::Scratch => Box::new(LocalFixture::<S, COPY> {
            pool: S::default(),
            ops,
            checksum: 0,
        }),
        ObjectKind::Message => Box::new(LocalFixture::<M, COPY> {
            pool: M::default(),
            ops,
            checksum: 0,
        }),
    }
}

/// Family `pool`: one thread.
pub static POOL: Family = Family {
    name: "pool",
    title: "pooled object reuse, one thread",
    summary: "Acquire, fill, fold, release, on one thread: what a raw-pointer slab with an \
              intrusive free list buys over a safe Vec-backed pool with a drop guard and a safe \
              index slab, with allocation per operation as the baseline.",
    compares: "number of operations and the wrapping sum of their checksums",
    variants: &[
        Variant::baseline(
            "alloc_per_op",
            "a fresh object per operation, freed after it",
            Run::fixture(local::<safe::AllocPerOp<Scratch>, safe::AllocPerOp<Message>, false>),
        ),
        Variant::safe(
            "vec_guard",
            "objects moved out of a RefCell<Vec<T>> and back by a drop guard",
            Run::fixture(local::<safe::GuardPool<Scratch>, safe::GuardPool<Message>, false>),
        ),
        Variant::safe(
            "index_slab",
            "objects stay in a Vec<T>; handles are indices (bounds-checked) on a \
                          free list",
            Run::fixture(local::<safe::IndexSlab<Scratch>, safe::IndexSlab<Message>, false>),
        ),
        Variant::with_unsafe(
            "slab_raw",
            "objects stay in MaybeUninit slots; handles are raw pointers on an \
                          intrusive free list",
            Unsafety::new(
                raw::SLAB_INVARIANTS,
                &[],
                RAW.code(&[
                    "impl<T: PoolObject> RawSlab<T> {",
                    "impl<T> Drop for RawSlab<T>",
                    "impl<T: PoolObject> LocalPool for LocalSlab<T>",
                ]),
            ),
            Run::fixture(local::<raw::LocalSlab<Scratch>, raw::LocalSlab<Message>, false>),
        ),
    ],
    reference: "vec_guard",
    reference_copy: Run::fixture(local::<safe::GuardPool<Scratch>, safe::GuardPool<Message>, true>),
    floor: crate::families::floor::Floor::None(
        "the work is taking objects from a pool and giving them back around each object's \
         own operation; no pass over bytes bounds the bookkeeping",
    ),
    headline: ("scratch", 64_000),
    unit: Unit::Operations,
    inputs: inputs::local_specs,
    takes_files: false,
    spawns_threads: false,
    edge_cases: crate::family::no_edge_cases,
};
