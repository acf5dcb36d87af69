//! The verdict rule as the site states it. The rule itself (margin, calls, control bands, the
//! sequential boundaries) is the protocol crate's, the one the run stopped on; this module
//! re-exports it and puts it into words.

pub use protocol::rule::{
    CONTROL_BAND, Call, ControlState, MARGIN, POWER, classify, processes_needed, read_control,
};
pub use protocol::sequential::ALPHA;

/// The rule in words, with its margin and bands, for the site.
pub fn rule_text() -> String {
    let pct = MARGIN * 100.0;
    format!(
        "Two phases. Screening times every candidate of a family in a few fresh processes \
         (rounds of one calibrated batch of every arm, in a freshly shuffled order), more while \
         a candidate is neither clearly slower than its side's fastest nor within 1.5% of it, \
         and picks the fastest safe and the fastest like-for-like unsafe variant; its data picks \
         and never judges, and the family page shows its ratios as descriptive. Confirmation times only \
         that pair, the reference and two controls, in fresh processes added look by look until \
         the call is made or a cap is reached; process k of every family runs before process \
         k+1 of any. Each process runs its own build: its own link order of a build with no \
         loop-alignment flags, so where a hot loop falls against cache lines and fetch blocks \
         differs between processes as it does between users' builds, and that luck widens the \
         interval instead of deciding the call; each arm's state also lands at a random heap \
         offset. Speedup = the process's mean time of the safe variant / of the unsafe one; the \
         interval is over the processes' log speedups (the process is the unit of \
         replication; where processes share a build, over the builds' means), a repeated \
         confidence interval with a Pocock boundary: every look uses the same nominal level, set so that the intervals of all planned looks together miss \
         the true ratio with at most {alpha:.0}%, so stopping at any look keeps that error rate. \
         With a practical margin of {pct:.0}%: pays when the whole interval is above {:.2}; safe \
         wins when it is below {:.3}; equivalent when it lies inside [{:.3}, {:.2}]; \
         inconclusive otherwise, with the processes that would decide it with {power:.0}% power. \
         Beside the interval, the range of single processes: a user's binary has one layout, and \
         can land anywhere in it. Controls calibrate each run: a separately compiled copy of the \
         reference must read 1x, and the reference doing its work twice 2x. A control whose \
         interval is clear of a ±{band:.0}% band around its target is biased, and marks the \
         verdict unreliable; one that covers the band but reaches past the margin is imprecise \
         and asks for more processes, not a fault. A variant that skips work the safe code does \
         is never the headline; its saving is shown as conditional on that work being done \
         elsewhere.",
        1.0 + MARGIN,
        1.0 / (1.0 + MARGIN),
        1.0 / (1.0 + MARGIN),
        1.0 + MARGIN,
        alpha = ALPHA * 100.0,
        power = POWER * 100.0,
        band = CONTROL_BAND * 100.0,
    )
}
