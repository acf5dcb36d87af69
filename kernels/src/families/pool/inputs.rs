//! Pool inputs: workloads named `object/ops` for one thread and `object-tN/ops` (or
//! `object-all/ops`, every core) across rayon workers.

use super::{ObjectKind, Workload};
use crate::{Input, InputName, InputSpec, Unit};

/// Operation counts every workload is generated at.
pub const OPS: [usize; 3] = [16, 1_000, 64_000];

/// The object kinds every workload is generated with.
pub const OBJECTS: [ObjectKind; 2] = [ObjectKind::Scratch, ObjectKind::Message];

/// The input carrying `workload` under `shape`.
pub fn input(shape: &str, workload: Workload) -> Input {
    Input::of_workload(
        InputName::counted(shape, workload.ops, Unit::Operations),
        workload,
    )
}

fn spec(shape: String, workload: Workload) -> InputSpec {
    InputSpec::new(
        InputName::counted(shape.clone(), workload.ops, Unit::Operations),
        move || input(&shape, workload),
    )
    .with_param("object", workload.object.as_str())
}

/// Single-threaded workloads: every object kind at every count.
pub fn local_specs() -> Vec<InputSpec> {
    OBJECTS
        .iter()
        .flat_map(|&object| {
            OPS.iter().map(move |&ops| {
                spec(
                    object.as_str().to_owned(),
                    Workload {
                        object,
                        ops,
                        threads: 1,
                    },
                )
            })
        })
        .collect()
}

/// Every core this process may use.
pub fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The thread counts workloads are split across, by shape suffix: one worker, two, and every
/// core; two is left out where it is every core (the `all` shape measures it).
pub fn thread_counts() -> Vec<(String, usize)> {
    let all = all_cores();
    let mut counts = vec![("t1".to_owned(), 1)];
    if all > 2 {
        counts.push(("t2".to_owned(), 2));
    }
    counts.push(("all".to_owned(), all));
    counts
}

/// Workloads across rayon workers: every object kind at every count and thread count.
pub fn parallel_specs() -> Vec<InputSpec> {
    let threads = thread_counts();
    let mut specs = Vec::new();
    for object in OBJECTS {
        for (suffix, count) in &threads {
            for ops in OPS {
                let workload = Workload {
                    object,
                    ops,
                    threads: *count,
                };
                let shape = format!("{}-{suffix}", object.as_str());
                specs.push(spec(shape, workload).with_param("threads", count));
            }
        }
    }
    specs
}
