//! The pool families: every variant gives the same checksum on every workload, thread count
//! and object kind; the raw slab and the worker table keep their promises at their edges.
//! Small enough for Miri (rayon runs there with few threads).
//!
//! Tests that start rayon workers have `rayon` in their names: rayon's deques (crossbeam-epoch)
//! store tags in pointer bits, which Miri's strict provenance rejects, so `scripts/test.sh` runs
//! them in a second Miri pass with permissive provenance and skips them in the strict one.

mod common;

use common::{check_sweep, swept_candidates};
use kernels::families::pool::inputs::input;
use kernels::families::pool::raw::WorkerTable;
use kernels::families::pool::{ObjectKind, PoolObject, Scratch, SharedPool, Workload};
use kernels::{Digest, family};

const OPS: &[usize] = if cfg!(miri) {
    &[0, 1, 5]
} else {
    &[0, 1, 5, 200, 3000]
};
const THREADS: &[usize] = if cfg!(miri) { &[1, 2] } else { &[1, 2, 3, 8] };

/// One test per object kind (and thread count, where rayon runs), so that a runner with a
/// process per test (nextest under Miri) spreads them over the cores.
///
/// Under Miri the sweeps check the unsafe variants only (`common::swept`; a rayon variant costs
/// about 20 s there per sweep). Every variant still runs under Miri once, in
/// `*_repeated_runs_reuse_the_pool_and_agree`, and in every sweep natively.
fn every_variant_agrees_on_every_workload(name: &str, object: ObjectKind, threads: &[usize]) {
    let f = family(name).expect("family is registered");
    for &ops in OPS {
        for &threads in threads {
            let workload = Workload {
                object,
                ops,
                threads,
            };
            let accepted = check_sweep(f, &input("test", workload));
            assert_eq!(accepted, swept_candidates(f), "{name} {workload:?}");
        }
    }
}

#[test]
fn local_variants_agree_on_every_scratch_workload() {
    every_variant_agrees_on_every_workload("pool", ObjectKind::Scratch, &[1]);
}

#[test]
fn local_variants_agree_on_every_message_workload() {
    every_variant_agrees_on_every_workload("pool", ObjectKind::Message, &[1]);
}

#[test]
fn rayon_variants_agree_on_every_scratch_workload_on_one_worker() {
    every_variant_agrees_on_every_workload("pool_rayon", ObjectKind::Scratch, &THREADS[..1]);
}

#[test]
fn rayon_variants_agree_on_every_scratch_workload_on_more_workers() {
    every_variant_agrees_on_every_workload("pool_rayon", ObjectKind::Scratch, &THREADS[1..]);
}

#[test]
fn rayon_variants_agree_on_every_message_workload_and_thread_count() {
    every_variant_agrees_on_every_workload("pool_rayon", ObjectKind::Message, THREADS);
}

#[test]
fn checksums_depend_on_the_workload() {
    let pool = family("pool").unwrap();
    let digest = |object, ops| {
        let workload = Workload {
            object,
            ops,
            threads: 1,
        };
        pool.reference()
            .bind(&input("t", workload))
            .unwrap()
            .run_once()
    };
    let one = digest(ObjectKind::Scratch, 3);
    assert_ne!(one, digest(ObjectKind::Scratch, 4));
    assert_ne!(one, digest(ObjectKind::Message, 3));
    assert_eq!(
        digest(ObjectKind::Message, 0),
        Digest::Workload {
            ops: 0,
            checksum: 0
        }
    );
}

fn repeated_runs_reuse_the_pool_and_agree(name: &str) {
    let f = family(name).expect("family is registered");
    let workload = Workload {
        object: ObjectKind::Message,
        ops: 7,
        threads: 2,
    };
    let input = input("t", workload);
    for variant in f.variants {
        let mut bound = variant
            .bind(&input)
            .expect("pool variants take every workload");
        let first = bound.run_once();
        assert_eq!(bound.run_once(), first, "{name}/{}", variant.name);
    }
}

#[test]
fn local_repeated_runs_reuse_the_pool_and_agree() {
    repeated_runs_reuse_the_pool_and_agree("pool");
}

#[test]
fn rayon_repeated_runs_reuse_the_pool_and_agree() {
    repeated_runs_reuse_the_pool_and_agree("pool_rayon");
}

#[test]
fn rayon_worker_table_gives_fresh_objects_off_its_own_workers() {
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let table = WorkerTable::<Scratch>::new(std::sync::Arc::new(threads));
    // The test thread is not one of the table's workers: no slot, a fresh object, dropped on
    // release.
    let mut object = table.acquire();
    object.fill(1);
    table.release(object);
    // Another pool's worker has an index, but not in this table's pool.
    let other = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    other.install(|| table.release(table.acquire()));
    assert_eq!(table.threads().install(|| table.op(9)), table.op(9));
}
