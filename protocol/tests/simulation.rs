//! The protocol's driver and rule on simulated machines, over many seeds: with known true
//! times, ties between candidates, heavy-tailed noise, placement regimes and shifts between
//! processes, the calls come out at the rates the rule promises and the reported interval
//! covers the confirmed pair's true ratio as often as it says.
//!
//! The simulated launcher stands in for the processes only: screening, the pick, the looks,
//! the stopping and the reading are the real `driver::drive`.

use std::collections::BTreeMap;

use protocol::driver::{Assignment, Launcher, Plan, drive};
use protocol::reading::Confirmation;
use protocol::rng::Rng;
use protocol::rounds::CaseRounds;
use protocol::rule::{Call, ControlState};
use protocol::sequential::Looks;
use wire::catalog::{FamilyEntry, InputEntry, VariantEntry, VariantKind};
use wire::rounds::{Arm, Batch, CaseHeader, Phase, Role, Round};

const INPUT: &str = "mixed/64KiB";
const SEEDS: usize = 1000;
/// `ledger protocol`'s defaults.
const SCREEN: usize = 3;
const SCREEN_CAP: usize = 9;
const LOOKS: [usize; 6] = [4, 6, 9, 13, 19, 27];
const ROUNDS: usize = 10;

fn variant(name: &str, kind: VariantKind) -> VariantEntry {
    VariantEntry {
        name: name.to_owned(),
        kind,
        description: String::new(),
        invariants: if kind == VariantKind::Unsafe {
            vec!["an invariant".to_owned()]
        } else {
            Vec::new()
        },
        skips: Vec::new(),
        like_for_like: kind == VariantKind::Unsafe,
        requires: Vec::new(),
        consumes: false,
        unsafe_code: None,
    }
}

fn family(variants: &[(&str, VariantKind, f64)]) -> FamilyEntry {
    let input = InputEntry {
        name: INPUT.to_owned(),
        shape: "mixed".to_owned(),
        size: "64KiB".to_owned(),
        count: 65_536,
        unit: "bytes".to_owned(),
        params: BTreeMap::new(),
    };
    FamilyEntry {
        name: "sim".to_owned(),
        title: String::new(),
        summary: String::new(),
        compares: String::new(),
        reference: variants[0].0.to_owned(),
        headline: input.clone(),
        takes_files: false,
        variants: variants.iter().map(|(n, k, _)| variant(n, *k)).collect(),
        floor: None,
        no_floor: None,
        inputs: vec![input],
    }
}

