//! The verdict rule: its margin, its calls, how a control is read, and how many processes an
//! undecided comparison would need.
//!
//! A verdict reads the interval of a speedup (safe time / unsafe time, so above 1 means the
//! unsafe variant is faster) against a practical margin δ: a difference smaller than δ is not
//! worth an `unsafe` block, however precisely it is measured.

use serde::Serialize;

use crate::interval::{ProcessRatio, t_quantile};
use crate::sequential::Looks;

/// The practical margin δ: differences within ±5% are treated as no difference.
pub const MARGIN: f64 = 0.05;

/// How far a control may sit from its target before it is *biased*: ±2%. Under half the
/// margin, so a bias the controls let through cannot on its own carry a ratio from one side of
/// 1 across the margin; wider than the rounding of a timer or a calibration, which are not
/// biases of the comparison.
pub const CONTROL_BAND: f64 = 0.02;

/// The power [`processes_needed`] plans for.
pub const POWER: f64 = 0.8;

/// More processes than this are not suggested: a comparison that needs them is too close to
/// the margin to be settled by measuring longer.
pub const MAX_PROCESSES: usize = 1000;

/// What the unsafe variant buys.
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

/// What a control's interval says about the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlState {
    /// Inside the margin around its target and not clear of the band: the run measures what it
    /// should.
    Holds,
    /// Covers the band but reaches past the margin: too few processes to tell, not a fault.
    Imprecise,
    /// Clear of the band around its target: the run has a bias its verdict may carry.
    Biased,
}

impl ControlState {
    /// The state as the site shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Holds => "holds",
            Self::Imprecise => "imprecise",
            Self::Biased => "biased",
        }
    }
}

/// Reads a control's ratio against its target (1 for the copy, 2 for the doubled work).
pub fn read_control(ratio: &ProcessRatio, target: f64) -> ControlState {
    let r = ratio.scaled(target);
    if r.lower > 1.0 + CONTROL_BAND || r.upper < 1.0 / (1.0 + CONTROL_BAND) {
        ControlState::Biased
    } else if classify(&r) == Call::Equivalent {
        ControlState::Holds
    } else {
        ControlState::Imprecise
    }
}

/// For an undecided speedup, a rough plan for a new run: how many processes a confirmation at
/// the rule's nominal level would need to decide it with [`POWER`], if the point estimate and
/// the spread between processes were the true ones (an estimate that ended undecided tends to
/// sit nearer the margin than the truth, so read it as an order of magnitude). Inside the
/// margin both ends of the interval must clear a boundary, so each is planned at the power
/// `(1 + POWER) / 2`. `None` when the estimate sits on a boundary of the margin or more than
/// [`MAX_PROCESSES`] would be needed.
pub fn processes_needed(speedup: &ProcessRatio, looks: &Looks) -> Option<usize> {
    let mean = speedup.point.ln();
    let bound = (1.0 + MARGIN).ln();
    // Inside the margin the interval must shrink inside it; outside, clear the boundary.
    let room = (bound - mean.abs()).abs();
    // A new run gives each process a build of its own: it faces the spread between processes.
    if room <= 0.0 || speedup.process_log_sd <= 0.0 {
        return None;
    }
    let power = if mean.abs() < bound {
        (1.0 + POWER) / 2.0
    } else {
        POWER
    };
    let enough = |n: usize| {
        let per = speedup.process_log_sd / (n as f64).sqrt();
        (looks.multiplier(n) + t_quantile(n - 1, power)) * per <= room
    };
    if !enough(MAX_PROCESSES) {
        return None;
    }
    // The half-width shrinks with n: the first n that is enough, by bisection.
    let (mut low, mut high) = (2, MAX_PROCESSES);
    while low < high {
        let mid = (low + high) / 2;
        if enough(mid) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    Some(low)
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
            layouts: 5,
            log_sd: 0.02,
            process_log_sd: 0.02,
            multiplier: 2.0,
            lowest: lower,
            highest: upper,
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
    fn controls_tell_bias_from_imprecision() {
        // Tight and on target.
        assert_eq!(
            read_control(&ratio(1.0, 0.98, 1.03), 1.0),
            ControlState::Holds
        );
        // Wide but covering the target: more processes, not a fault.
        assert_eq!(
            read_control(&ratio(1.01, 0.84, 1.22), 1.0),
            ControlState::Imprecise
        );
        // Clear of the ±2% band, even inside the margin: a bias.
        assert_eq!(
            read_control(&ratio(1.03, 1.025, 1.035), 1.0),
            ControlState::Biased
        );
        assert_eq!(
            read_control(&ratio(1.07, 1.02, 1.12), 1.0),
            ControlState::Imprecise
        );
        assert_eq!(
            read_control(&ratio(0.57, 0.5, 0.65), 1.0),
            ControlState::Biased
        );
        assert_eq!(
            read_control(&ratio(2.02, 1.97, 2.06), 2.0),
            ControlState::Holds
        );
        assert_eq!(
            read_control(&ratio(1.7, 1.6, 1.8), 2.0),
            ControlState::Biased
        );
    }

    #[test]
    fn processes_needed_by_hand() {
        // Point 1.02 inside the margin, log sd 0.05 between single processes (whatever the
        // spread of the layouts' means the interval was over), one look: both ends must clear,
        // so each is planned at 90%: the first n with
        // (t(n-1, 0.975) + t(n-1, 0.9)) * 0.05 / sqrt(n) <= ln 1.05 - ln 1.02 = 0.02899.
        let looks = Looks::new(&[10]).expect("looks");
        let mut r = ratio(1.02, 0.96, 1.08);
        r.process_log_sd = 0.05;
        let n = processes_needed(&r, &looks).expect("decidable");
        let width = |n: usize, p: f64| {
            (t_quantile(n - 1, 0.975) + t_quantile(n - 1, p)) * 0.05 / (n as f64).sqrt()
        };
        let room = (1.05f64 / 1.02).ln();
        assert!(width(n, 0.9) <= room && width(n - 1, 0.9) > room, "{n}");
        // z-based sample size for comparison: ((1.96 + 1.28) * 0.05 / 0.029)^2 = 31.2.
        assert!((32..=35).contains(&n), "{n}");
        // Outside the margin only one end must clear, at 80%. Point 1.10, log sd 0.05: room
        // ln 1.10 - ln 1.05 = 0.0465; z-based ((1.96 + 0.84) * 0.05 / 0.0465)^2 = 9.1.
        let mut out = r;
        out.point = 1.10;
        let n = processes_needed(&out, &looks).expect("decidable");
        let room = (1.10f64 / 1.05).ln();
        assert!(width(n, 0.8) <= room && width(n - 1, 0.8) > room, "{n}");
        assert!((10..=13).contains(&n), "{n}");
        // Exactly on the boundary, no number of processes decides.
        r.point = 1.05;
        assert_eq!(processes_needed(&r, &looks), None);
        // Hopelessly close: more than the most suggested.
        r.point = 1.049;
        assert_eq!(processes_needed(&r, &looks), None);
    }
}
