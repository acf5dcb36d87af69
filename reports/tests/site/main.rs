//! The report built from real criterion output (a trimmed copy of one run, under
//! `tests/fixtures/`), and from corrupted copies of it: every problem is named on the site,
//! nothing panics, and the output directory is replaced whole.

mod catalog;
mod codegen;
mod criterion;
mod instructions;
mod pages;
mod protocol;
mod soundness;
mod support;
