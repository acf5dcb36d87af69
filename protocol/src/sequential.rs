//! The sequential rule's boundaries: confidence intervals that hold at every look together.
//!
//! Confirmation adds processes in looks and may stop at any of them, so an interval computed as
//! if the last look were the only one would miss more often than it says: each look is another
//! chance for noise to cross a boundary. The rule therefore uses *repeated confidence
//! intervals* (Jennison and Turnbull) with a Pocock boundary: every look uses the same nominal
//! level, chosen so that the chance that *any* look's interval misses the true ratio is
//! [`ALPHA`]. Any call made from an interval that covers is right, so the calls are wrong with
//! at most that chance, whenever the run stops; a wrong *pays* and a wrong *safe wins* each
//! need a miss on one side, at most half of it.
//!
//! The constant is computed for the planned looks by recursive numerical integration of the
//! joint distribution of the standardised means (a random walk observed at the looks), and
//! with an unknown spread each look's interval takes the t quantile at the same nominal level
//! (the "significance level" approach); simulations check the coverage this gives.

use std::sync::OnceLock;

use crate::interval::{t_quantile, z_quantile};

/// The chance that any look's interval misses: 5%.
pub const ALPHA: f64 = 0.05;

/// Grid points per look for the numerical integration, at least (odd, for Simpson's rule).
const GRID: usize = 241;

/// Grid steps per standard deviation of the increment between two looks, at least: closely
/// spaced looks make a narrow kernel, which a coarse grid would not resolve.
const STEPS_PER_SD: f64 = 8.0;

/// The looks of a confirmation: the process counts after which the rule is read, the last
/// being the cap.
#[derive(Clone, Debug)]
pub struct Looks {
    at: Vec<usize>,
    /// The two-sided nominal level every look's interval uses, computed when first asked for:
    /// the boundary's integration costs tens of milliseconds, which every process that only
    /// parses its looks (and a check under Miri) would otherwise pay.
    nominal: OnceLock<f64>,
}

/// Looks are the same when they are at the same process counts; the level follows from them.
impl PartialEq for Looks {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl Looks {
    /// Looks after each of `at` processes: increasing, the first at least 3 (two degrees of
    /// freedom: one fewer leaves the t quantile without a usable interval).
    pub fn new(at: &[usize]) -> Result<Self, String> {
        if at.is_empty() {
            return Err("a confirmation needs at least one look".to_owned());
        }
        if at[0] < 3 {
            return Err(format!(
                "the first look is after {} processes; it needs at least 3",
                at[0]
            ));
        }
        if at.windows(2).any(|w| w[1] <= w[0]) {
            return Err(format!("the looks {at:?} do not increase"));
        }
        Ok(Self {
            at: at.to_vec(),
            nominal: OnceLock::new(),
        })
    }

    /// The process counts at which the rule is read.
    pub fn at(&self) -> &[usize] {
        &self.at
    }

    /// The most processes a confirmation runs.
    pub fn cap(&self) -> usize {
        self.at[self.at.len() - 1]
    }

