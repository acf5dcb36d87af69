//! Families `pool` and `pool_rayon`: pooled object reuse, on one thread and across rayon workers.
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
pub mod raw;
pub mod safe;

use rayon::ThreadPool;
use rayon::prelude::*;

use crate::registry::{Family, Kind, Variant};
use crate::unsafe_code::UnsafeCode;
use crate::{Digest, Fixture, Input, Run, Unit};

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

/// A way to get objects for operations that rayon workers share. It owns the thread pool its
/// workers run on, so per-worker state is tied to exactly those workers.
pub trait SharedPool: Sync {
    /// A pool of objects for the workers of `threads`.
    fn new(threads: ThreadPool) -> Self;
    /// The workers.
    fn threads(&self) -> &ThreadPool;
    /// Acquires an object, operates on it with `op`, releases it; returns the checksum.
    fn op(&self, op: u64) -> u64;
}

/// Keeps a value on its own cache lines, so per-worker slots do not share a line (false
/// sharing would make every per-worker variant pay for its neighbours' writes).
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct Padded<T>(pub T);

/// Runs a workload on one thread, keeping the pool between runs.
struct LocalFixture<P> {
    pool: P,
    ops: usize,
    checksum: u64,
}

impl<P: LocalPool> Fixture for LocalFixture<P> {
    fn run(&mut self) {
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
fn local<S: LocalPool + 'static, M: LocalPool + 'static>(input: &Input) -> Box<dyn Fixture + '_> {
    let Workload { object, ops, .. } = Workload::of(input);
    match object {
        ObjectKind::Scratch => Box::new(LocalFixture {
            pool: S::default(),
            ops,
            checksum: 0,
        }),
        ObjectKind::Message => Box::new(LocalFixture {
            pool: M::default(),
            ops,
            checksum: 0,
        }),
    }
}

/// Operations handed to a worker at a time: enough to amortise rayon's splitting, few enough
/// to balance the smaller workloads.
const MIN_OPS_PER_TASK: usize = 64;

/// Runs a workload split across the pool's workers, keeping the pool between runs.
struct ParallelFixture<P> {
    pool: P,
    ops: usize,
    checksum: u64,
}

impl<P: SharedPool> Fixture for ParallelFixture<P> {
    fn run(&mut self) {
        let pool = &self.pool;
        let ops = self.ops;
        self.checksum = pool.threads().install(|| {
            (0..ops)
                .into_par_iter()
                .with_min_len(MIN_OPS_PER_TASK)
                .map(|op| pool.op(op as u64))
                .reduce(|| 0, u64::wrapping_add)
        });
    }

    fn digest(&mut self) -> Digest {
        Digest::Workload {
            ops: self.ops,
            checksum: self.checksum,
        }
    }
}

/// Builds the parallel fixture, with a rayon pool of the workload's thread count.
///
/// # Panics
///
/// If the operating system refuses to start the worker threads.
fn parallel<S: SharedPool + 'static, M: SharedPool + 'static>(
    input: &Input,
) -> Box<dyn Fixture + '_> {
    let Workload {
        object,
        ops,
        threads,
    } = Workload::of(input);
    let workers = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("pool-worker-{i}"))
        .build()
        .unwrap_or_else(|e| panic!("cannot start {threads} rayon workers: {e}"));
    match object {
        ObjectKind::Scratch => Box::new(ParallelFixture {
            pool: S::new(workers),
            ops,
            checksum: 0,
        }),
        ObjectKind::Message => Box::new(ParallelFixture {
            pool: M::new(workers),
            ops,
            checksum: 0,
        }),
    }
}