fn unit(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A standard normal deviate (Box–Muller).
fn normal(rng: &mut Rng) -> f64 {
    let (u, v) = (unit(rng).max(1e-300), unit(rng));
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Student's t with 3 degrees of freedom, scaled to unit variance: heavy tails.
fn heavy(rng: &mut Rng) -> f64 {
    let z = normal(rng);
    let chi: f64 = (0..3).map(|_| normal(rng).powi(2)).sum();
    z / (chi / 3.0).sqrt() / 3f64.sqrt()
}

/// How the simulated machine behaves.
#[derive(Clone, Copy)]
struct Noise {
    /// Spread of a whole process's speed (frequency, neighbours), shared by its arms.
    process_shift: f64,
    /// How much more the unsafe arms feel that shift than the others (0: alike, and it cancels
    /// in every ratio; 0.5: half as much again, so it moves the speedup between processes).
    unsafe_sensitivity: f64,
    /// A drift of the host over the run: process k of a phase is this much slower per
    /// process, every arm alike.
    drift: f64,
    /// Spread of one arm's speed in one process (its code's placement in this build).
    arm_shift: f64,
    /// Arm shifts heavy-tailed (t with 3 degrees of freedom) instead of normal.
    heavy_tails: bool,
    /// Chance that an arm's hot loop lands badly in a process's build...
    regime_rate: f64,
    /// ...which makes it this much slower (a loop across a fetch-line boundary).
    regime_penalty: f64,
    /// Spread of one batch.
    batch: f64,
    /// Probability that a batch is hit by an interruption...
    spike_rate: f64,
    /// ...which multiplies its time by 1 + this times an exponential deviate.
    spike: f64,
}

/// Noise about as measured here: a log sd of the per-process speedup of about 0.03.
const NOISY: Noise = Noise {
    process_shift: 0.05,
    unsafe_sensitivity: 0.0,
    drift: 0.0,
    arm_shift: 0.02,
    heavy_tails: false,
    regime_rate: 0.0,
    regime_penalty: 0.0,
    batch: 0.02,
    spike_rate: 0.02,
    spike: 0.3,
};

/// The awkward machine: heavy-tailed placement luck, a quarter of builds putting an arm's loop
/// 8% slower, a host that drifts 1% per process and swings 20% between processes, which the
/// unsafe arms feel half as much again as the others, and interruptions that double a batch.
const AWKWARD: Noise = Noise {
    process_shift: 0.2,
    unsafe_sensitivity: 0.5,
    drift: 0.01,
    arm_shift: 0.02,
    heavy_tails: true,
    regime_rate: 0.25,
    regime_penalty: 0.08,
    batch: 0.03,
    spike_rate: 0.05,
    spike: 1.0,
};

/// A simulated machine running the processes the driver launches.
struct Machine {
    noise: Noise,
    /// Every candidate's true time per call.
    truth: BTreeMap<String, f64>,
    reference: String,
    /// The copy control's true time over the reference's (1 when unbiased).
    copy_bias: f64,
    /// The doubled-work control's true time over twice the reference's.
    twice_bias: f64,
    rng: Rng,
    kept: BTreeMap<Phase, Vec<CaseRounds>>,
    /// Confirmation on this many code layouts, cycling, each giving every arm a placement luck
    /// of this spread (log scale) shared by all the processes that run it; `None`: a layout
    /// per process, its luck in `arm_factor`.
    layouts: Option<(usize, f64)>,
    /// Each (layout, arm)'s placement luck, drawn when first run.
    placement: BTreeMap<(usize, String), f64>,
}

impl Machine {
    /// The layout process `process` of `phase` runs, where confirmation shares layouts.
    fn layout(&self, phase: Phase, process: usize) -> Option<usize> {
        let (count, _) = self.layouts.filter(|_| phase == Phase::Confirm)?;
        Some(process % count)
    }

    /// An arm's placement luck on that layout (1 where each process has its own, which
    /// `arm_factor` draws).
    fn placement(&mut self, phase: Phase, process: usize, arm: &str) -> f64 {
        let (Some(layout), Some((_, spread))) = (self.layout(phase, process), self.layouts) else {
            return 1.0;
        };
        let rng = &mut self.rng;
        *self
            .placement
            .entry((layout, arm.to_owned()))
            .or_insert_with(|| (spread * normal(rng)).exp())
    }

    fn arm_factor(&mut self) -> f64 {
        let n = self.noise;
        let luck = if n.heavy_tails {
            heavy(&mut self.rng)
        } else {
            normal(&mut self.rng)
        };
        let regime = if unit(&mut self.rng) < n.regime_rate {
            1.0 + n.regime_penalty
        } else {
            1.0
        };
        (n.arm_shift * luck).exp() * regime
    }

    fn rounds(&mut self, arms: &[(Arm, f64)]) -> Vec<Round> {
        let n = self.noise;
        (0..ROUNDS)
            .map(|round| Round {
                family: "sim".to_owned(),
                input: INPUT.to_owned(),
                round,
                batches: arms
                    .iter()
                    .map(|(arm, speed)| {
                        let mut per_call = speed * (n.batch * normal(&mut self.rng)).exp();
                        if unit(&mut self.rng) < n.spike_rate {
                            per_call *= 1.0 - n.spike * unit(&mut self.rng).max(1e-300).ln();
                        }
                        Batch {
                            arm: arm.name.clone(),
                            calls: arm.batch,
                            ns: ((per_call * arm.batch as f64) as u64).max(1),
                        }
                    })
                    .collect(),
            })
            .collect()
    }
}

fn arm(name: &str, role: Role, variant: &str) -> Arm {
    Arm {
        name: name.to_owned(),
        role,
        variant: variant.to_owned(),
        batch: 1_000,
    }
}

impl Launcher for Machine {
    fn launch(&mut self, phase: Phase, process: usize, work: &[Assignment]) -> Result<(), String> {
        let host = self.noise.process_shift * normal(&mut self.rng);
        let drift = (1.0 + self.noise.drift).powi(process as i32);
        let sensitivity = self.noise.unsafe_sensitivity;
        let shift_of = |name: &str| {
            let feel = if name.starts_with("unsafe") {
                1.0 + sensitivity
            } else {
                1.0
            };
            (host * feel).exp() * drift
        };
        let shift = shift_of("");
        for assignment in work {
            let mut arms: Vec<(Arm, f64)> = Vec::new();
            let mut speeds: BTreeMap<String, f64> = BTreeMap::new();
            let names: Vec<String> = match &assignment.pair {
                None => self.truth.keys().cloned().collect(),
                Some(pair) => {
                    let mut names = vec![pair.safe.clone(), pair.unsafe_.clone()];
                    if !names.contains(&self.reference) {
                        names.push(self.reference.clone());
                    }
                    names
                }
            };
            for name in names {
                let luck = self.placement(phase, process, &name);
                let speed = self.truth[&name] * shift_of(&name) * self.arm_factor() * luck;
                speeds.insert(name.clone(), speed);
                arms.push((arm(&name, Role::Candidate, &name), speed));
            }
            if assignment.pair.is_some() {
                let reference = self.reference.clone();
                let luck = self.placement(phase, process, "reference-copy");
                let copy =
                    self.truth[&reference] * shift * self.arm_factor() * self.copy_bias * luck;
                arms.push((arm("reference-copy", Role::CopyControl, &reference), copy));
                // The doubled work runs the reference's own code: its placement, twice.
                let twice = 2.0 * speeds[&reference] * self.twice_bias;
                arms.push((
                    arm("reference-twice", Role::TwiceControl, &reference),
                    twice,
                ));
            }
            let rounds = self.rounds(&arms);
            let layout = self.layout(phase, process);
            self.kept.entry(phase).or_default().push(CaseRounds {
                layout: layout.map(|l| format!("layout-{l}")),
                header: CaseHeader {
                    family: assignment.family.clone(),
                    input: INPUT.to_owned(),
                    arms: arms.into_iter().map(|(a, _)| a).collect(),
                    refused: Vec::new(),
                    pair: assignment.pair.clone(),
                },
                rounds,
            });
        }
        Ok(())
    }

    fn cases(&self, _family: &str, phase: Phase, _input: &str) -> Result<Vec<CaseRounds>, String> {
        Ok(self.kept.get(&phase).cloned().unwrap_or_default())
    }
}

/// What one simulated run gave, and the true ratio of the pair it confirmed.
struct Outcome {
    confirmation: Confirmation,
    truth: f64,
    /// Screening processes the family got.
    screened: usize,
}

impl Outcome {
    fn covers(&self) -> bool {
        let s = &self.confirmation.speedup;
        s.lower <= self.truth && self.truth <= s.upper
    }
}

/// A machine's runs over `seeds` seeds.
struct Scenario {
    variants: Vec<(&'static str, VariantKind, f64)>,
    noise: Noise,
    screen_cap: usize,
    /// The confirmation's looks, the last being the cap.
    looks: Vec<usize>,
    /// Confirmation layouts and their placement spread (`Machine::layouts`).
    layouts: Option<(usize, f64)>,
    copy_bias: f64,
    twice_bias: f64,
}

impl Scenario {
    fn new(variants: &[(&'static str, VariantKind, f64)], noise: Noise) -> Self {
        Self {
            variants: variants.to_vec(),
            noise,
            screen_cap: SCREEN_CAP,
            looks: LOOKS.to_vec(),
            layouts: None,
            copy_bias: 1.0,
            twice_bias: 1.0,
        }
    }

    /// A fresh simulated machine for one seeded run.
    fn machine(&self, family: &FamilyEntry, seed: &str) -> Machine {
        Machine {
            noise: self.noise,
            truth: self
                .variants
                .iter()
                .map(|(n, _, t)| ((*n).to_owned(), *t))
                .collect(),
            reference: family.reference.clone(),
            copy_bias: self.copy_bias,
            twice_bias: self.twice_bias,
            rng: Rng::new(seed),
            kept: BTreeMap::new(),
            layouts: self.layouts,
            placement: BTreeMap::new(),
        }
    }

    /// The confirmation processes of the pair `safe` against `unsafe`, every one up to
    /// `processes`, none stopped early: what a look would read, at any look.
    fn confirm_all(&self, family: &FamilyEntry, seed: &str, processes: usize) -> Vec<CaseRounds> {
        let mut machine = self.machine(family, seed);
        let work = [Assignment {
            family: "sim".to_owned(),
            pair: Some(wire::rounds::Pair {
                safe: "safe".to_owned(),
                unsafe_: "unsafe".to_owned(),
            }),
        }];
        for process in 0..processes {
            machine
                .launch(Phase::Confirm, process, &work)
                .expect("simulated");
        }
        machine.kept.remove(&Phase::Confirm).unwrap_or_default()
    }

    fn run(&self, name: &str, seeds: usize) -> Vec<Outcome> {
        let family = family(&self.variants);
        let looks = Looks::new(&self.looks).expect("looks");
        let plan = Plan {
            screen: SCREEN,
            screen_cap: self.screen_cap,
            looks,
        };
        (0..seeds)
            .map(|seed| {
                let mut machine = self.machine(&family, &format!("{name}/{seed}"));
                let outcomes = drive(
                    std::slice::from_ref(&family),
                    &plan,
                    &mut machine,
                    &mut |_| {},
                )
                .expect("the driver runs");
                let confirmation = outcomes
                    .into_iter()
                    .next()
                    .expect("one family")
                    .confirmation
                    .expect("a confirmation");
                let truth = machine.truth[&confirmation.pair.safe]
                    / machine.truth[&confirmation.pair.unsafe_];
                let screened = machine.kept.get(&Phase::Screen).map_or(0, Vec::len);
                Outcome {
                    confirmation,
                    truth,
                    screened,
                }
            })
            .collect()
    }
}

/// How many outcomes satisfy `f`.
fn count(outcomes: &[Outcome], f: impl Fn(&Outcome) -> bool) -> usize {
    outcomes.iter().filter(|o| f(o)).count()
}

fn calls(outcomes: &[Outcome]) -> BTreeMap<&'static str, usize> {
    let mut calls = BTreeMap::new();
    for o in outcomes {
        *calls.entry(o.confirmation.call.label()).or_default() += 1;
    }
    calls
}

fn summary(name: &str, outcomes: &[Outcome]) -> String {
    let processes: usize = outcomes.iter().map(|o| o.confirmation.processes).sum();
    format!(
        "{name}: calls {:?}, coverage {} of {}, mean processes {:.1}",
        calls(outcomes),
        count(outcomes, Outcome::covers),
        outcomes.len(),
        processes as f64 / outcomes.len() as f64
    )
}

/// Two exactly tied safe candidates, one unsafe of the same speed.
const TIED: [(&str, VariantKind, f64); 3] = [
    ("safe_a", VariantKind::Safe, 1000.0),
    ("safe_b", VariantKind::Safe, 1000.0),
    ("unsafe", VariantKind::Unsafe, 1000.0),
];

#[test]
fn tied_candidates_no_difference_covered_and_rarely_wrong() {
    let outcomes = Scenario::new(&TIED, NOISY).run("tied", SEEDS);
    let text = summary("tied at 1.00", &outcomes);
    eprintln!("{text}");
    // The interval covers the confirmed pair's true ratio (here 1) in at least 94% of runs,
    // wherever the run stopped.
    assert!(
        count(&outcomes, Outcome::covers) >= SEEDS * 94 / 100,
        "{text}"
    );
    // A wrong call on either side at most 2.5% of runs, across all looks.
    assert!(
        count(&outcomes, |o| o.confirmation.call == Call::Pays) <= SEEDS * 25 / 1000,
        "{text}"
    );
    assert!(
        count(&outcomes, |o| o.confirmation.call == Call::SafeWins) <= SEEDS * 25 / 1000,
        "{text}"
    );
    // Both tied safe candidates get picked: the pick is screening's noise, not a rule.
    let picked_b = count(&outcomes, |o| o.confirmation.pair.safe == "safe_b");
    assert!(
        (SEEDS / 4..=SEEDS * 3 / 4).contains(&picked_b),
        "safe_b in {picked_b}"
    );
    // Most runs settle on equivalent before the cap.
    assert!(
        count(&outcomes, |o| o.confirmation.call == Call::Equivalent) >= SEEDS * 90 / 100,
        "{text}"
    );
}

#[test]
fn a_ten_percent_gain_pays_within_the_cap() {
    let variants = [
        ("safe", VariantKind::Safe, 1000.0),
        ("baseline", VariantKind::Baseline, 1300.0),
        ("unsafe", VariantKind::Unsafe, 1000.0 / 1.10),
    ];
    let outcomes = Scenario::new(&variants, NOISY).run("gain", SEEDS);
    let text = summary("true 1.10", &outcomes);
    eprintln!("{text}");
    assert!(
        count(&outcomes, |o| o.confirmation.call == Call::Pays) >= SEEDS * 90 / 100,
        "{text}"
    );
    assert!(
        count(&outcomes, Outcome::covers) >= SEEDS * 94 / 100,
        "{text}"
    );
}

#[test]
fn a_clear_difference_stops_at_the_first_look() {
    let variants = [
        ("safe", VariantKind::Safe, 1000.0),
        ("unsafe", VariantKind::Unsafe, 2000.0),
    ];
    let outcomes = Scenario::new(&variants, NOISY).run("twice-as-slow", SEEDS / 4);
    let text = summary("true 0.50", &outcomes);
    eprintln!("{text}");
    let first = count(&outcomes, |o| {
        o.confirmation.call == Call::SafeWins && o.confirmation.processes == LOOKS[0]
    });
    assert!(first >= outcomes.len() * 95 / 100, "{text}");
}

#[test]
fn heavy_tails_regimes_and_host_shifts_keep_the_error_rates() {
    let outcomes = Scenario::new(&TIED, AWKWARD).run("awkward", SEEDS);
    let text = summary("awkward, tied at 1.00", &outcomes);
    eprintln!("{text}");
    assert!(
        count(&outcomes, Outcome::covers) >= SEEDS * 94 / 100,
        "{text}"
    );
    assert!(
        count(&outcomes, |o| o.confirmation.call == Call::Pays) <= SEEDS * 25 / 1000,
        "{text}"
    );
    assert!(
        count(&outcomes, |o| o.confirmation.call == Call::SafeWins) <= SEEDS * 25 / 1000,
        "{text}"
    );
    let variants = [
        ("safe", VariantKind::Safe, 1000.0),
        ("unsafe", VariantKind::Unsafe, 1000.0 / 1.10),
    ];
    let outcomes = Scenario::new(&variants, AWKWARD).run("awkward-gain", SEEDS);
    let text = summary("awkward, true 1.10", &outcomes);
    eprintln!("{text}");
    assert!(
        count(&outcomes, Outcome::covers) >= SEEDS * 94 / 100,
        "{text}"
    );
    assert_eq!(
        count(&outcomes, |o| o.confirmation.call == Call::SafeWins),
        0,
        "{text}"
    );
}

fn control_states(outcomes: &[Outcome], aa: bool) -> BTreeMap<&'static str, usize> {
    let mut states = BTreeMap::new();
    for o in outcomes {
        let c = if aa {
            o.confirmation.control_aa
        } else {
            o.confirmation.control_2x
        };
        *states
            .entry(c.map_or("missing", |c| c.state.label()))
            .or_default() += 1;
    }
    states
}

#[test]
fn controls_tell_bias_from_imprecision() {
    let variants = [
        ("safe", VariantKind::Safe, 1000.0),
        ("unsafe", VariantKind::Unsafe, 800.0),
    ];
    let biased = |outcomes: &[Outcome], aa: bool| {
        control_states(outcomes, aa)
            .get("biased")
            .copied()
            .unwrap_or(0)
    };
    // A sound run: both controls unbiased; read biased in at most 2.5% of runs.
    let outcomes = Scenario::new(&variants, NOISY).run("sound", SEEDS);
    for aa in [true, false] {
        assert!(
            biased(&outcomes, aa) <= SEEDS * 25 / 1000,
            "{:?}",
            control_states(&outcomes, aa)
        );
    }
    // A noisy machine: wide controls are imprecise, not biased, and the clear call still
    // settles.
    let outcomes = Scenario::new(&variants, AWKWARD).run("noisy", SEEDS);
    let states = control_states(&outcomes, true);
    assert!(biased(&outcomes, true) <= SEEDS * 25 / 1000, "{states:?}");
    assert!(
        states.get("imprecise").copied().unwrap_or(0) >= SEEDS / 2,
        "{states:?}"
    );
    assert!(count(&outcomes, |o| o.confirmation.call == Call::Pays) >= SEEDS * 95 / 100);
    // A copy 8% slower than the reference where the call is close (a tie): the control must
    // be precise before the call settles, and reads biased, which marks the run unreliable.
    let mut slow_copy = Scenario::new(&TIED, NOISY);
    slow_copy.copy_bias = 1.08;
    let outcomes = slow_copy.run("slow-copy", SEEDS / 4);
    assert!(
        biased(&outcomes, true) >= outcomes.len() * 90 / 100,
        "{:?}",
        control_states(&outcomes, true)
    );
    // Where the call is clear, a run may settle before the bias shows, but only with a call
    // that every bias the control's interval allows leaves unchanged.
    let mut clear = Scenario::new(&variants, NOISY);
    clear.copy_bias = 1.08;
    for o in clear.run("slow-copy-clear", SEEDS / 4) {
        let c = &o.confirmation;
        let aa = c.control_aa.expect("measured");
        assert!(aa.state == ControlState::Biased || c.speedup.lower * (-aa.reach()).exp() > 1.05);
    }
    // Doubled work reading 1.7x: biased.
    let mut short_twice = Scenario::new(&variants, NOISY);
    short_twice.twice_bias = 0.85;
    let outcomes = short_twice.run("short-twice", SEEDS / 4);
    assert_eq!(biased(&outcomes, false), outcomes.len());
    assert!(outcomes.iter().all(|o| o.confirmation.settled()));
}

#[test]
fn at_the_margin_each_wrong_call_stays_rare() {
    // The hardest truths for the rule: exactly on a boundary of the margin, and just outside
    // it. A call that excludes the truth is wrong; each kind must stay at or under 2.5%.
    for (ratio, wrong) in [
        (1.05, Call::Pays),
        (1.0 / 1.05, Call::SafeWins),
        (1.06, Call::Equivalent),
        (1.0 / 1.06, Call::Equivalent),
    ] {
        let variants = [
            ("safe", VariantKind::Safe, 1000.0),
            ("unsafe", VariantKind::Unsafe, 1000.0 / ratio),
        ];
        let outcomes = Scenario::new(&variants, NOISY).run(&format!("margin-{ratio}"), SEEDS);
        let text = summary(&format!("true {ratio:.4}"), &outcomes);
        eprintln!("{text}");
        assert!(
            count(&outcomes, |o| o.confirmation.call == wrong) <= SEEDS * 25 / 1000,
            "{text}"
        );
    }
}

#[test]
fn the_intervals_cover_at_every_look_together() {
    // Without stopping: processes to the cap, the interval read at every look. The repeated
    // interval covers the truth at all six looks at once in about 95% of runs; an ordinary 95%
    // interval read at every look does not (which is why the rule needs the boundary).
    let looks = Looks::new(&LOOKS).expect("looks");
    let variants = [
        ("safe", VariantKind::Safe, 1000.0),
        ("unsafe", VariantKind::Unsafe, 1000.0 / 1.03),
    ];
    let scenario = Scenario::new(&variants, NOISY);
    let family = family(&scenario.variants);
    let truth = 1.03;
    let (mut repeated, mut ordinary) = (0, 0);
    for seed in 0..SEEDS {
        let cases = scenario.confirm_all(&family, &format!("every-look/{seed}"), looks.cap());
        let covers = |r: &protocol::interval::ProcessRatio| r.lower <= truth && truth <= r.upper;
        let mut all_repeated = true;
        let mut all_ordinary = true;
        for &n in looks.at() {
            let prefix: Vec<&CaseRounds> = cases[..n].iter().collect();
            let c = protocol::reading::confirm(&family, &prefix, &looks).expect("confirmed");
            all_repeated &= covers(&c.speedup);
            let logs: Vec<f64> = prefix
                .iter()
                .map(|case| {
                    let m = case.means();
                    m["safe"].ln() - m["unsafe"].ln()
                })
                .collect();
            all_ordinary &=
                covers(&protocol::interval::ProcessRatio::descriptive(&logs).expect("interval"));
        }
        repeated += usize::from(all_repeated);
        ordinary += usize::from(all_ordinary);
    }
    eprintln!("covered at every look: repeated {repeated}, ordinary {ordinary} of {SEEDS}");
    assert!(repeated >= SEEDS * 93 / 100, "{repeated}");
    assert!(
        repeated <= SEEDS * 99 / 100,
        "{repeated}: far more conservative than planned"
    );
    assert!(ordinary < repeated, "{ordinary} vs {repeated}");
}

/// Two unsafe candidates 4% apart, each arm's placement luck as on the awkward machine (a
/// quarter of builds 8% slower, heavy tails): screening that stops at its three processes
/// picks the slower one often; screening that goes on while the pick is open picks the faster
/// one far more often, and stops early where the candidates are clearly apart or tied.
#[test]
fn screening_goes_on_until_the_pick_is_clear() {
    let variants = [
        ("safe", VariantKind::Safe, 1000.0),
        ("unsafe_fast", VariantKind::Unsafe, 960.0),
        ("unsafe_slow", VariantKind::Unsafe, 1000.0),
    ];
    let noise = Noise {
        process_shift: 0.05,
        arm_shift: 0.03,
        heavy_tails: true,
        regime_rate: 0.25,
        regime_penalty: 0.08,
        ..NOISY
    };
    let fixed = Scenario {
        screen_cap: SCREEN,
        ..Scenario::new(&variants, noise)
    }
    .run("pick-fixed", SEEDS);
    let adaptive = Scenario::new(&variants, noise).run("pick-adaptive", SEEDS);
    let right =
        |outcomes: &[Outcome]| count(outcomes, |o| o.confirmation.pair.unsafe_ == "unsafe_fast");
    let screened = |outcomes: &[Outcome]| {
        outcomes.iter().map(|o| o.screened).sum::<usize>() as f64 / outcomes.len() as f64
    };
    let text = format!(
        "fixed: right pick {} of {SEEDS}, {:.1} screening processes; adaptive: {} of {SEEDS}, \
         {:.1}",
        right(&fixed),
        screened(&fixed),
        right(&adaptive),
        screened(&adaptive)
    );
    eprintln!("{text}");
    assert!(
        adaptive
            .iter()
            .all(|o| (SCREEN..=SCREEN_CAP).contains(&o.screened))
    );
    assert!(right(&adaptive) >= SEEDS * 90 / 100, "{text}");
    // Half the wrong picks gone.
    assert!(
        SEEDS - right(&adaptive) <= (SEEDS - right(&fixed)) / 2,
        "{text}"
    );

    // Clearly apart (25%): the first processes decide, nothing added.
    let apart = [
        ("safe", VariantKind::Safe, 1000.0),
        ("unsafe_fast", VariantKind::Unsafe, 800.0),
        ("unsafe_slow", VariantKind::Unsafe, 1000.0),
    ];
    let outcomes = Scenario::new(&apart, NOISY).run("pick-apart", SEEDS / 4);
    assert!(
        screened(&outcomes) < SCREEN as f64 + 0.5,
        "{:.1} screening processes",
        screened(&outcomes)
    );
}

/// `index` on the shared 2-core host: a gain 0.8% past the margin, each process's ratio
/// within about 1% but for rare processes in which one arm runs 10% slower (about one process
/// in thirteen, either side). How often the rule decides *pays* depends on the cap: with the
/// quick plan's 19 or the full plan's 27 processes rarely, so runs can read *pays* and
/// *inconclusive* by turns; a call against the truth (*equivalent*, *safe wins*) stays within
/// the rule's 2.5%. Exploratory, for the results
/// log (`cargo test --release -p unsafe-ledger-protocol --test simulation -- --ignored`).
#[test]
#[ignore = "exploratory: how the cap decides a gain at the margin (seconds in release)"]
fn a_gain_just_past_the_margin_needs_a_cap_of_hundreds() {
    let noise = Noise {
        process_shift: 0.02,
        arm_shift: 0.006,
        regime_rate: 0.04,
        regime_penalty: 0.10,
        batch: 0.01,
        ..NOISY
    };
    let variants = [
        ("safe", VariantKind::Safe, 1000.0),
        ("unsafe", VariantKind::Unsafe, 1000.0 / 1.058),
    ];
    let seeds = SEEDS;
    for looks in [
        &[4, 6, 9, 13, 19][..],
        &[4, 6, 9, 13, 19, 27],
        &[4, 6, 9, 13, 19, 27, 40, 60, 90],
        &[4, 6, 9, 13, 19, 27, 40, 60, 90, 135, 200, 300],
        &[4, 6, 9, 13, 19, 27, 40, 60, 90, 135, 200, 300, 450, 675],
    ] {
        let scenario = Scenario {
            looks: looks.to_vec(),
            ..Scenario::new(&variants, noise)
        };
        let outcomes = scenario.run(&format!("margin-gain-{}", looks.len()), seeds);
        let text = summary(
            &format!("true 1.058, cap {}", looks[looks.len() - 1]),
            &outcomes,
        );
        eprintln!("{text}");
        assert!(
            count(&outcomes, Outcome::covers) >= seeds * 94 / 100,
            "{text}"
        );
        assert!(
            count(&outcomes, |o| matches!(
                o.confirmation.call,
                Call::Equivalent | Call::SafeWins
            )) <= seeds * 25 / 1000,
            "{text}"
        );
    }
}

/// Fewer builds than processes: 27 confirmation processes cycle over five layouts, each of
/// which puts every arm's code 3% (sd) faster or slower for all its processes. The processes
/// of one layout are not independent draws of the placement, so an interval over processes
/// is far too narrow; over the layouts' means it covers as it says.
#[test]
fn processes_that_share_a_layout_count_once() {
    let variants = [
        ("safe", VariantKind::Safe, 1000.0),
        ("unsafe", VariantKind::Unsafe, 1000.0 / 1.03),
    ];
    let quiet = Noise {
        process_shift: 0.01,
        arm_shift: 0.005,
        ..NOISY
    };
    let scenario = Scenario {
        layouts: Some((5, 0.03)),
        ..Scenario::new(&variants, quiet)
    };
    let family = family(&scenario.variants);
    let looks = Looks::new(&[27]).expect("looks");
    let truth = 1.03;
    let (mut layouts, mut processes) = (0, 0);
    for seed in 0..SEEDS {
        let kept = scenario.confirm_all(&family, &format!("shared-layouts/{seed}"), looks.cap());
        let cases: Vec<&CaseRounds> = kept.iter().collect();
        let c = protocol::reading::confirm(&family, &cases, &looks).expect("confirmed");
        assert_eq!((c.speedup.processes, c.speedup.layouts), (27, 5));
        let covers = |r: &protocol::interval::ProcessRatio| r.lower <= truth && truth <= r.upper;
        layouts += usize::from(covers(&c.speedup));
        let logs: Vec<f64> = cases
            .iter()
            .map(|case| {
                let m = case.means();
                m["safe"].ln() - m["unsafe"].ln()
            })
            .collect();
        let naive = protocol::interval::ProcessRatio::of_log_ratios(&logs, looks.multiplier(27))
            .expect("interval");
        processes += usize::from(covers(&naive));
    }
    eprintln!("covered: over layouts {layouts}, over processes {processes} of {SEEDS}");
    assert!(layouts >= SEEDS * 93 / 100, "{layouts}");
    assert!(processes <= SEEDS * 85 / 100, "{processes}");
    // The default looks, stopping where the rule settles: the boundary counts processes while
    // the information grows with layouts, which only makes it more conservative.
    let outcomes = scenario.run("shared-layouts-looks", SEEDS);
    let text = summary("true 1.03 on five layouts", &outcomes);
    eprintln!("{text}");
    assert!(
        count(&outcomes, Outcome::covers) >= SEEDS * 94 / 100,
        "{text}"
    );
    assert!(outcomes.iter().all(|o| o.confirmation.speedup.layouts <= 5));
}
