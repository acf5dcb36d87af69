//! `dispatch`: a sequence of shapes read from the fuzzer's bytes, five bytes per shape.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unsafe_ledger_fuzz::{check_family, dispatch_input};

fuzz_target!(|data: &[u8]| {
    check_family("dispatch", &dispatch_input(data));
});
