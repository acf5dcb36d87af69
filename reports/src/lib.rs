//! The report generator of unsafe-ledger: raw results on disk in, a self-contained site out.
//!
//! Data flows one way, through typed stages: [`wire`] holds the on-disk formats that the
//! measuring stages write and this crate reads. The report never runs a benchmark.

pub mod wire;
