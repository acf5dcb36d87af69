//! `text`: arbitrary bytes, valid UTF-8 or not, at every offset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unsafe_ledger_fuzz::{bytes_input, check_family};

fuzz_target!(|data: &[u8]| check_family("text", &bytes_input(data)));
