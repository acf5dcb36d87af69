//! The statistics behind every number on the site: medians of criterion's per-iteration samples
//! and percentile-bootstrap intervals for ratios of medians (the per-variant curves), and
//! Student-t intervals over per-process log ratios (the verdict protocol, where the process is
//! the unit of replication).

use crate::rng::Rng;

/// Resamples per bootstrap interval: enough for stable 2.5/97.5 percentiles.
pub const BOOTSTRAP_RESAMPLES: usize = 2_000;

/// The median of `values` (NaN-free); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    })
}

/// The `q` quantile (0..=1) of sorted values, by linear interpolation.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let low = position.floor() as usize;
    let high = position.ceil() as usize;
    let weight = position - low as f64;
    sorted[low] * (1.0 - weight) + sorted[high] * weight
}

/// A ratio of two medians with its 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Ratio {
    /// `median(numerator) / median(denominator)`.
    pub point: f64,
    /// 2.5th percentile of the bootstrap distribution.
    pub lower: f64,
    /// 97.5th percentile of the bootstrap distribution.
    pub upper: f64,
}

/// `median(numerator) / median(denominator)` with a 95% percentile-bootstrap interval:
/// both sample sets are resampled independently (they come from separate benchmarks), the
/// ratio of medians recomputed each time. Deterministic for a given `seed`.
///
/// `None` if either side is empty or has a zero median.
pub fn ratio_of_medians(numerator: &[f64], denominator: &[f64], seed: &str) -> Option<Ratio> {
    let point = median(numerator)? / nonzero(median(denominator)?)?;
    let mut rng = Rng::new(seed);
    let mut resample = |values: &[f64], scratch: &mut Vec<f64>| {
        scratch.clear();
        scratch.extend((0..values.len()).map(|_| values[rng.below(values.len())]));
        median(scratch)
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut ratios = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    for _ in 0..BOOTSTRAP_RESAMPLES {
        let top = resample(numerator, &mut a)?;
        let bottom = resample(denominator, &mut b)?;
        if let Some(bottom) = nonzero(bottom) {
            ratios.push(top / bottom);
        }
    }
    if ratios.is_empty() {
        return None;
    }
    ratios.sort_by(f64::total_cmp);
    Some(Ratio {
        point,
        lower: quantile(&ratios, 0.025),
        upper: quantile(&ratios, 0.975),
    })
}

fn nonzero(x: f64) -> Option<f64> {
    (x != 0.0 && x.is_finite()).then_some(x)
}

/// Student's t quantile at 0.975 for `df` degrees of freedom: the half-width multiplier of a
/// two-sided 95% interval. Exact table values to 30 degrees of freedom (six decimals), then
/// the Cornish-Fisher expansion around the normal quantile, within 1e-4 of the exact value.
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
        2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
        2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
        2.048407, 2.045230, 2.042272,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df - 1],
        _ => {
            let z: f64 = 1.959_964;
            let n = df as f64;
            z + (z.powi(3) + z) / (4.0 * n)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
        }
    }
}

/// The mean of per-process log ratios with its 95% Student-t interval (P − 1 degrees of
/// freedom), back on the ratio scale: a geometric-mean ratio.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct ProcessRatio {
    /// `exp(mean of the log ratios)`.
    pub point: f64,
    /// Lower end of the 95% interval.
    pub lower: f64,
    /// Upper end of the 95% interval.
    pub upper: f64,
    /// Processes the interval is over.
    pub processes: usize,
    /// Sample standard deviation of the log ratios (what more processes would shrink).
    pub log_sd: f64,
}

impl ProcessRatio {
    /// The interval of `log_ratios` (one per process); `None` with fewer than two, or with a
    /// value that is not finite.
    pub fn of_log_ratios(log_ratios: &[f64]) -> Option<Self> {
        let n = log_ratios.len();
        if n < 2 || log_ratios.iter().any(|z| !z.is_finite()) {
            return None;
        }
        let mean = log_ratios.iter().sum::<f64>() / n as f64;
        let variance = log_ratios.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let sd = variance.sqrt();
        let half = t_975(n - 1) * sd / (n as f64).sqrt();
        Some(Self {
            point: mean.exp(),
            lower: (mean - half).exp(),
            upper: (mean + half).exp(),
            processes: n,
            log_sd: sd,
        })
    }

    /// The same interval with every bound divided by `by` (a control read against its target).
    pub fn scaled(self, by: f64) -> Self {
        Self {
            point: self.point / by,
            lower: self.lower / by,
            upper: self.upper / by,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
    }

    #[test]
    fn interval_brackets_the_point_and_is_deterministic() {
        let slow: Vec<f64> = (0..20).map(|i| 200.0 + f64::from(i % 7)).collect();
        let fast: Vec<f64> = (0..20).map(|i| 100.0 + f64::from(i % 5)).collect();
        let r = ratio_of_medians(&slow, &fast, "t").expect("ratio");
        assert!(r.lower <= r.point && r.point <= r.upper, "{r:?}");
        assert!(r.lower > 1.8 && r.upper < 2.2, "{r:?}");
        assert_eq!(Some(r), ratio_of_medians(&slow, &fast, "t"));
    }

    #[test]
    fn identical_distributions_straddle_one() {
        let a: Vec<f64> = (0..30).map(|i| 100.0 + f64::from(i % 11)).collect();
        let r = ratio_of_medians(&a, &a, "same").expect("ratio");
        assert!(r.lower < 1.0 && r.upper > 1.0, "{r:?}");
    }

    #[test]
    fn t_quantiles_match_tables_and_approach_the_normal() {
        assert!((t_975(1) - 12.706_2).abs() < 1e-3);
        assert!((t_975(4) - 2.776_4).abs() < 1e-3);
        // Beyond the table: t(40) = 2.021075, t(120) = 1.979930 (standard tables).
        assert!((t_975(40) - 2.021_075).abs() < 1e-4, "{}", t_975(40));
        assert!((t_975(120) - 1.979_930).abs() < 1e-4, "{}", t_975(120));
        assert!(t_975(31) < t_975(30) && t_975(31) > 1.96);
        assert!(t_975(0).is_infinite());
    }

    #[test]
    fn process_interval_by_hand() {
        // log ratios 0.1, 0.2, 0.3: mean 0.2, sd 0.1, half-width t(2) * 0.1 / sqrt(3).
        let r = ProcessRatio::of_log_ratios(&[0.1, 0.2, 0.3]).expect("interval");
        let half = 4.302_653 * 0.1 / 3f64.sqrt();
        assert!((r.point - 0.2f64.exp()).abs() < 1e-12);
        assert!((r.lower - (0.2 - half).exp()).abs() < 1e-9, "{r:?}");
        assert!((r.upper - (0.2 + half).exp()).abs() < 1e-9, "{r:?}");
        assert_eq!(r.processes, 3);
        assert!((r.log_sd - 0.1).abs() < 1e-12);
        assert_eq!(ProcessRatio::of_log_ratios(&[0.1]), None);
        assert_eq!(ProcessRatio::of_log_ratios(&[0.1, f64::NAN]), None);
        let same = ProcessRatio::of_log_ratios(&[0.0; 5]).expect("interval");
        assert_eq!((same.lower, same.point, same.upper), (1.0, 1.0, 1.0));
    }

    #[test]
    fn degenerate_inputs_give_none() {
        assert_eq!(ratio_of_medians(&[], &[1.0], "x"), None);
        assert_eq!(ratio_of_medians(&[1.0], &[0.0], "x"), None);
    }
}
