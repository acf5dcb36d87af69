//! Family `pool_rayon`: the `pool` family's operations split across rayon workers, each pool
//! owning the rayon thread pool its workers run on.

use rayon::prelude::*;

use super::{Message, ObjectKind, Scratch, SharedPool, Workload, raw, safe};
use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Fixture, Input, Run, Unit};

/// Operations handed to a worker at a time: enough to amortise rayon's splitting, few enough
/// to balance the smaller workloads.
const MIN_OPS_PER_TASK: usize = 64;

/// Runs a workload split across the pool's workers, keeping the pool between runs.
struct ParallelFixture<P, const COPY: bool> {
    pool: P,
    ops: usize,
    checksum: u64,
}

impl<P: SharedPool, const COPY: bool> Fixture for ParallelFixture<P, COPY> {
    fn run(&mut self) {
        if COPY {
            std::hint::black_box(crate::families::COPY_MARK);
        }
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
/// `COPY` builds the A/A control's separately compiled copy.
fn parallel<S: SharedPool + 'static, M: SharedPool + 'static, const COPY: bool>(
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
        ObjectKind::Scratch => Box::new(ParallelFixture::<S, COPY> {
            pool: S::new(workers),
            ops,
            checksum: 0,
        }),
        ObjectKind::Message => Box::new(ParallelFixture::<M, COPY> {
            pool: M::new(workers),
            ops,
            checksum: 0,
        }),
    }
}

/// Family `pool_rayon`: the same operations split across rayon workers.
pub static POOL_RAYON: Family = Family {
    name: "pool_rayon",
    title: "pooled object reuse across rayon workers",
    summary: "The same operations split across 1, 2 and all cores: what an unsafe per-worker \
              table (UnsafeCell slots, unsafe impl Sync) buys over a shared Mutex pool, \
              per-worker Mutex pools, and crossbeam's lock-free ArrayQueue.",
    compares: "number of operations and the wrapping sum of their checksums (order-free)",
    variants: &[
        Variant::baseline(
            "alloc_per_op",
            "a fresh object per operation, freed after it",
            Run::fixture(
                parallel::<safe::AllocPerOpShared<Scratch>, safe::AllocPerOpShared<Message>, false>,
            ),
        ),
        Variant::safe(
            "mutex_shared",
            "one Mutex<Vec<T>> that every worker locks",
            Run::fixture(parallel::<safe::SharedMutex<Scratch>, safe::SharedMutex<Message>, false>),
        ),
        Variant::safe(
            "mutex_per_worker",
            "a Mutex<Vec<T>> per worker, indexed by the rayon worker index \
                          (uncontended locks)",
            Run::fixture(
                parallel::<safe::PerWorkerMutex<Scratch>, safe::PerWorkerMutex<Message>, false>,
            ),
        ),
        Variant::safe(
            "array_queue",
            "crossbeam_queue::ArrayQueue shared by every worker (lock-free)",
            Run::fixture(parallel::<safe::QueuePool<Scratch>, safe::QueuePool<Message>, false>),
        ),
        Variant::with_unsafe(
            "worker_table_raw",
            "an UnsafeCell<Vec<T>> per worker, indexed by the rayon worker index, \
                          no lock (unsafe impl Sync)",
            Unsafety::new(
                raw::WORKER_TABLE_INVARIANTS,
                &[],
                super::raw_code(&[
                    "unsafe impl<T: Send> Sync for WorkerTable<T>",
                    "impl<T: PoolObject> WorkerTable<T> {",
                ]),
            ),
            Run::fixture(parallel::<raw::WorkerTable<Scratch>, raw::WorkerTable<Message>, false>),
        ),
    ],
    // The uncontended safe pool, as `vec_guard` is in `pool`. The shared Mutex is a poor
    // reference: a contended lock on 2 cores runs in scheduling modes (12 or 24–29 ms per
    // headline call, process to process, and a separately bound copy 10% apart within one),
    // so controls built from it measured the lock's modes, not the run.
    reference: "mutex_per_worker",
    reference_copy: Run::fixture(
        parallel::<safe::PerWorkerMutex<Scratch>, safe::PerWorkerMutex<Message>, true>,
    ),
    floor: None,
    headline: ("scratch-all", 64_000),
    unit: Unit::Operations,
    inputs: super::inputs::parallel_specs,
    takes_files: false,
    spawns_threads: true,
};
