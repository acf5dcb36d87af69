//! Tests of the `index`, `stencil`, `search`, `uninit` and `dispatch` families, one module each, in one test binary:
//! each binary costs the test command a link natively and a start-up under Miri.

#[path = "../common/mod.rs"]
mod common;

mod dispatch;
mod index;
mod search;
mod stencil;
mod uninit;
