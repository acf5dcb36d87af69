//! Intervals over processes: the process, not the round, is the unit of replication, so every
//! interval here is over one log ratio per process, back on the ratio scale. Where processes
//! share a code layout (a run with fewer builds than processes), the layout is the unit: the
//! processes of one build share its placement luck, so they are averaged first and the
//! interval is over the layouts' means.

use std::collections::BTreeMap;

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// The `p` quantile of Student's t with `df` degrees of freedom (`df` ≥ 1, 0 < p < 1).
pub fn t_quantile(df: usize, p: f64) -> f64 {
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) => t.inverse_cdf(p),
        Err(_) => f64::INFINITY,
    }
}

/// The `p` quantile of the standard normal distribution.
pub fn z_quantile(p: f64) -> f64 {
    standard_normal().inverse_cdf(p)
}

/// The standard normal distribution function.
pub fn z_cdf(x: f64) -> f64 {
    standard_normal().cdf(x)
}

fn standard_normal() -> Normal {
    // Mean 0 and standard deviation 1 are valid parameters, so this cannot fail.
    Normal::standard()
}

/// The geometric mean of per-process ratios with an interval, and the range one build sees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ProcessRatio {
    /// `exp(mean of the log ratios)`: of the layouts' means where processes shared layouts.
    pub point: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
    /// Processes the interval is over.
    pub processes: usize,
    /// The units the interval is over: the processes' distinct code layouts, or `processes`
    /// where each process ran a build of its own or fewer than two builds were named.
    pub layouts: usize,
    /// Sample standard deviation of what the interval is over: the log ratios, or the
    /// layouts' means of them where processes shared layouts.
    pub log_sd: f64,
    /// Sample standard deviation of the single processes' log ratios: what a run with a build
    /// per process faces, more processes shrinking it by their square root. The same as
    /// `log_sd` unless processes shared layouts.
    pub process_log_sd: f64,
    /// The half-width in standard errors: a t quantile at the rule's level for this many
    /// units (`layouts`).
    pub multiplier: f64,
    /// The lowest single process's ratio: a user's binary has one layout, and this is the
    /// least favourable one seen.
    pub lowest: f64,
    /// The highest single process's ratio.
    pub highest: f64,
}