/// Family `pool`: one thread.
pub static LOCAL: Family = Family {
    name: "pool",
    title: "pooled object reuse, one thread",
    summary: "Acquire, fill, fold, release, on one thread: what a raw-pointer slab with an \
              intrusive free list buys over a safe Vec-backed pool with a drop guard and a safe \
              index slab, with allocation per operation as the baseline.",
    compares: "number of operations and the wrapping sum of their checksums",
    variants: &[
        Variant {
            name: "alloc_per_op",
            kind: Kind::Baseline,
            description: "a fresh object per operation, freed after it",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture(local::<safe::AllocPerOp<Scratch>, safe::AllocPerOp<Message>>),
        },
        Variant {
            name: "vec_guard",
            kind: Kind::Safe,
            description: "objects moved out of a RefCell<Vec<T>> and back by a drop guard",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture(local::<safe::GuardPool<Scratch>, safe::GuardPool<Message>>),
        },
        Variant {
            name: "index_slab",
            kind: Kind::Safe,
            description: "objects stay in a Vec<T>; handles are indices (bounds-checked) on a \
                          free list",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture(local::<safe::IndexSlab<Scratch>, safe::IndexSlab<Message>>),
        },
        Variant {
            name: "slab_raw",
            kind: Kind::Unsafe,
            description: "objects stay in MaybeUninit slots; handles are raw pointers on an \
                          intrusive free list",
            invariants: raw::SLAB_INVARIANTS,
            skips: &[],
            unsafe_code: Some(
                const {
                    UnsafeCode::counted(
                        "kernels/src/pool/raw.rs",
                        include_str!("raw.rs"),
                        &[
                            "impl<T: PoolObject> RawSlab<T> {",
                            "impl<T> Drop for RawSlab<T>",
                            "impl<T: PoolObject> LocalPool for LocalSlab<T>",
                        ],
                    )
                },
            ),
            run: Run::fixture(local::<raw::LocalSlab<Scratch>, raw::LocalSlab<Message>>),
        },
    ],
    reference: "vec_guard",
    floor: None,
    headline: ("scratch", 64_000),
    unit: Unit::Operations,
    inputs: inputs::local_specs,
    takes_files: false,
};

/// Family `pool_rayon`: the same operations split across rayon workers.
pub static PARALLEL: Family = Family {
    name: "pool_rayon",
    title: "pooled object reuse across rayon workers",
    summary: "The same operations split across 1, 2 and all cores: what an unsafe per-worker \
              table (UnsafeCell slots, unsafe impl Sync) buys over a shared Mutex pool, \
              per-worker Mutex pools, and crossbeam's lock-free ArrayQueue.",
    compares: "number of operations and the wrapping sum of their checksums (order-free)",
    variants: &[
        Variant {
            name: "alloc_per_op",
            kind: Kind::Baseline,
            description: "a fresh object per operation, freed after it",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture(
                parallel::<safe::AllocPerOpShared<Scratch>, safe::AllocPerOpShared<Message>>,
            ),
        },
        Variant {
            name: "mutex_shared",
            kind: Kind::Safe,
            description: "one Mutex<Vec<T>> that every worker locks",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture(parallel::<safe::SharedMutex<Scratch>, safe::SharedMutex<Message>>),
        },
        Variant {
            name: "mutex_per_worker",
            kind: Kind::Safe,
            description: "a Mutex<Vec<T>> per worker, indexed by the rayon worker index \
                          (uncontended locks)",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture(
                parallel::<safe::PerWorkerMutex<Scratch>, safe::PerWorkerMutex<Message>>,
            ),
        },
        Variant {
            name: "array_queue",
            kind: Kind::Safe,
            description: "crossbeam_queue::ArrayQueue shared by every worker (lock-free)",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture(parallel::<safe::QueuePool<Scratch>, safe::QueuePool<Message>>),
        },
        Variant {
            name: "worker_table_raw",
            kind: Kind::Unsafe,
            description: "an UnsafeCell<Vec<T>> per worker, indexed by the rayon worker index, \
                          no lock (unsafe impl Sync)",
            invariants: raw::WORKER_TABLE_INVARIANTS,
            skips: &[],
            unsafe_code: Some(
                const {
                    UnsafeCode::counted(
                        "kernels/src/pool/raw.rs",
                        include_str!("raw.rs"),
                        &[
                            "unsafe impl<T: Send> Sync for WorkerTable<T>",
                            "impl<T: PoolObject> WorkerTable<T> {",
                        ],
                    )
                },
            ),
            run: Run::fixture(parallel::<raw::WorkerTable<Scratch>, raw::WorkerTable<Message>>),
        },
    ],
    reference: "mutex_shared",
    floor: None,
    headline: ("scratch-all", 64_000),
    unit: Unit::Operations,
    inputs: inputs::parallel_specs,
    takes_files: false,
};
