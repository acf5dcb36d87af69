//! The process `ledger protocol` starts for each slot: binds each family's arms from the
//! registry (every candidate and the floor in screening; the pair, the reference, the skipping
//! variants and the two controls in confirmation) and measures them with the protocol crate's
//! engine, writing one process file per family.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use kernels::{Bound, Family, Input, VerifyError};
use protocol::driver::process_file;
use protocol::engine::{Bench, Placement, Timing, measure_case};
use protocol::sequential::Looks;
use protocol::spawn::parse_confirm;
use protocol::writer::Writer;
use wire::rounds::{
    Arm, CaseHeader, Line, Pair, Phase, ProcessEnd, ProcessHeader, ROUNDS_SCHEMA, Role,
};

use super::{Args, COPY_ARM, TWICE_ARM};
use crate::shown;

/// What one family does in a child process.
struct Task {
    family: &'static Family,
    pair: Option<Pair>,
}

pub(super) fn child(
    args: &Args,
    process: usize,
    looks: &Looks,
    families: &[&'static Family],
) -> anyhow::Result<()> {
    let seed = args.seed.unwrap_or_default();
    let phase = match args.phase.as_deref() {
        Some("confirm") => Phase::Confirm,
        _ => Phase::Screen,
    };
    let mut tasks: Vec<Task> = match phase {
        Phase::Screen => families
            .iter()
            .map(|&family| Task { family, pair: None })
            .collect(),
        Phase::Confirm => args
            .confirm
            .iter()
            .map(|spec| confirm_task(spec))
            .collect::<anyhow::Result<_>>()?,
    };
    // Each process measures its families in an order of its own, so that a drift within a
    // process does not always fall on the same family.
    protocol::engine::shuffle(
        &mut tasks,
        &mut protocol::rng::Rng::new(&format!("families/{seed}")),
    );
    let target = Duration::from_secs_f64(args.batch_ms / 1000.0);
    for task in &tasks {
        let family = task.family;
        let started = Instant::now();
        let path = process_file(&args.out, family.name, phase, process);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", shown(dir)))?;
        }
        let mut out = Writer::create(&path).map_err(anyhow::Error::msg)?;
        out.line(&Line::Process(ProcessHeader {
            schema: ROUNDS_SCHEMA,
            phase,
            process,
            processes: match phase {
                Phase::Screen => args.screen_cap.max(args.screen),
                Phase::Confirm => looks.cap(),
            },
            looks: match phase {
                Phase::Screen => Vec::new(),
                Phase::Confirm => looks.at().to_vec(),
            },
            seed,
            rounds: args.rounds,
            batch_target_ns: target.as_nanos() as u64,
            layout: args.layout.clone(),
        }))
        .map_err(anyhow::Error::msg)?;
        let headline = family.headline();
        let mut specs: Vec<_> = (family.inputs)()
            .into_iter()
            .filter(|spec| {
                spec.name == headline
                    || (phase == Phase::Screen
                        && args.sizes
                        && (spec.name.shape == headline.shape || spec.name.size == headline.size))
            })
            .collect();
        if !specs.iter().any(|spec| spec.name == headline) {
            bail!("{}: its headline input is not generated", family.name);
        }
        specs.sort_by_key(|spec| spec.name.size);
        let timing = Timing {
            rounds: args.rounds,
            batch: target,
            seed,
        };
        for spec in &specs {
            let case = Instant::now();
            let input = spec.generate();
            measure_family(family, &input, task.pair.as_ref(), timing, &mut out)?;
            eprintln!(
                "  {} {}/{}: {:.1?}",
                phase.name(),
                family.name,
                input.name(),
                case.elapsed()
            );
        }
        out.line(&Line::End(ProcessEnd {
            cases: specs.len(),
            seconds: started.elapsed().as_secs_f64(),
        }))
        .map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

/// `FAMILY=SAFE,UNSAFE` → the family and its pair, both checked against the registry.
fn confirm_task(spec: &str) -> anyhow::Result<Task> {
    let parsed = parse_confirm(spec)
        .and_then(|(family, safe, unsafe_)| Some((kernels::family(family)?, safe, unsafe_)));
    let Some((family, safe, unsafe_)) = parsed else {
        bail!("--confirm {spec}: not FAMILY=SAFE,UNSAFE of a known family");
    };
    for name in [safe, unsafe_] {
        if family.variant(name).is_none() {
            bail!(
                "--confirm {spec}: `{}` has no variant `{name}`",
                family.name
            );
        }
    }
    Ok(Task {
        family,
        pair: Some(Pair {
            safe: safe.to_owned(),
            unsafe_: unsafe_.to_owned(),
        }),
    })
}

/// Binds the arms of one family at one input, checks every one against the reference, and
/// measures them: every candidate and the floor in screening; the pair, the reference, the
/// work-skipping unsafe variants and the two controls in confirmation.
fn measure_family(
    family: &Family,
    input: &Input,
    pair: Option<&Pair>,
    timing: Timing,
    out: &mut Writer,
) -> anyhow::Result<()> {
    let mut benches = Vec::new();
    let mut refused = Vec::new();
    let mut placement = Placement::new(timing.seed, family.name, &input.name().to_string());
    let wanted = |name: &str| match pair {
        None => true,
        Some(p) => {
            name == p.safe
                || name == p.unsafe_
                || name == family.reference
                || family
                    .variant(name)
                    .and_then(|v| v.kind.unsafety())
                    .is_some_and(|u| !u.like_for_like())
        }
    };
    for variant in family.measured().filter(|v| wanted(v.name)) {
        match family.verify(variant, input) {
            Ok(_) => {}
            Err(VerifyError::Refused(refusal)) => {
                refused.push((variant.name.to_owned(), refusal.reason));
                continue;
            }
            Err(error) => bail!("{error}"),
        }
        let role = if variant.kind.is_candidate() {
            Role::Candidate
        } else {
            Role::Floor
        };
        placement.shift();
        benches.push(bench(
            variant.name,
            role,
            variant.name,
            variant.bind(input)?,
            1,
        ));
    }
    if pair.is_some() {
        let reference = family.reference();
        let expected = reference.bind(input)?.run_once();
        placement.shift();
        let mut copy = family.reference_copy.bind(input).map_err(|reason| {
            anyhow::anyhow!(
                "{}: the reference copy refuses {}: {reason}",
                family.name,
                input.name()
            )
        })?;
        if copy.run_once() != expected {
            bail!(
                "{}: the reference copy disagrees with the reference",
                family.name
            );
        }
        benches.push(bench(COPY_ARM, Role::CopyControl, reference.name, copy, 1));
        placement.shift();
        benches.push(bench(
            TWICE_ARM,
            Role::TwiceControl,
            reference.name,
            reference.bind(input)?,
            2,
        ));
    }
    let header = CaseHeader {
        family: family.name.to_owned(),
        input: input.name().to_string(),
        arms: Vec::new(),
        refused,
        pair: pair.cloned(),
    };
    measure_case(header, benches, timing, out).map_err(anyhow::Error::msg)
}

fn bench<'a>(name: &str, role: Role, variant: &str, mut bound: Bound<'a>, work: u64) -> Bench<'a> {
    let arm = Arm {
        name: name.to_owned(),
        role,
        variant: variant.to_owned(),
        batch: 1,
    };
    Bench::new(arm, work, move |calls| bound.run(calls))
}
