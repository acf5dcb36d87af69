//! `search`: a sorted table of up to 255 entries and queries on its scale, read from the
//! fuzzer's bytes and searched by every variant; then the same bytes as a table in any order,
//! which the unsafe searches must handle without leaving it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unsafe_ledger_fuzz::{check_family, check_search_any_order, search_input};

fuzz_target!(|data: &[u8]| {
    check_family("search", &search_input(data));
    check_search_any_order(data);
});
