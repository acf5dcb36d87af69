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
pub mod serial_decode;
pub mod serial_encode;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Digest, Precondition, RecordFold, RecordsRejected};

/// This family's unsafe code, where its unsafe variants' items are counted.
const RAW: crate::unsafe_code::RawFile = crate::unsafe_code::raw_file!("serial");

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
