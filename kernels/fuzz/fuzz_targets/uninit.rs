//! `uninit`: arbitrary bytes of any length at every offset, copied and lowercased; and
//! `uninit_read`: the same bytes decoded in chunks of 1 to 64 bytes, chosen by the first byte.
#![no_main]

use kernels::Input;
use libfuzzer_sys::fuzz_target;
use unsafe_ledger_fuzz::{bytes_input, check_family};

fuzz_target!(|data: &[u8]| {
    let input = bytes_input(data);
    check_family("uninit", &input);
    check_family("uninit", &Input::new("lowercase", input.bytes(), 0));
    let chunk = 1 + usize::from(data.first().copied().unwrap_or(0) % 64);
    let streamed = Input::new(format!("chunks-{chunk}"), input.bytes(), 0);
    check_family("uninit_read", &streamed);
});
