//! On-disk (wire) formats, kept apart from the in-memory model so either can change without
//! silently changing the other. A crate of its own so that what measures (the `ledger`
//! collectors, the protocol engine) and what analyses (the report) share the formats without
//! either depending on the other.
//!
//! A results directory (one per host and architecture) holds:
//! - `provenance.json` ([`provenance::Provenance`]): where and how the results were measured;
//! - `catalog.json` ([`catalog::Catalog`]): the registry the results were measured with;
//! - `criterion/`: criterion's own output tree (`<group>/<function>/<value>/new/*.json`);
//! - `instructions/*.json` ([`instructions::InstructionFile`]): instructions per call, one file
//!   per architecture, counter and environment;
//! - `codegen/<arch>.json` ([`codegen::CodegenFile`]): the machine code each variant's timed
//!   call enters, disassembled from the binary the verdicts were measured with;
//! - `protocol/FAMILY/PHASE-N.jsonl` ([`rounds`]): every batch the verdict protocol timed, one
//!   file per family and process, screening and confirmation apart;
//! - `stages.json` ([`stages::Stages`]): which run of which stage (bench, aarch64) produced each
//!   of these files.
//!
//! Apart from the results directories, `target/ledger/soundness/soundness.json`
//! ([`soundness::SoundnessFile`]) holds what Miri and the sanitizers found.

pub mod catalog;
pub mod codegen;
pub mod criterion;
pub mod flow;
pub mod instructions;
pub mod provenance;
pub mod rounds;
pub mod soundness;
pub mod stages;
