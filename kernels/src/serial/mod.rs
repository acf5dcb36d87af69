//! Families `serial_encode` and `serial_decode`: serialization of fixed-layout records.
//!
//! A `#[repr(C)]` record with explicit padding is plain old data, so its bytes can be written
//! and read without a per-field encoder: a raw byte view (`slice::from_raw_parts`) is the
//! classic unsafe shortcut. The families measure it beside bytemuck's checked views, the
//! portable field-by-field `to_le_bytes`/`from_le_bytes` code, and the serde formats most
//! programs use (JSON, postcard), for writing records out and for reading them back in.
//!
//! Every decoder is followed by the same consumer, a fold over every field of every record, so
//! a zero-copy view (free to obtain) and a copying decoder (which pays for the copy) are compared
//! on what a caller gets done with the records, not on the cost of obtaining a pointer.
//!
//! The byte layout is little-endian; the raw and bytemuck paths write native order, so the
//! family is defined for little-endian targets only (x86_64, aarch64).

pub mod inputs;
pub mod raw;
pub mod safe;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::registry::{Family, Kind, Variant};
use crate::unsafe_code::UnsafeCode;
use crate::{Digest, Fixture, Input, Precondition, RecordFold, RecordsRejected, Run, Unit};

#[cfg(target_endian = "big")]
compile_error!("the serial families define their byte layout as the little-endian in-memory one");

/// One trade: plain old data, 24 bytes, no implicit padding, every bit pattern valid.
#[repr(C)]
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    bytemuck::Pod,
    bytemuck::Zeroable,
    Serialize,
    Deserialize,
)]
pub struct Record {
    /// Nanoseconds since the Unix epoch.
    pub timestamp: u64,
    /// Price per unit.
    pub price: f64,
    /// Units traded.
    pub quantity: u32,
    /// 0 for buy, 1 for sell (any byte is representable).
    pub side: u8,
    /// Explicit padding so the struct has no uninitialised bytes; the serde formats omit it.
    #[serde(skip)]
    pub padding: [u8; 3],
}

/// Size of one encoded record.
pub const RECORD_SIZE: usize = size_of::<Record>();
const _: () = assert!(RECORD_SIZE == 24 && align_of::<Record>() == 8);

/// The consumer every decoder feeds: wrapping sums of every field (padding included, so every
/// byte-level decoder must agree on every byte), mixed into one word.
pub fn fold(records: impl IntoIterator<Item = Record>) -> RecordFold {
    let (mut count, mut time, mut price, mut quantity, mut rest) = (0, 0u64, 0u64, 0u64, 0u64);
    for r in records {
        count += 1;
        time = time.wrapping_add(r.timestamp);
        price = price.wrapping_add(r.price.to_bits());
        quantity = quantity.wrapping_add(u64::from(r.quantity));
        let [p0, p1, p2] = r.padding;
        rest = rest.wrapping_add(u64::from_le_bytes([r.side, p0, p1, p2, 0, 0, 0, 0]));
    }
    RecordFold {
        count,
        fold: time ^ price.rotate_left(17) ^ quantity.rotate_left(31) ^ rest.rotate_left(47),
    }
}

/// Why records could not be encoded or decoded.
#[derive(Debug)]
pub enum SerialError {
    /// The bytes are not records: wrong length, or misaligned where a view was asked for.
    Rejected(RecordsRejected),
    /// serde_json refused the document.
    Json(serde_json::Error),
    /// postcard refused the document.
    Postcard(postcard::Error),
    /// A document decoded, with bytes left over after it.
    Trailing {
        /// How many bytes were left.
        bytes: usize,
    },
}

impl SerialError {
    /// The reason in the form every decoder agrees on.
    pub fn rejected(&self) -> RecordsRejected {
        match self {
            Self::Rejected(r) => *r,
            Self::Json(_) | Self::Postcard(_) | Self::Trailing { .. } => RecordsRejected::Malformed,
        }
    }
}

impl fmt::Display for SerialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected(r) => r.fmt(f),
            Self::Json(e) => write!(f, "not a JSON array of records: {e}"),
            Self::Postcard(e) => write!(f, "not a postcard sequence of records: {e}"),
            Self::Trailing { bytes } => write!(f, "{bytes} bytes left after the records"),
        }
    }
}

impl std::error::Error for SerialError {}

impl From<RecordsRejected> for SerialError {
    fn from(r: RecordsRejected) -> Self {
        Self::Rejected(r)
    }
}

/// The error for `len` bytes that are not whole records, if they are not.
pub fn check_whole(len: usize) -> Result<usize, RecordsRejected> {
    if len.is_multiple_of(RECORD_SIZE) {
        Ok(len / RECORD_SIZE)
    } else {
        Err(RecordsRejected::WrongLength {
            len,
            record_size: RECORD_SIZE,
        })
    }
}

