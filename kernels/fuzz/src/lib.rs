//! Differential fuzzing of the kernels: the same arbitrary input goes to every variant of a
//! family, and each must agree with the family's safe reference.
//!
//! An unsafe variant sees an input only after its preconditions were checked by safe code (the
//! registry's `bind`, e.g. UTF-8 validation before an unchecked conversion); a variant that
//! refuses an input must have declared the precondition it failed. A disagreement or a crash is
//! a finding: libFuzzer saves the input under `artifacts/`.

use kernels::families::dispatch::{Shapes, inputs as dispatch_inputs};
use kernels::families::index::{Lookups, inputs as index_inputs};
use kernels::families::pool::{ObjectKind, Workload, inputs as pool_inputs};
use kernels::families::search::{
    Searches, inputs as search_inputs, raw as search_raw, safe as search_safe,
};
use kernels::families::stencil::{Signal, inputs as stencil_inputs};
use kernels::{Input, family};

/// Runs every measured variant of `family_name` on `input` against the reference.
///
/// # Panics
///
/// On any disagreement, or a refusal without a declared precondition.
pub fn check_family(family_name: &str, input: &Input) {
    let Some(family) = family(family_name) else {
        panic!("no family `{family_name}` in the registry");
    };
    for variant in family.measured() {
        if let Err(e) = family.check(variant, input) {
            panic!("{}/{}: {e}", family.name, variant.name);
        }
    }
}

/// Bytes placed at an offset from 0 to 8 past an aligned address, chosen by the first byte, so
/// the fuzzer explores alignment as well as content.
pub fn bytes_input(data: &[u8]) -> Input {
    let (offset, bytes) = match data.split_first() {
        Some((first, rest)) => (usize::from(*first % 9), rest),
        None => (0, data),
    };
    Input::new("fuzz", bytes, offset)
}

/// A small pool workload read from the fuzzer's bytes: object kind, operation count (up to
/// 1,023) and worker count (1 or 2). The operations themselves follow from their count.
pub fn pool_input(data: &[u8]) -> Input {
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let object = if byte(0) & 1 == 0 {
        ObjectKind::Scratch
    } else {
        ObjectKind::Message
    };
    let workload = Workload {
        object,
        ops: usize::from(u16::from_le_bytes([byte(1), byte(2)]) & 0x03ff),
        threads: 1 + usize::from(byte(0) >> 1 & 1),
    };
    pool_inputs::input(object.as_str(), workload)
}

/// Lookups read from the fuzzer's bytes: the first byte is the table's length, the next that
/// many bytes its values, the rest the keys, one byte each. `None` when a key is out of bounds,
/// after checking that `Lookups::new` refused exactly the keys it should.
///
/// # Panics
///
/// If `Lookups::new` accepts a key out of bounds or refuses one in bounds.
pub fn index_input(data: &[u8]) -> Option<Input> {
    let (&len, rest) = data.split_first()?;
    let (values, keys) = rest.split_at(usize::from(len).min(rest.len()));
    let table: Vec<u32> = values.iter().map(|&v| u32::from(v) * 0x0101_0101).collect();
    let keys: Vec<u32> = keys.iter().map(|&k| u32::from(k)).collect();
    let first_out = keys.iter().position(|&k| k as usize >= table.len());
    match Lookups::new(table, keys) {
        Ok(lookups) => {
            assert_eq!(first_out, None, "Lookups::new accepted a key out of bounds");
            Some(index_inputs::input("fuzz", lookups))
        }
        Err(e) => {
            assert_eq!(Some(e.position), first_out, "Lookups::new refused {e}");
            None
        }
    }
}

/// Searches read from the fuzzer's bytes: the first byte is the table's length, the next that
/// many bytes the steps between its entries (so the table is sorted, with runs of equal
/// entries where a step is 0), the rest the queries, two little-endian bytes each, on the same
/// scale as the entries so that they hit, miss and fall between them.
pub fn search_input(data: &[u8]) -> Input {
    let (len, rest) = data.split_first().unwrap_or((&0, data));
    let (steps, queries) = rest.split_at(usize::from(*len).min(rest.len()));
    let table: Vec<u32> = steps
        .iter()
        .scan(0u32, |value, &step| {
            *value += u32::from(step);
            Some(*value)
        })
        .collect();
    let queries = queries
        .chunks_exact(2)
        .map(|c| u32::from(u16::from_le_bytes([c[0], c[1]])))
        .collect();
    match Searches::new(table, queries) {
        Ok(searches) => search_inputs::input("fuzz", searches),
        Err(e) => panic!("a running sum of steps was refused as unsorted: {e}"),
    }
}

/// The unsafe searches on a table in any order, read from the fuzzer's bytes as little-endian
/// `u32`s, with the query in the first four: their soundness does not rest on the order, so
/// each must stay in the table and follow the same path as the checked search.
///
/// # Panics
///
/// If an unsafe search answers differently from the checked one (an out-of-bounds read is a
/// crash under the sanitizer first).
pub fn check_search_any_order(data: &[u8]) {
    let mut words = data
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
    let query = words.next().unwrap_or(0);
    let table: Vec<u32> = words.collect();
    let checked = search_safe::lower_bound_branchless(&table, query);
    assert!(checked <= table.len());
    assert_eq!(
        search_raw::lower_bound_get_unchecked(&table, query),
        checked
    );
    assert_eq!(search_raw::lower_bound_ptr_add(&table, query), checked);
}

/// A signal read from the fuzzer's bytes, four little-endian bytes per sample (a tail of fewer
/// is ignored). A NaN becomes 0: which NaN payload an addition propagates depends on its
/// operands' order, which the compiler may swap, and the family compares values, not payloads.
pub fn stencil_input(data: &[u8]) -> Input {
    let samples = data
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .map(|x| if x.is_nan() { 0.0 } else { x })
        .collect();
    stencil_inputs::input("fuzz", Signal(samples))
}

/// Shapes read from the fuzzer's bytes, five per shape: its type (the first byte modulo 5) and
/// two 16-bit sizes. The tail that does not fill a shape is ignored.
pub fn dispatch_input(data: &[u8]) -> Input {
    let shapes = data
        .chunks_exact(5)
        .map(|c| {
            let a = u32::from(u16::from_le_bytes([c[1], c[2]]));
            let b = u32::from(u16::from_le_bytes([c[3], c[4]]));
            dispatch_inputs::shape_of(c[0], a, b)
        })
        .collect();
    dispatch_inputs::input("fuzz", Shapes(shapes))
}
