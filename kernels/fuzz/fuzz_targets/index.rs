//! `index`: a table of up to 255 values and keys into it, read from the fuzzer's bytes. Keys
//! out of bounds are refused by `Lookups::new` and must never reach a variant.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unsafe_ledger_fuzz::{check_family, index_input};

fuzz_target!(|data: &[u8]| {
    if let Some(input) = index_input(data) {
        check_family("index", &input);
    }
});
