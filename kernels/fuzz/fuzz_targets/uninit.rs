//! `uninit`: arbitrary bytes of any length at every offset, copied and lowercased.
#![no_main]

use kernels::Input;
use libfuzzer_sys::fuzz_target;
use unsafe_ledger_fuzz::{bytes_input, check_family};

fuzz_target!(|data: &[u8]| {
    let input = bytes_input(data);
    check_family("uninit", &input);
    check_family("uninit", &Input::new("lowercase", input.bytes(), 0));
});
