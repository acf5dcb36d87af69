//! The verdict rule: one place for its margin, its calls and the words the site shows for it.
//!
//! A verdict reads the 95% interval of a speedup (best safe time / best unsafe time, so above 1
//! means the unsafe variant is faster) against a practical margin δ: a difference smaller than
//! δ is not worth an `unsafe` block, however precisely it is measured.

use serde::Serialize;

use crate::stats::{ProcessRatio, t_975};

/// The practical margin δ: differences within ±5% are treated as no difference.
pub const MARGIN: f64 = 0.05;

/// More processes than this are not suggested: a comparison that needs them is too close to
/// the margin to be settled by measuring longer.
const MAX_PROCESSES: usize = 200;

/// What the unsafe variant buys at a family's headline input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Call {
    /// The whole interval is above 1 + δ: faster by more than the margin.
    Pays,
    /// The whole interval is below 1 / (1 + δ): the best safe variant is faster.
    SafeWins,
    /// The whole interval is inside [1 / (1 + δ), 1 + δ]: no difference worth an `unsafe`.
    Equivalent,
    /// The interval straddles a boundary of the margin: the run cannot tell.
    Inconclusive,
}

impl Call {
    /// The verdict as the site shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pays => "pays",
            Self::SafeWins => "safe wins",
            Self::Equivalent => "equivalent",
            Self::Inconclusive => "inconclusive",
        }
    }
}

/// Applies the rule to a speedup interval.
pub fn classify(speedup: &ProcessRatio) -> Call {
    let (low, high) = (1.0 / (1.0 + MARGIN), 1.0 + MARGIN);
    if speedup.lower > high {
        Call::Pays
    } else if speedup.upper < low {
        Call::SafeWins
    } else if speedup.lower >= low && speedup.upper <= high {
        Call::Equivalent
    } else {
        Call::Inconclusive
    }
}

/// Whether a control's ratio, read against its target (1 for the copy, 2 for the doubled
/// work), lies inside the margin around it.
pub fn control_holds(ratio: &ProcessRatio, target: f64) -> bool {
    classify(&ratio.scaled(target)) == Call::Equivalent
}

/// For an inconclusive interval: how many processes would likely settle it, assuming the
/// point estimate and the spread between processes stay as measured. `None` when the estimate
/// sits on a boundary of the margin or more than [`MAX_PROCESSES`] would be needed.
pub fn processes_needed(speedup: &ProcessRatio) -> Option<usize> {
    let mean = speedup.point.ln();
    let bound = (1.0 + MARGIN).ln();
    // Inside the margin the interval must shrink inside it; outside, clear the boundary.
    let room = if mean.abs() < bound {
        bound - mean.abs()
    } else {
        mean.abs() - bound
    };
    if room <= 0.0 {
        return None;
    }
    (2..=MAX_PROCESSES).find(|&n| t_975(n - 1) * speedup.log_sd / (n as f64).sqrt() < room)
}

/// The rule in words, with its margin, for the site.
pub fn rule_text() -> String {
    let pct = MARGIN * 100.0;
    format!(
        "Every arm of a comparison (each variant, the floor, and two controls) runs in rounds: \
         one batch of about 2 ms of every arm per round, in a freshly shuffled order, many \
         rounds per process, in several fresh processes. Every loop starts at a 64-byte \
         boundary, and each process runs its own link order of the code (scripts/bench.sh), so \
         that where the linker happened to put a loop is spread over the processes instead of \
         deciding the verdict; each arm's state also lands at a random heap offset in each \
         process, for the same reason. Each process's pair, the fastest safe \
         and the fastest like-for-like unsafe variant, is picked by the other processes and \
         timed by this one, so the noise that picks a pair does not also judge it. Speedup = \
         that process's mean time of the safe pick / mean time of the unsafe pick; the 95% interval is a Student-t interval over the processes' log speedups (the \
         process, not the round, is the unit of replication). With a practical margin of \
         {pct:.0}%: pays when the whole interval is above {:.2}; safe wins when it is below \
         {:.3}; equivalent when it lies inside [{:.3}, {:.2}]; inconclusive otherwise, with the \
         processes that would likely settle it. A difference close to the margin itself \
         reads equivalent in some runs and inconclusive in others while its interval barely \
         moves: read the interval, not only the word. Controls calibrate each run: a separately \
         compiled copy of the reference must read equivalent to it, and the reference doing its \
         work twice must read 2x within the margin; a family whose controls fail is marked \
         unreliable. A variant that skips work the safe code does is never the headline; its \
         saving is shown as conditional on that work being done elsewhere.",
        1.0 + MARGIN,
        1.0 / (1.0 + MARGIN),
        1.0 / (1.0 + MARGIN),
        1.0 + MARGIN
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(point: f64, lower: f64, upper: f64) -> ProcessRatio {
        ProcessRatio {
            point,
            lower,
            upper,
            processes: 5,
            log_sd: 0.02,
        }
    }

    #[test]
    fn the_rule_against_hand_computed_intervals() {
        assert_eq!(classify(&ratio(1.5, 1.4, 1.6)), Call::Pays);
        assert_eq!(classify(&ratio(1.08, 1.051, 1.1)), Call::Pays);
        assert_eq!(classify(&ratio(1.06, 1.04, 1.08)), Call::Inconclusive);
        assert_eq!(classify(&ratio(1.01, 0.99, 1.03)), Call::Equivalent);
        assert_eq!(classify(&ratio(1.0, 1.0 / 1.05, 1.05)), Call::Equivalent);
        assert_eq!(classify(&ratio(0.97, 0.94, 0.99)), Call::Inconclusive);
        assert_eq!(classify(&ratio(0.8, 0.7, 0.9)), Call::SafeWins);
        assert_eq!(classify(&ratio(1.0, 0.5, 2.0)), Call::Inconclusive);
        // A steady 1% difference with a tight interval is equivalent, not a win.
        assert_eq!(classify(&ratio(0.99, 0.985, 0.995)), Call::Equivalent);
    }

    #[test]
    fn controls_read_against_their_targets() {
        assert!(control_holds(&ratio(1.0, 0.98, 1.03), 1.0));
        assert!(!control_holds(&ratio(1.07, 1.02, 1.12), 1.0));
        assert!(control_holds(&ratio(2.02, 1.97, 2.06), 2.0));
        assert!(!control_holds(&ratio(1.7, 1.6, 1.8), 2.0));
    }

    #[test]
    fn processes_needed_shrinks_the_interval_to_a_decision() {
        // Point 1.02 inside the margin, log sd 0.05: the half-width must fall below
        // ln 1.05 - ln 1.02 = 0.0290; t(n-1) * 0.05 / sqrt(n) < 0.029 first at n = 14.
        let mut r = ratio(1.02, 0.96, 1.08);
        r.log_sd = 0.05;
        let n = processes_needed(&r).expect("decidable");
        assert_eq!(n, 14);
        assert!(t_975(n - 1) * 0.05 / (n as f64).sqrt() < (1.05f64 / 1.02).ln());
        assert!(t_975(n - 2) * 0.05 / ((n - 1) as f64).sqrt() >= (1.05f64 / 1.02).ln());
        // Exactly on the boundary, no number of processes decides.
        r.point = 1.05;
        assert_eq!(processes_needed(&r), None);
    }
}
