//! The verdict rule: one place for its thresholds, and the text the site shows for it.

use serde::Serialize;

use crate::stats::Ratio;

/// An unsafe variant "pays" if it is at least this much faster than the best safe one...
pub const PAYS_MIN_SPEEDUP: f64 = 1.10;
/// ...and the lower end of the interval of its speedup is above this.
pub const PAYS_MIN_LOWER: f64 = 1.05;

/// What the unsafe variant buys at a family's headline input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Call {
    /// Clearly faster: worth its invariants.
    Pays,
    /// Faster, but by less than the rule asks for.
    Marginal,
    /// The interval contains 1: no measurable difference.
    NoGain,
    /// The best safe variant is faster.
    SafeWins,
}

impl Call {
    /// The verdict as the site shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pays => "pays",
            Self::Marginal => "marginal",
            Self::NoGain => "no gain",
            Self::SafeWins => "safe wins",
        }
    }
}

/// Applies the rule to the speedup of the best unsafe variant over the best safe one
/// (safe time / unsafe time, so above 1 means unsafe is faster).
pub fn classify(speedup: &Ratio) -> Call {
    if speedup.lower <= 1.0 && speedup.upper >= 1.0 {
        Call::NoGain
    } else if speedup.upper < 1.0 {
        Call::SafeWins
    } else if speedup.point >= PAYS_MIN_SPEEDUP && speedup.lower > PAYS_MIN_LOWER {
        Call::Pays
    } else {
        Call::Marginal
    }
}

/// The rule in words, with its thresholds, for the site.
pub fn rule_text() -> String {
    format!(
        "Speedup = median time of the best safe variant / median time of the best unsafe \
         variant, with a 95% percentile-bootstrap interval from criterion's raw samples. \
         pays: speedup ≥ {PAYS_MIN_SPEEDUP:.2} and the interval's lower end > {PAYS_MIN_LOWER:.2}; \
         no gain: the interval contains 1; safe wins: the whole interval is below 1; \
         marginal: faster, but short of the pays thresholds."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(point: f64, lower: f64, upper: f64) -> Ratio {
        Ratio {
            point,
            lower,
            upper,
        }
    }

    #[test]
    fn the_rule() {
        assert_eq!(classify(&ratio(1.5, 1.4, 1.6)), Call::Pays);
        assert_eq!(classify(&ratio(1.12, 1.04, 1.2)), Call::Marginal);
        assert_eq!(classify(&ratio(1.06, 1.02, 1.1)), Call::Marginal);
        assert_eq!(classify(&ratio(1.02, 0.99, 1.05)), Call::NoGain);
        assert_eq!(classify(&ratio(0.8, 0.7, 0.9)), Call::SafeWins);
        assert_eq!(classify(&ratio(1.0, 1.0, 1.0)), Call::NoGain);
    }
}
