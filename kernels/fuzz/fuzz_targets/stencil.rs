//! `stencil`: a signal of arbitrary `f32` samples read from the fuzzer's bytes, smoothed by
//! every variant into a buffer sized by the fixture.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unsafe_ledger_fuzz::{check_family, stencil_input};

fuzz_target!(|data: &[u8]| {
    check_family("stencil", &stencil_input(data));
});