impl ProcessRatio {
    /// The interval `mean ± multiplier · sd / √n` of `log_ratios` (one per process); `None`
    /// with fewer than two, or with a value that is not finite.
    pub fn of_log_ratios(log_ratios: &[f64], multiplier: f64) -> Option<Self> {
        let n = log_ratios.len();
        if n < 2 || log_ratios.iter().any(|z| !z.is_finite()) || multiplier.is_nan() {
            return None;
        }
        let mean = log_ratios.iter().sum::<f64>() / n as f64;
        let variance = log_ratios.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let sd = variance.sqrt();
        let half = multiplier * sd / (n as f64).sqrt();
        let (lowest, highest) = log_ratios
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &z| {
                (lo.min(z), hi.max(z))
            });
        Some(Self {
            point: mean.exp(),
            lower: (mean - half).exp(),
            upper: (mean + half).exp(),
            processes: n,
            layouts: n,
            log_sd: sd,
            process_log_sd: sd,
            multiplier,
            lowest: lowest.exp(),
            highest: highest.exp(),
        })
    }

    /// The interval of `log_ratios` (one per process) over the layouts the processes ran
    /// (`layouts[i]` is process i's; `None` where it named none, which means the run's one
    /// program, so every `None` is one layout): each layout's processes are averaged, and the
    /// interval is `mean ± multiplier · sd / √k` of the k layouts' means, with `multiplier(k)`
    /// the half-width for k units. The single-build range stays over processes. With a layout
    /// per process, or fewer than two layouts (every process ran one build, whose luck no
    /// interval can then hold), it is [`Self::of_log_ratios`] over processes; `None` as there,
    /// or when the two slices differ in length.
    pub fn over_layouts(
        log_ratios: &[f64],
        layouts: &[Option<&str>],
        multiplier: impl Fn(usize) -> f64,
    ) -> Option<Self> {
        if layouts.len() != log_ratios.len() || log_ratios.len() < 2 {
            return None;
        }
        // Each layout's log ratios, in order of first appearance.
        let mut groups: Vec<(f64, usize)> = Vec::new();
        let mut slots: BTreeMap<Option<&str>, usize> = BTreeMap::new();
        for (&z, &layout) in log_ratios.iter().zip(layouts) {
            let slot = *slots.entry(layout).or_insert_with(|| {
                groups.push((0.0, 0));
                groups.len() - 1
            });
            groups[slot].0 += z;
            groups[slot].1 += 1;
        }
        if groups.len() < 2 || groups.len() == log_ratios.len() {
            return Self::of_log_ratios(log_ratios, multiplier(log_ratios.len()));
        }
        let means: Vec<f64> = groups.iter().map(|&(sum, n)| sum / n as f64).collect();
        let over = Self::of_log_ratios(&means, multiplier(means.len()))?;
        let each = Self::of_log_ratios(log_ratios, over.multiplier)?;
        Some(Self {
            processes: each.processes,
            process_log_sd: each.log_sd,
            lowest: each.lowest,
            highest: each.highest,
            ..over
        })
    }

    /// A plain two-sided 95% Student-t interval: for descriptive readings that no decision is
    /// made from (screening, sizes, conditional savings).
    pub fn descriptive(log_ratios: &[f64]) -> Option<Self> {
        let n = log_ratios.len();
        if n < 2 {
            return None;
        }
        Self::of_log_ratios(log_ratios, t_quantile(n - 1, 0.975))
    }

    /// The same reading with every ratio divided by `by` (a control read against its target).
    pub fn scaled(self, by: f64) -> Self {
        Self {
            point: self.point / by,
            lower: self.lower / by,
            upper: self.upper / by,
            lowest: self.lowest / by,
            highest: self.highest / by,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_published_tables() {
        // Standard tables: t(1) 12.7062, t(4) 2.7764, t(40) 2.0211, t(120) 1.9799 at 0.975.
        for (df, want) in [(1, 12.706_2), (4, 2.776_4), (40, 2.021_1), (120, 1.979_9)] {
            assert!((t_quantile(df, 0.975) - want).abs() < 1e-3, "t({df})");
        }
        assert!((z_quantile(0.975) - 1.959_964).abs() < 1e-5);
        assert!((z_cdf(1.959_964) - 0.975).abs() < 1e-6);
        // t(9) at 0.995 (a 99% interval): 3.2498.
        assert!((t_quantile(9, 0.995) - 3.249_8).abs() < 1e-3);
    }

    #[test]
    fn the_interval_by_hand() {
        // log ratios 0.1, 0.2, 0.3: mean 0.2, sd 0.1, half-width t(2) * 0.1 / sqrt(3).
        let r = ProcessRatio::descriptive(&[0.1, 0.2, 0.3]).expect("interval");
        let half = 4.302_653 * 0.1 / 3f64.sqrt();
        assert!((r.point - 0.2f64.exp()).abs() < 1e-12);
        assert!((r.lower - (0.2 - half).exp()).abs() < 1e-6, "{r:?}");
        assert!((r.upper - (0.2 + half).exp()).abs() < 1e-6, "{r:?}");
        assert!((r.lowest - 0.1f64.exp()).abs() < 1e-12);
        assert!((r.highest - 0.3f64.exp()).abs() < 1e-12);
        assert_eq!(r.processes, 3);
        assert!((r.log_sd - 0.1).abs() < 1e-12);
        assert_eq!(ProcessRatio::descriptive(&[0.1]), None);
        assert_eq!(ProcessRatio::descriptive(&[0.1, f64::NAN]), None);
        let same = ProcessRatio::of_log_ratios(&[0.0; 5], 3.0).expect("interval");
        assert_eq!((same.lower, same.point, same.upper), (1.0, 1.0, 1.0));
        assert_eq!(r.layouts, 3);
        let halved = r.scaled(2.0);
        assert!((halved.point - r.point / 2.0).abs() < 1e-12);
        assert!((halved.lowest - r.lowest / 2.0).abs() < 1e-12);
    }

    #[test]
    fn processes_of_one_layout_count_once() {
        let t = |k: usize| t_quantile(k - 1, 0.975);
        // Layout a: 0.1 and 0.3 (mean 0.2); b: 0.4; c: 0.0; unnamed (the run's one program):
        // 0.6. Layout means 0.2, 0.4, 0.0, 0.6: mean 0.3, sd 0.2582, half-width t(3) · sd / 2.
        let logs = [0.1, 0.4, 0.3, 0.0, 0.6];
        let layouts = [Some("a"), Some("b"), Some("a"), Some("c"), None];
        let r = ProcessRatio::over_layouts(&logs, &layouts, t).expect("interval");
        let sd = (0.2f64 / 3.0).sqrt();
        let half = 3.182_446 * sd / 2.0;
        assert!((r.point - 0.3f64.exp()).abs() < 1e-12, "{r:?}");
        assert!((r.lower - (0.3 - half).exp()).abs() < 1e-6, "{r:?}");
        assert!((r.upper - (0.3 + half).exp()).abs() < 1e-6, "{r:?}");
        assert!((r.log_sd - sd).abs() < 1e-12);
        let each = ProcessRatio::descriptive(&logs).expect("interval");
        assert!((r.process_log_sd - each.log_sd).abs() < 1e-12);
        assert_eq!((r.processes, r.layouts), (5, 4));
        // The single-build range is still the processes'.
        assert!((r.lowest - 1.0).abs() < 1e-12 && (r.highest - 0.6f64.exp()).abs() < 1e-12);
        // Unnamed processes are one layout, not one each.
        let unnamed = [Some("a"), Some("b"), Some("a"), None, None];
        let r = ProcessRatio::over_layouts(&logs, &unnamed, t).expect("interval");
        assert_eq!(r.layouts, 3);
        // A layout each: the interval over processes.
        let own = [Some("a"), Some("b"), Some("c"), Some("d"), None];
        assert_eq!(
            ProcessRatio::over_layouts(&logs, &own, t),
            ProcessRatio::descriptive(&logs)
        );
        // One build for every process: over the processes, as the build's luck is not in it.
        assert_eq!(
            ProcessRatio::over_layouts(&logs, &[Some("a"); 5], t),
            ProcessRatio::descriptive(&logs)
        );
        assert_eq!(ProcessRatio::over_layouts(&logs, &[None; 4], t), None);
    }
}
