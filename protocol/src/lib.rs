//! The verdict protocol, as a library the workbench and a user's own bench target share: the
//! engine that times arms in shuffled rounds inside a process ([`engine`]), the driver that runs
//! screening and then confirmation look by look across processes ([`driver`]), the reading of
//! the rounds those processes leave ([`rounds`], [`reading`]), and the rule the verdict is read
//! with ([`rule`], [`sequential`], [`interval`]).
//!
//! The report reads the same files through the same [`reading`] functions, so the verdict on
//! the site is the one the run stopped on. Nothing here depends on the kernels or the report.

pub mod driver;
pub mod engine;
pub mod interval;
pub mod reading;
pub mod rng;
pub mod rounds;
pub mod rule;
pub mod sequential;
pub mod spawn;
pub mod writer;
