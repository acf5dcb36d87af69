//! Family `pool_rayon`: the `pool` family's operations split across rayon workers.
//!
//! Every variant of a process runs on one rayon pool per thread count, as the parts of one
//! program share a pool: when each variant had workers of its own, each arm's threads brought
//! their own placement luck to each process.

use std::sync::{Arc, Mutex, PoisonError, Weak};

use rayon::ThreadPool;
use rayon::prelude::*;

use super::{Message, ObjectKind, PoolObject, Scratch, SharedPool, Workload, operate, raw, safe};
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

    /// The operation every worker runs, `P::op`: `run` only hands the work to rayon, whose
    /// jobs reach it on the workers through no direct call. Taking its address makes the
    /// compiler emit a copy of its own, which may be inlined differently from the copy the
    /// workers run.
    fn entry_point(&self) -> *const () {
        <P as SharedPool>::op as fn(&P, u64) -> u64 as *const ()
    }
}

/// The rayon pool of `threads` workers that every live fixture of this family shares, started
/// when no fixture holds one.
///
/// # Panics
///
/// If the operating system refuses to start the worker threads.
fn workers(threads: usize) -> Arc<ThreadPool> {
    static POOLS: Mutex<Vec<(usize, Weak<ThreadPool>)>> = Mutex::new(Vec::new());
    let threads = threads.max(1);
    let mut pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    pools.retain(|(_, pool)| pool.strong_count() > 0);
    let live = pools.iter().find(|(n, _)| *n == threads);
    if let Some(pool) = live.and_then(|(_, pool)| pool.upgrade()) {
        return pool;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("pool-worker-{i}"))
        .build()
        .unwrap_or_else(|e| panic!("cannot start {threads} rayon workers: {e}"));
    let pool = Arc::new(pool);
    pools.push((threads, Arc::downgrade(&pool)));
    pool
}

/// Builds the parallel fixture on the shared rayon pool of the workload's thread count.
/// `COPY` builds the A/A control's separately compiled copy.
fn parallel<S: SharedPool + 'static, M: SharedPool + 'static, const COPY: bool>(
    input: &Input,
) -> Box<dyn Fixture + '_> {
    let Workload {
        object,
        ops,
        threads,
    } = Workload::of(input);
    let workers = workers(threads);
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

/// rayon's own idiom for per-worker state: `map_init` makes an object for each job rayon splits
/// off and reuses it for that job's operations. Nothing is kept between runs.
struct MapInitFixture<T> {
    threads: Arc<ThreadPool>,
    ops: usize,
    checksum: u64,
    _objects: std::marker::PhantomData<fn() -> T>,
}

impl<T: PoolObject> Fixture for MapInitFixture<T> {
    fn run(&mut self) {
        let ops = self.ops;
        self.checksum = self.threads.install(|| {
            (0..ops)
                .into_par_iter()
                .with_min_len(MIN_OPS_PER_TASK)
                .map_init(T::fresh, |object, op| operate(object, op as u64))
                .reduce(|| 0, u64::wrapping_add)
        });
    }

    fn digest(&mut self) -> Digest {
        Digest::Workload {
            ops: self.ops,
            checksum: self.checksum,
        }
    }

    /// The operation every worker runs on its job's object (see [`ParallelFixture`]'s).
    fn entry_point(&self) -> *const () {
        operate::<T> as fn(&mut T, u64) -> u64 as *const ()
    }
}

/// Builds the `map_init` fixture on the shared rayon pool of the workload's thread count.
fn map_init(input: &Input) -> Box<dyn Fixture + '_> {
    fn of<T: PoolObject>(threads: Arc<ThreadPool>, ops: usize) -> Box<dyn Fixture> {
        Box::new(MapInitFixture::<T> {
            threads,
            ops,
            checksum: 0,
            _objects: std::marker::PhantomData,
        })
    }
    let Workload {
        object,
        ops,
        threads,
    } = Workload::of(input);
    match object {
        ObjectKind::Scratch => of::<Scratch>(workers(threads), ops),
        ObjectKind::Message => of::<Message>(workers(threads), ops),
    }
}

/// Family `pool_rayon`: the same operations split across rayon workers.
pub static POOL_RAYON: Family = Family {
    name: "pool_rayon",
    title: "pooled object reuse across rayon workers",
    summary: "The same operations split across 1, 2 and all cores: what an unsafe per-worker \
              table (UnsafeCell slots, unsafe impl Sync) buys over a shared Mutex pool, \
              per-worker Mutex pools, crossbeam's lock-free ArrayQueue, and the idiomatic \
              lock-free safe ways: rayon's map_init, a thread_local! and the thread_local \
              crate's ThreadLocal.",
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
        Variant::safe(
            "map_init",
            "rayon's map_init: a fresh object per job rayon splits off, reused for that job's \
             operations (nothing kept between runs)",
            Run::fixture(map_init),
        ),
        Variant::safe(
            "thread_local_macro",
            "a RefCell<Vec<T>> per thread in a thread_local! static (no lock)",
            Run::fixture(
                parallel::<safe::ThreadLocalMacro<Scratch>, safe::ThreadLocalMacro<Message>, false>,
            ),
        ),
        Variant::safe(
            "thread_local_crate",
            "a RefCell<Vec<T>> per thread in the thread_local crate's ThreadLocal, owned by \
             the pool (no lock)",
            Run::fixture(
                parallel::<safe::ThreadLocalCrate<Scratch>, safe::ThreadLocalCrate<Message>, false>,
            ),
        ),
        Variant::with_unsafe(
            "worker_table_raw",
            "an UnsafeCell<Vec<T>> per worker, indexed by the rayon worker index, \
                          no lock (unsafe impl Sync)",
            Unsafety::new(
                raw::WORKER_TABLE_INVARIANTS,
                &[],
                super::RAW.code(&[
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
    floor: crate::families::floor::Floor::None(
        "the work is taking objects from per-worker pools around each object's own \
         operation, spread by rayon; no pass over bytes bounds the bookkeeping",
    ),
    headline: ("scratch-all", 64_000),
    unit: Unit::Operations,
    inputs: super::inputs::parallel_specs,
    takes_files: false,
    spawns_threads: true,
    edge_cases: crate::family::no_edge_cases,
};
