//! Your own unsafe, measured the way the workbench measures its kernels.
//!
//! Add this crate as a dev-dependency, declare a bench target with `harness = false`, and give
//! its `main` the comparisons: the inputs, the safe implementations and the unchecked ones (one
//! signature, `Fn(&I) -> O`), and what an unchecked one requires of its input. Then
//! `ledger pair --manifest-path PATH --bench NAME` builds the target once per code layout and
//! runs it: every implementation is checked against the first safe one on every input, then
//! screening picks the fastest of each side and confirmation times that pair, the reference's
//! copy (must read 1x) and the reference doing its work twice (must read 2x), process after
//! process, until the call is decided or the cap is reached. `cargo bench --bench NAME` runs
//! the same protocol on the one build cargo made.
//!
//! The timing, the sequential rule and the reading of the rounds are the workbench's own
//! ([`protocol`]); this crate only binds a user's functions to them. It holds no unsafe code.

mod args;
mod comparison;
mod declared;
mod runner;

pub use comparison::Comparison;
pub use runner::{Comparisons, HANDSHAKE};
