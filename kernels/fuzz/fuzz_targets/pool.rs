//! `pool` and `pool_rayon`: small workloads of either object kind on one or two workers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unsafe_ledger_fuzz::{check_family, pool_input};

fuzz_target!(|data: &[u8]| {
    let input = pool_input(data);
    check_family("pool", &input);
    check_family("pool_rayon", &input);
});
