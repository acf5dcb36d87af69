//! Variants that need state prepared before timing: a pool to reuse, a thread pool to run on,
//! records to encode, a document in another format to decode.
//!
//! A byte variant is a plain function of the input's bytes. A fixture variant instead builds a
//! [`Fixture`] from the input, outside the timed region; the timed call is [`Fixture::run`],
//! and the result is reduced to a [`Digest`] afterwards, also outside timing, so that checking an
//! encoder's output (by decoding it) costs the measurement nothing.

use crate::Digest;

/// State built from one input by one variant, run any number of times.
pub trait Fixture {
    /// Does the variant's work once. State kept between runs (a warmed pool, a reused output
    /// buffer) is the steady state a real program would see.
    fn run(&mut self);

    /// The result of the latest run, reduced outside timing (call after `run`).
    fn digest(&mut self) -> Digest;

    /// The address of the function that does the variant's work, whose machine code the
    /// codegen evidence shows: by default this fixture's [`Fixture::run`]. A fixture whose `run`
    /// only calls the variant's function through a pointer it holds returns that pointer, so
    /// that the code shown is the work, not the call to it. The address is never called.
    fn entry_point(&self) -> *const () {
        <Self as Fixture>::run as fn(&mut Self) as *const ()
    }
}
