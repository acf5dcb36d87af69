//! Serial inputs: a deterministic stream of trades, stored as their little-endian bytes and
//! named by record count. Decoders see the bytes at each misalignment; encoders get the records
//! back before timing, decoded once per input.

use super::{Record, safe};
use crate::families::cast::inputs::shape_name;
use crate::generate::Rng;
use crate::{Input, InputName, InputSpec, RecordsRejected, Unit};

/// Record counts every serial input is generated at.
pub const COUNTS: [usize; 4] = [1, 16, 1_000, 64_000];

/// Misalignments of the decoder inputs: +4 is aligned for `u32` fields but not for the record.
pub const OFFSETS: [usize; 3] = [0, 1, 4];

/// `count` plausible trades: rising timestamps, prices in cents, both sides.
pub fn records(count: usize) -> Vec<Record> {
    let mut rng = Rng::new("serial");
    let mut timestamp = 1_750_000_000_000_000_000u64;
    (0..count)
        .map(|_| {
            timestamp += 1 + rng.next_u64() % 1_000_000;
            Record {
                timestamp,
                price: (10_000 + rng.below(990_000)) as f64 / 100.0,
                quantity: 1 + (rng.next_u64() % 10_000) as u32,
                side: (rng.next_u64() & 1) as u8,
                padding: [0; 3],
            }
        })
        .collect()
}

/// The little-endian bytes of `count` generated records.
pub fn bytes(count: usize) -> Vec<u8> {
    let mut out = Vec::new();
    match safe::encode_le_fields(&records(count), &mut out) {
        Ok(()) => out,
        Err(e) => unreachable!("encoding into a Vec cannot fail: {e}"),
    }
}

fn spec(shape: String, count: usize, offset: usize) -> InputSpec {
    let name = InputName::counted(shape, count, Unit::Records);
    InputSpec::new(name.clone(), move || {
        Input::named(name.clone(), &bytes(count), offset)
    })
}

/// The records of an encoder input, decoded from its bytes once when the input is made: every
/// encoder of one input reads the same records, in the same memory.
pub struct Decoded(pub Result<Vec<Record>, RecordsRejected>);

/// The encoder inputs: `trades` at every count, with their records decoded.
pub fn encode_specs() -> Vec<InputSpec> {
    COUNTS
        .iter()
        .map(|&count| {
            let name = InputName::counted("trades", count, Unit::Records);
            InputSpec::new(name.clone(), move || {
                let bytes = bytes(count);
                let records = safe::decode_le_fields(&bytes).map_err(|e| e.rejected());
                Input::named(name.clone(), &bytes, 0).with_workload(Decoded(records))
            })
        })
        .collect()
}

/// The decoder inputs: every count at every offset.
pub fn decode_specs() -> Vec<InputSpec> {
    COUNTS
        .iter()
        .flat_map(|&count| {
            OFFSETS
                .iter()
                .map(move |&offset| spec(shape_name(offset), count, offset))
        })
        .collect()
}