fn digest(result: Result<RecordFold, RecordsRejected>) -> Digest {
    Digest::Records(result)
}

fn digest_owned(result: Result<Vec<Record>, SerialError>) -> Digest {
    digest(result.map(fold).map_err(|e| e.rejected()))
}

/// A record encoder: appends the encoding of `records` to `out`.
type Encode = fn(&[Record], &mut Vec<u8>) -> Result<(), SerialError>;
/// A decoder of a whole document into owned records.
type Decode = fn(&[u8]) -> Result<Vec<Record>, SerialError>;

/// An encoder with the input's records decoded before timing and an output buffer reused
/// across runs (cleared, capacity kept), so the timed work is the encoding alone.
struct EncodeFixture {
    records: Result<Vec<Record>, RecordsRejected>,
    out: Vec<u8>,
    encode: Encode,
    decode: Decode,
    failed: Option<RecordsRejected>,
}

impl EncodeFixture {
    fn boxed(input: &Input, encode: Encode, decode: Decode) -> Box<dyn Fixture + '_> {
        Box::new(Self {
            records: safe::decode_le_fields(input.bytes()).map_err(|e| e.rejected()),
            out: Vec::new(),
            encode,
            decode,
            failed: None,
        })
    }
}

impl Fixture for EncodeFixture {
    fn run(&mut self) {
        if let Ok(records) = &self.records {
            self.out.clear();
            self.failed = (self.encode)(records, &mut self.out)
                .err()
                .map(|e| e.rejected());
        }
    }

    /// Decodes the output with the format's own decoder: an encoder is right when its output
    /// reads back as the input's records.
    fn digest(&mut self) -> Digest {
        match (&self.records, &self.failed) {
            (Err(rejected), _) | (Ok(_), Some(rejected)) => digest(Err(*rejected)),
            (Ok(_), None) => digest_owned((self.decode)(&self.out)),
        }
    }
}

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
}

/// What the serde formats can carry: a record's padding is not serialized, and JSON has no
/// NaN or infinity. Bytes that are not whole records pass: every variant rejects them alike.
const SERDE_REPRESENTABLE: &[Precondition] = &[Precondition::Holds {
    fact: "records have zero padding and finite prices (what JSON and postcard carry)",
    check: safe::check_serde_representable,
}];

/// Alignment of a record, for the views that need it.
pub const ALIGNED: &[Precondition] = &[Precondition::AlignedFor {
    align: align_of::<Record>(),
    type_name: "Record",
}];

const VIEW_INVARIANTS: &[&str] = &[
    "the first byte is aligned for Record (8 bytes)",
    "the length is a whole number of records (checked)",
    "Record is plain old data: no padding bytes, every bit pattern valid",
    "the view does not outlive the borrowed bytes",
];

/// Family `serial_encode`.
pub static ENCODE: Family = Family {
    name: "serial_encode",
    title: "serialization: encode records",
    summary: "&[Record] to bytes: what a raw from_raw_parts byte view buys over bytemuck's \
              checked view, field-by-field to_le_bytes, and the serde formats. The output \
              buffer is reused across calls (cleared, capacity kept).",
    compares: "the output decoded by the format's own decoder: record count and a fold of \
               every field",
    variants: &[
        Variant {
            name: "serde_json",
            kind: Kind::Baseline,
            description: "serde_json::to_writer into the buffer",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture_requiring(
                |input| EncodeFixture::boxed(input, safe::encode_json, safe::decode_json),
                SERDE_REPRESENTABLE,
            ),
        },
        Variant {
            name: "postcard",
            kind: Kind::Baseline,
            description: "postcard::to_extend (varint binary serde format) into the buffer",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture_requiring(
                |input| EncodeFixture::boxed(input, safe::encode_postcard, safe::decode_postcard),
                SERDE_REPRESENTABLE,
            ),
        },
        Variant {
            name: "le_fields",
            kind: Kind::Safe,
            description: "field-by-field to_le_bytes into the pre-sized buffer: portable",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture(|input| {
                EncodeFixture::boxed(input, safe::encode_le_fields, safe::decode_le_fields)
            }),
        },
        Variant {
            name: "bytes_bytemuck",
            kind: Kind::Safe,
            description: "bytemuck::cast_slice byte view (Pod checked at compile time), copied",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture(|input| {
                EncodeFixture::boxed(input, safe::encode_bytemuck, safe::decode_le_fields)
            }),
        },
        Variant {
            name: "bytes_raw",
            kind: Kind::Unsafe,
            description: "slice::from_raw_parts(ptr as *const u8, size_of_val) byte view, copied",
            invariants: &[
                "Record has no padding bytes (all of its bytes are initialised)",
                "the byte view covers exactly the records' memory and does not outlive it",
            ],
            skips: &[],
            unsafe_code: Some(
                const {
                    UnsafeCode::counted(
                        "kernels/src/serial/raw.rs",
                        include_str!("raw.rs"),
                        &["pub fn encode_raw("],
                    )
                },
            ),
            run: Run::fixture(|input| {
                EncodeFixture::boxed(input, raw::encode_raw, safe::decode_le_fields)
            }),
        },
    ],
    reference: "le_fields",
    floor: None,
    headline: ("trades", 1000),
    unit: Unit::Records,
    inputs: inputs::encode_specs,
    takes_files: false,
};

