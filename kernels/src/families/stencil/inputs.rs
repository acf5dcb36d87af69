//! Stencil inputs: shape `signal` is `f32` samples in [-1, 1), sizes in bytes from 4 KiB
//! (L1-resident) to 16 MiB (beyond the last-level cache).

use super::Signal;
use crate::generate::Rng;
use crate::{Input, InputName, InputSpec};

/// The sizes of the signal, in bytes.
pub const SIZES: [usize; 4] = [4 << 10, 64 << 10, 1 << 20, 16 << 20];

/// `samples` pseudo-random samples in [-1, 1), exactly representable (24-bit fractions).
pub fn generate(samples: usize) -> Signal {
    let mut rng = Rng::new(&format!("stencil/{samples}"));
    Signal(
        (0..samples)
            .map(|_| (rng.next_u64() >> 40) as f32 / (1u32 << 23) as f32 - 1.0)
            .collect(),
    )
}

/// The input carrying `signal` under `shape`, sized in bytes.
pub fn input(shape: &str, signal: Signal) -> Input {
    let bytes = std::mem::size_of_val(&signal.0[..]);
    Input::of_workload(InputName::new(shape, bytes), signal)
}

/// The signal at every size.
pub fn specs() -> Vec<InputSpec> {
    SIZES
        .iter()
        .map(|&bytes| {
            InputSpec::new(InputName::new("signal", bytes), move || {
                input("signal", generate(bytes / size_of::<f32>()))
            })
        })
        .collect()
}

/// Short signals at the edges, for the checkers (Miri, AddressSanitizer) and the tests: no
/// samples, too few for one window, exactly one window, and lengths around a vector's width
/// (4, 8 and 16 lanes) so that the tail after a vectorised loop is covered; values include
/// zero, the extremes of `f32` and subnormals.
pub fn edge_cases() -> Vec<Input> {
    let special = [
        0.0,
        -0.0,
        1.0,
        f32::MAX,
        f32::MIN,
        f32::MIN_POSITIVE,
        1.0e-40,
        -3.5,
    ];
    [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 18, 33]
        .into_iter()
        .map(|len| {
            let samples = (0..len).map(|i| special[i % special.len()]).collect();
            input("edge", Signal(samples))
        })
        .collect()
}
