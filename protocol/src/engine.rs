//! The measurement engine inside one process: arms warmed up, calibrated to a batch time, then
//! timed in rounds, one batch of every arm per round in a freshly shuffled order, every batch
//! written to the process file as it is timed.
//!
//! An arm is anything that can make `n` calls of the work it measures; the workbench binds a
//! registry variant to an input, a user's bench target its own functions. Both go through this
//! code, so a fix to how a batch is timed reaches both.

use std::time::{Duration, Instant};

use wire::rounds::{Arm, Batch, CaseHeader, Line, Round};

use crate::rng::Rng;
use crate::writer::Writer;

/// One arm and the calls it times.
pub struct Bench<'a> {
    /// What the rounds call it; its batch size is set by calibration.
    pub arm: Arm,
    /// Makes `n` calls of the measured work.
    run: Box<dyn FnMut(u64) + 'a>,
    /// Calls of `run` per recorded call (2 for the doubled-work control).
    work: u64,
}

impl<'a> Bench<'a> {
    /// An arm whose every recorded call is `work` calls of `run`.
    pub fn new(arm: Arm, work: u64, run: impl FnMut(u64) + 'a) -> Self {
        Self {
            arm,
            run: Box::new(run),
            work: work.max(1),
        }
    }

    /// Times one batch of `self.arm.batch` recorded calls, after one untimed call: switching
    /// from another arm (its caches, branch history, idle worker threads) costs the first call
    /// after it, which would otherwise be charged to the batch.
    fn batch(&mut self) -> Batch {
        let calls = self.arm.batch;
        (self.run)(self.work);
        let start = Instant::now();
        (self.run)(calls * self.work);
        let ns = start.elapsed().as_nanos() as u64;
        Batch {
            arm: self.arm.name.clone(),
            calls,
            ns: ns.max(1),
        }
    }

    /// Runs the arm for a quarter of a batch's target time (at least one call), so that caches,
    /// branch predictors, pools and buffers are in their steady state before anything is timed.
    fn warm_up(&mut self, target: Duration) {
        let until = Instant::now() + target / 4;
        loop {
            (self.run)(self.work);
            if Instant::now() >= until {
                break;
            }
        }
    }

    /// Calls per batch so that a batch takes about `target`: doubled until a batch takes a
    /// tenth of it, then scaled from the time measured.
    fn calibrate(&mut self, target: Duration) -> u64 {
        let mut calls: u64 = 1;
        loop {
            let start = Instant::now();
            (self.run)(calls * self.work);
            let took = start.elapsed();
            if took >= target / 10 || calls >= 1 << 40 {
                let per_call = took.as_secs_f64() / calls as f64;
                return ((target.as_secs_f64() / per_call.max(1e-12)) as u64).max(1);
            }
            calls *= 2;
        }
    }
}

/// How a case is timed.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Rounds of every arm.
    pub rounds: usize,
    /// The time each arm's batch is calibrated to.
    pub batch: Duration,
    /// The seed of the arm orders.
    pub seed: u64,
}

/// Warms up and calibrates every arm, writes the case header, then times `timing.rounds`
/// rounds, each in a fresh order, writing each round as it ends.
pub fn measure_case(
    mut header: CaseHeader,
    mut benches: Vec<Bench<'_>>,
    timing: Timing,
    out: &mut Writer,
) -> Result<(), String> {
    for bench in &mut benches {
        bench.warm_up(timing.batch);
        bench.arm.batch = bench.calibrate(timing.batch);
    }
    header.arms = benches.iter().map(|b| b.arm.clone()).collect();
    out.line(&Line::Case(header.clone()))?;
    let mut rng = Rng::new(&format!(
        "protocol/{}/{}/{}",
        timing.seed, header.family, header.input
    ));
    let mut order: Vec<usize> = (0..benches.len()).collect();
    for round in 0..timing.rounds {
        shuffle(&mut order, &mut rng);
        let batches = order.iter().map(|&i| benches[i].batch()).collect();
        out.line(&Line::Round(Round {
            family: header.family.clone(),
            input: header.input.clone(),
            round,
            batches,
        }))?;
    }
    Ok(())
}

/// Where each arm's state lands on the heap, drawn afresh in every process.
///
/// An arm's time can depend on the address of its own state, not only on its code: a pool or a
/// scene of objects is the arm's own by nature. A spacer of random size allocated before each
/// arm is bound moves what the arm allocates next (the allocator hands out small blocks in
/// order), so whatever luck an address carries differs between processes and shows in the
/// interval instead of biasing one arm in all of them. Outputs are another matter: the arms of
/// a family write one shared output (`kernels::SharedOutput`), so that its luck is common to
/// them.
pub struct Placement {
    rng: Rng,
    spacers: Vec<Vec<u8>>,
}

impl Placement {
    /// Spacers up to 4 KiB: every offset within a page, in steps of the allocator's 16 bytes.
    const STEPS: usize = 256;

    /// A placement stream for one case of one process.
    pub fn new(seed: u64, family: &str, input: &str) -> Self {
        Self {
            rng: Rng::new(&format!("placement/{seed}/{family}/{input}")),
            spacers: Vec::new(),
        }
    }

    /// Allocates the next spacer, kept until the placement is dropped.
    pub fn shift(&mut self) {
        let spacer = vec![0u8; 16 * (1 + self.rng.below(Self::STEPS))];
        self.spacers.push(std::hint::black_box(spacer));
    }
}

/// Fisher–Yates with the given generator.
pub fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounds::read_process;
    use wire::rounds::{Phase, ProcessEnd, ProcessHeader, ROUNDS_SCHEMA, Role};

    fn arm(name: &str) -> Arm {
        Arm {
            name: name.to_owned(),
            role: Role::Candidate,
            variant: name.to_owned(),
            batch: 1,
        }
    }

    #[test]
    fn a_case_times_every_arm_once_per_round_and_reads_back() {
        let dir = std::env::temp_dir().join(format!("protocol-engine-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("screen-0.jsonl");
        let mut out = Writer::create(&path).expect("file");
        out.line(&Line::Process(ProcessHeader {
            schema: ROUNDS_SCHEMA,
            phase: Phase::Screen,
            process: 0,
            processes: 1,
            looks: Vec::new(),
            seed: 7,
            rounds: 3,
            batch_target_ns: 100_000,
            layout: None,
        }))
        .expect("header");
        let (mut a, mut b) = (0u64, 0u64);
        let benches = vec![
            Bench::new(arm("a"), 1, |n| a += std::hint::black_box(n)),
            Bench::new(arm("b"), 2, |n| b += std::hint::black_box(n)),
        ];
        let header = CaseHeader {
            family: "f".to_owned(),
            input: "x/1".to_owned(),
            arms: Vec::new(),
            refused: Vec::new(),
            pair: None,
        };
        let timing = Timing {
            rounds: 3,
            batch: Duration::from_micros(100),
            seed: 7,
        };
        measure_case(header, benches, timing, &mut out).expect("measured");
        out.line(&Line::End(ProcessEnd {
            cases: 1,
            seconds: 0.0,
        }))
        .expect("end");
        drop(out);
        let process = read_process(&path, &|_| true).expect("reads back");
        assert_eq!(process.cases.len(), 1);
        let case = &process.cases[0];
        assert_eq!(case.rounds.len(), 3);
        assert!(case.header.arms.iter().all(|a| a.batch >= 1));
        assert_eq!(case.means().len(), 2);
        assert!(a > 0 && b > 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
