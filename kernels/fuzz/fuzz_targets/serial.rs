//! `serial_encode` and `serial_decode`: arbitrary bytes as records, whole or not, at every
//! offset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unsafe_ledger_fuzz::{bytes_input, check_family};

fuzz_target!(|data: &[u8]| {
    let input = bytes_input(data);
    check_family("serial_encode", &input);
    check_family("serial_decode", &input);
});
