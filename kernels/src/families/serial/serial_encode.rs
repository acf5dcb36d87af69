//! Family `serial_encode`: records to bytes, with the output buffer reused across calls.

use std::borrow::Cow;

use super::inputs::Decoded;
use super::{Decode, Encode, Record, SERDE_REPRESENTABLE, digest, digest_owned, raw, safe};
use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Fixture, Input, RecordsRejected, Run, SharedOutput, Unit};

/// An encoder with the input's records decoded before timing and an output buffer reused
/// across runs (cleared, capacity kept), so the timed work is the encoding alone. The buffer is
/// the one every arm of the family writes (see [`SharedOutput`]).
struct EncodeFixture<'a> {
    /// The input's decoded records (an input made without them is decoded here).
    records: Result<Cow<'a, [Record]>, RecordsRejected>,
    out: SharedOutput<Vec<u8>>,
    encode: Encode,
    decode: Decode,
    failed: Option<RecordsRejected>,
}

impl<'a> EncodeFixture<'a> {
    fn boxed(input: &'a Input, encode: Encode, decode: Decode) -> Box<dyn Fixture + 'a> {
        let records = match input.workload::<Decoded>() {
            Some(Decoded(records)) => records.as_deref().map(Cow::Borrowed).map_err(|e| *e),
            None => safe::decode_le_fields(input.bytes())
                .map(Cow::Owned)
                .map_err(|e| e.rejected()),
        };
        Box::new(Self {
            records,
            out: SharedOutput::join(SERIAL_ENCODE.name),
            encode,
            decode,
            failed: None,
        })
    }
}

/// Encodes `records` into `out`, cleared first.
fn encode_into(encode: Encode, records: &[Record], out: &mut Vec<u8>) -> Option<RecordsRejected> {
    out.clear();
    encode(records, out).err().map(|e| e.rejected())
}

impl Fixture for EncodeFixture<'_> {
    fn run(&mut self) {
        if let Ok(records) = &self.records {
            self.failed = self.out.write(|out| encode_into(self.encode, records, out));
        }
    }

    /// Decodes the output with the format's own decoder: an encoder is right when its output
    /// reads back as the input's records.
    fn digest(&mut self) -> Digest {
        match (&self.records, &self.failed) {
            (Err(rejected), _) | (Ok(_), Some(rejected)) => digest(Err(*rejected)),
            (Ok(records), None) => self.out.read_own(
                |out| {
                    encode_into(self.encode, records, out);
                },
                |out| digest_owned((self.decode)(out)),
            ),
        }
    }

    /// The format's encoder, which `run` calls through this pointer.
    fn entry_point(&self) -> *const () {
        self.encode as *const ()
    }
}

/// The A/A control's encoder: `le_fields` compiled again, behind one opaque constant.
fn encode_le_fields_copy(records: &[Record], out: &mut Vec<u8>) -> Result<(), super::SerialError> {
    std::hint::black_box(crate::families::COPY_MARK);
    safe::encode_le_fields(records, out)
}

/// Family `serial_encode`.
pub static SERIAL_ENCODE: Family = Family {
    name: "serial_encode",
    title: "serialization: encode records",
    summary: "&[Record] to bytes: what a raw from_raw_parts byte view buys over bytemuck's \
              checked view, field-by-field to_le_bytes, and the serde formats. The output \
              buffer is reused across calls (cleared, capacity kept).",
    compares: "the output decoded by the format's own decoder: record count and a fold of \
               every field",
    variants: &[
        Variant::baseline(
            "serde_json",
            "serde_json::to_writer into the buffer",
            Run::fixture_requiring(
                |input| EncodeFixture::boxed(input, safe::encode_json, safe::decode_json),
                SERDE_REPRESENTABLE,
            ),
        ),
        Variant::baseline(
            "postcard",
            "postcard::to_extend (varint binary serde format) into the buffer",
            Run::fixture_requiring(
                |input| EncodeFixture::boxed(input, safe::encode_postcard, safe::decode_postcard),
                SERDE_REPRESENTABLE,
            ),
        ),
        Variant::safe(
            "le_fields",
            "field-by-field to_le_bytes into the pre-sized buffer: portable",
            Run::fixture(|input| {
                EncodeFixture::boxed(input, safe::encode_le_fields, safe::decode_le_fields)
            }),
        ),
        Variant::safe(
            "bytes_bytemuck",
            "bytemuck::cast_slice byte view (Pod checked at compile time), copied",
            Run::fixture(|input| {
                EncodeFixture::boxed(input, safe::encode_bytemuck, safe::decode_le_fields)
            }),
        ),
        Variant::with_unsafe(
            "bytes_raw",
            "slice::from_raw_parts(ptr as *const u8, size_of_val) byte view, copied",
            Unsafety::new(
                &[
                    "Record has no padding bytes (all of its bytes are initialised)",
                    "the byte view covers exactly the records' memory and does not outlive it",
                ],
                &[],
                super::RAW.code(&["pub fn encode_raw("]),
            ),
            Run::fixture(|input| {
                EncodeFixture::boxed(input, raw::encode_raw, safe::decode_le_fields)
            }),
        ),
    ],
    reference: "le_fields",
    reference_copy: Run::fixture(|input| {
        EncodeFixture::boxed(input, encode_le_fields_copy, safe::decode_le_fields)
    }),
    floor: crate::families::floor::Floor::Measured(&crate::families::floor::COPY_PASS),
    headline: ("trades", 1000),
    unit: Unit::Records,
    inputs: super::inputs::encode_specs,
    takes_files: false,
    spawns_threads: false,
    edge_cases: crate::family::no_edge_cases,
};
