//! Tests of the `index`, `stencil`, `uninit` and `dispatch` families, one module each, in one test binary:
//! each binary costs the test command a link natively and a start-up under Miri.

#[path = "../common/mod.rs"]
mod common;

mod dispatch;
mod index;
mod stencil;
mod uninit;