/// Family `serial_decode`.
pub static DECODE: Family = Family {
    name: "serial_decode",
    title: "serialization: decode records",
    summary: "Bytes to records, then one pass over every field: what a raw zero-copy view and \
              raw unaligned reads buy over bytemuck's checked view and reads, copying decoders, \
              and the serde formats, on aligned and misaligned buffers.",
    compares: "record count and a fold of every field, or why the bytes are not records",
    variants: &[
        Variant {
            name: "serde_json",
            kind: Kind::Baseline,
            description: "serde_json::from_slice into a Vec (fed the records as JSON)",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture_requiring(
                |input| FormatDecodeFixture::boxed(input, safe::encode_json, safe::decode_json),
                SERDE_REPRESENTABLE,
            ),
        },
        Variant {
            name: "postcard",
            kind: Kind::Baseline,
            description: "postcard::from_bytes into a Vec (fed the records as postcard)",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::fixture_requiring(
                |input| {
                    FormatDecodeFixture::boxed(input, safe::encode_postcard, safe::decode_postcard)
                },
                SERDE_REPRESENTABLE,
            ),
        },
        Variant {
            name: "le_fields",
            kind: Kind::Safe,
            description: "chunks_exact + from_le_bytes per field into a Vec: portable, any address",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::borrow(|b| digest_owned(safe::decode_le_fields(b))),
        },
        Variant {
            name: "pod_collect_to_vec",
            kind: Kind::Safe,
            description: "bytemuck::pod_collect_to_vec: one copy into an aligned Vec, any address",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::borrow(|b| digest_owned(safe::decode_pod_collect(b))),
        },
        Variant {
            name: "pod_read_unaligned",
            kind: Kind::Safe,
            description: "chunks_exact + bytemuck::pod_read_unaligned, read in place, any address",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::borrow(|b| digest(safe::fold_pod_read_unaligned(b))),
        },
        Variant {
            name: "view_bytemuck",
            kind: Kind::Safe,
            description: "bytemuck::try_cast_slice zero-copy view (alignment and length checked)",
            invariants: &[],
            skips: &[],
            unsafe_code: None,
            run: Run::borrow_requiring(
                |b| digest(safe::view_bytemuck(b).map(|r| fold(r.iter().copied()))),
                ALIGNED,
            ),
        },
        Variant {
            name: "view_raw",
            kind: Kind::Unsafe,
            description: "slice::from_raw_parts(ptr as *const Record, n) zero-copy view: aligned \
                          input only",
            invariants: VIEW_INVARIANTS,
            skips: &["the alignment check (bytemuck does it once per slice)"],
            unsafe_code: Some(
                const {
                    UnsafeCode::counted(
                        "kernels/src/serial/raw.rs",
                        include_str!("raw.rs"),
                        &["pub unsafe fn view_raw_unchecked("],
                    )
                },
            ),
            run: raw::view_raw_run(),
        },
        Variant {
            name: "read_unaligned_raw",
            kind: Kind::Unsafe,
            description: "raw pointer loop of ptr::read_unaligned::<Record>, read in place, any \
                          address",
            invariants: &[
                "every read lies inside the byte slice (whole records, checked)",
                "Record is plain old data: every bit pattern valid",
            ],
            skips: &[],
            unsafe_code: Some(
                const {
                    UnsafeCode::counted(
                        "kernels/src/serial/raw.rs",
                        include_str!("raw.rs"),
                        &["pub fn fold_read_unaligned("],
                    )
                },
            ),
            run: Run::borrow(|b| digest(raw::fold_read_unaligned(b))),
        },
    ],
    reference: "le_fields",
    floor: None,
    headline: ("aligned", 1000),
    unit: Unit::Records,
    inputs: inputs::decode_specs,
    takes_files: false,
};
