//! The statistics behind the criterion curves: medians of criterion's per-iteration samples and
//! percentile-bootstrap intervals for ratios of medians. The intervals over processes (the
//! verdict protocol, where the process is the unit of replication) are the protocol crate's
//! [`ProcessRatio`], re-exported here.

pub use protocol::interval::ProcessRatio;

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
    fn degenerate_inputs_give_none() {
        assert_eq!(ratio_of_medians(&[], &[1.0], "x"), None);
        assert_eq!(ratio_of_medians(&[1.0], &[0.0], "x"), None);
    }
}