    /// The looks as a command line spells them: `4,6,9`.
    pub fn spelled(&self) -> String {
        self.at
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The first look after `processes`, if any is left.
    pub fn next_after(&self, processes: usize) -> Option<usize> {
        self.at.iter().copied().find(|&n| n > processes)
    }

    /// The two-sided nominal level of each look's interval (below [`ALPHA`] with more than one
    /// look).
    pub fn nominal(&self) -> f64 {
        *self.nominal.get_or_init(|| {
            let info: Vec<f64> = self.at.iter().map(|&n| n as f64).collect();
            2.0 * (1.0 - crate::interval::z_cdf(pocock(&info, ALPHA)))
        })
    }

    /// The interval's half-width in standard errors with `processes` processes: the t quantile
    /// at the nominal level with one degree of freedom fewer.
    pub fn multiplier(&self, processes: usize) -> f64 {
        if processes < 2 {
            return f64::INFINITY;
        }
        t_quantile(processes - 1, 1.0 - self.nominal() / 2.0)
    }
}

/// Pocock's constant: the `c` for which a standard random walk observed at information `info`
/// has a standardised value beyond ±`c` at some look with probability `alpha`.
pub fn pocock(info: &[f64], alpha: f64) -> f64 {
    let (mut low, mut high) = (z_quantile(1.0 - alpha / 2.0), 8.0);
    for _ in 0..50 {
        let mid = (low + high) / 2.0;
        if crossing(info, mid) > alpha {
            low = mid;
        } else {
            high = mid;
        }
    }
    (low + high) / 2.0
}

/// The chance that a standard random walk, observed at information `info`, is beyond
/// ±`c`·√info at some look: one minus the mass that stays inside every look's band, carried
/// from look to look on a grid (Simpson's rule) through the normal increments between them.
pub fn crossing(info: &[f64], c: f64) -> f64 {
    let density =
        |x: f64, sd: f64| (-0.5 * (x / sd).powi(2)).exp() / (sd * std::f64::consts::TAU.sqrt());
    let mut points: Vec<f64> = Vec::new();
    let mut mass: Vec<f64> = Vec::new();
    let mut before = 0.0;
    for &i in info {
        let half = c * i.sqrt();
        let sd = (i - before).sqrt();
        let fine = (2.0 * half * STEPS_PER_SD / sd).ceil() as usize;
        let grid = GRID.max(fine | 1);
        let step = 2.0 * half / (grid - 1) as f64;
        let next: Vec<f64> = (0..grid).map(|j| -half + j as f64 * step).collect();
        let values: Vec<f64> = next
            .iter()
            .map(|&x| {
                if points.is_empty() {
                    density(x, sd)
                } else {
                    points
                        .iter()
                        .zip(&mass)
                        .map(|(&u, &w)| w * density(x - u, sd))
                        .sum()
                }
            })
            .collect();
        // Simpson weights times the values: each point's share of the surviving mass.
        mass = values
            .iter()
            .enumerate()
            .map(|(j, v)| {
                let weight = if j == 0 || j == grid - 1 {
                    1.0
                } else if j % 2 == 1 {
                    4.0
                } else {
                    2.0
                };
                v * weight * step / 3.0
            })
            .collect();
        points = next;
        before = i;
    }
    1.0 - mass.iter().sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_look_is_the_fixed_sample_interval() {
        let c = pocock(&[10.0], 0.05);
        assert!((c - 1.959_964).abs() < 1e-3, "{c}");
        let looks = Looks::new(&[10]).expect("looks");
        assert!((looks.nominal() - 0.05).abs() < 1e-4);
        assert!((looks.multiplier(10) - t_quantile(9, 0.975)).abs() < 1e-3);
    }

    #[test]
    fn pocock_constants_match_the_published_table() {
        // Pocock (1977), two-sided 5%, K equally spaced looks: 2.178, 2.289, 2.361, 2.413.
        for (k, want) in [(2, 2.178), (3, 2.289), (4, 2.361), (5, 2.413)] {
            let info: Vec<f64> = (1..=k).map(|i| i as f64).collect();
            let c = pocock(&info, 0.05);
            assert!((c - want).abs() < 2e-3, "K = {k}: {c}");
        }
        // Only the information fractions matter, not their unit.
        let scaled: Vec<f64> = (1..=3).map(|i| 5.0 * i as f64).collect();
        assert!((pocock(&scaled, 0.05) - 2.289).abs() < 2e-3);
    }

    #[test]
    fn the_boundary_of_unequal_looks_matches_random_walks() {
        // The default looks: 20,000 standard random walks observed at them leave ±c·√n at
        // some look about 5% of the time (binomial sd 0.15%).
        let at = [4.0, 6.0, 9.0, 13.0, 19.0, 27.0];
        let c = pocock(&at, 0.05);
        let mut rng = crate::rng::Rng::new("random walks");
        let mut normal = || {
            let unit =
                |rng: &mut crate::rng::Rng| (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let (u, v) = (unit(&mut rng).max(1e-300), unit(&mut rng));
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        };
        let walks = 20_000;
        let crossed = (0..walks)
            .filter(|_| {
                let (mut sum, mut before) = (0.0, 0.0);
                at.iter().any(|&i| {
                    sum += normal() * f64::sqrt(i - before);
                    before = i;
                    sum.abs() >= c * i.sqrt()
                })
            })
            .count();
        let rate = crossed as f64 / walks as f64;
        assert!((rate - 0.05).abs() < 0.005, "{rate} with c = {c}");
        // Closely spaced late looks still integrate (the grid follows the narrow kernel).
        let close = pocock(&[100.0, 101.0], 0.05);
        assert!(close > 1.96 && close < 2.0, "{close}");
    }

    #[test]
    fn more_looks_need_a_wider_interval_at_each() {
        let one = Looks::new(&[20]).expect("looks");
        let six = Looks::new(&[4, 6, 9, 13, 19, 27]).expect("looks");
        assert!(six.nominal() < one.nominal());
        assert!(six.multiplier(20) > one.multiplier(20));
        // Fewer processes, fewer degrees of freedom: wider.
        assert!(six.multiplier(4) > six.multiplier(27));
        assert_eq!(six.cap(), 27);
        assert_eq!(six.next_after(0), Some(4));
        assert_eq!(six.next_after(9), Some(13));
        assert_eq!(six.next_after(27), None);
    }

    #[test]
    fn bad_looks_are_refused() {
        assert!(Looks::new(&[]).is_err());
        assert!(Looks::new(&[2, 5]).is_err());
        assert!(Looks::new(&[5, 5]).is_err());
        assert!(Looks::new(&[8, 5]).is_err());
    }
}
