//! `cast` and `cast_u64`: arbitrary bytes of any length at every offset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unsafe_ledger_fuzz::{bytes_input, check_family};

fuzz_target!(|data: &[u8]| {
    let input = bytes_input(data);
    check_family("cast", &input);
    check_family("cast_u64", &input);
});
