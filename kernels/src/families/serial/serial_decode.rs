//! Family `serial_decode`: bytes to records, then one pass over every field.

use super::{ALIGNED, Decode, Encode, SERDE_REPRESENTABLE, digest, digest_owned, fold, raw, safe};
use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Fixture, Input, RecordsRejected, Run, Unit};

/// A serde decoder fed the input's records re-encoded in its own format before timing.
struct FormatDecodeFixture {
    document: Result<Vec<u8>, RecordsRejected>,
    decode: Decode,
    last: Digest,
}

impl FormatDecodeFixture {
    fn boxed(input: &Input, encode: Encode, decode: Decode) -> Box<dyn Fixture + '_> {
        let document = safe::decode_le_fields(input.bytes()).and_then(|records| {
            let mut document = Vec::new();
            encode(&records, &mut document).map(|()| document)
        });
        Box::new(Self {
            document: document.map_err(|e| e.rejected()),
            decode,
            last: digest(Err(RecordsRejected::Malformed)),
        })
    }
}

impl Fixture for FormatDecodeFixture {
    fn run(&mut self) {
        self.last = match &self.document {
            Ok(document) => digest_owned((self.decode)(document)),
            Err(rejected) => digest(Err(*rejected)),
        };
    }

    fn digest(&mut self) -> Digest {
        self.last
    }

    /// The format's decoder, which `run` calls through this pointer.
    fn entry_point(&self) -> *const () {
        self.decode as *const ()
    }
}

const VIEW_INVARIANTS: &[&str] = &[
    "the first byte is aligned for Record (8 bytes)",
    "the length is a whole number of records (checked)",
    "Record is plain old data: no padding bytes, every bit pattern valid",
    "the view does not outlive the borrowed bytes",
];

/// Family `serial_decode`.
pub static SERIAL_DECODE: Family = Family {
    name: "serial_decode",
    title: "serialization: decode records",
    summary: "Bytes to records, then one pass over every field: what a raw zero-copy view and \
              raw unaligned reads buy over bytemuck's checked view and reads, copying decoders, \
              and the serde formats, on aligned and misaligned buffers.",
    compares: "record count and a fold of every field, or why the bytes are not records",
    variants: &[
        Variant::baseline(
            "serde_json",
            "serde_json::from_slice into a Vec (fed the records as JSON)",
            Run::fixture_requiring(
                |input| FormatDecodeFixture::boxed(input, safe::encode_json, safe::decode_json),
                SERDE_REPRESENTABLE,
            ),
        ),
        Variant::baseline(
            "postcard",
            "postcard::from_bytes into a Vec (fed the records as postcard)",
            Run::fixture_requiring(
                |input| {
                    FormatDecodeFixture::boxed(input, safe::encode_postcard, safe::decode_postcard)
                },
                SERDE_REPRESENTABLE,
            ),
        ),
        Variant::safe(
            "le_fields",
            "chunks_exact + from_le_bytes per field into a Vec: portable, any address",
            Run::borrow(|b| digest_owned(safe::decode_le_fields(b))),
        ),
        Variant::safe(
            "pod_collect_to_vec",
            "bytemuck::pod_collect_to_vec: one copy into an aligned Vec, any address",
            Run::borrow(|b| digest_owned(safe::decode_pod_collect(b))),
        ),
        Variant::safe(
            "pod_read_unaligned",
            "chunks_exact + bytemuck::pod_read_unaligned, read in place, any address",
            Run::borrow(|b| digest(safe::fold_pod_read_unaligned(b))),
        ),
        Variant::safe(
            "view_bytemuck",
            "bytemuck::try_cast_slice zero-copy view (alignment and length checked)",
            Run::borrow_requiring(
                |b| digest(safe::view_bytemuck(b).map(|r| fold(r.iter().copied()))),
                ALIGNED,
            ),
        ),
        Variant::with_unsafe(
            "view_raw",
            "slice::from_raw_parts(ptr as *const Record, n) zero-copy view: aligned \
                          input only",
            Unsafety::new(
                VIEW_INVARIANTS,
                &["the alignment check (bytemuck does it once per slice)"],
                super::RAW.code(&["pub unsafe fn view_raw_unchecked("]),
            ),
            raw::view_raw_run(),
        ),
        Variant::with_unsafe(
            "read_unaligned_raw",
            "raw pointer loop of ptr::read_unaligned::<Record>, read in place, any \
                          address",
            Unsafety::new(
                &[
                    "every read lies inside the byte slice (whole records, checked)",
                    "Record is plain old data: every bit pattern valid",
                ],
                &[],
                super::RAW.code(&["pub fn fold_read_unaligned("]),
            ),
            Run::borrow(|b| digest(raw::fold_read_unaligned(b))),
        ),
    ],
    reference: "le_fields",
    reference_copy: Run::borrow(|b| {
        std::hint::black_box(crate::families::COPY_MARK);
        digest_owned(safe::decode_le_fields(b))
    }),
    floor: crate::families::floor::Floor::Measured(&crate::families::floor::READ_PASS),
    headline: ("aligned", 1000),
    unit: Unit::Records,
    inputs: super::inputs::decode_specs,
    takes_files: false,
    spawns_threads: false,
    edge_cases: crate::family::no_edge_cases,
};
