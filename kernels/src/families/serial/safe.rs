//! The safe encoders and decoders: bytemuck's checked views and reads, portable field-by-field
//! code, and the serde formats.

use super::{RECORD_SIZE, Record, SerialError, check_whole, fold};
use crate::{RecordFold, RecordsRejected};

/// Appends the records' bytes through bytemuck's byte view (sound because `Record: Pod`,
/// checked at compile time by the derive).
pub fn encode_bytemuck(records: &[Record], out: &mut Vec<u8>) -> Result<(), SerialError> {
    out.extend_from_slice(bytemuck::cast_slice(records));
    Ok(())
}

/// Appends each record field by field, little-endian, into a buffer sized once.
pub fn encode_le_fields(records: &[Record], out: &mut Vec<u8>) -> Result<(), SerialError> {
    out.reserve(size_of_val(records));
    for r in records {
        let mut bytes = [0u8; RECORD_SIZE];
        bytes[0..8].copy_from_slice(&r.timestamp.to_le_bytes());
        bytes[8..16].copy_from_slice(&r.price.to_le_bytes());
        bytes[16..20].copy_from_slice(&r.quantity.to_le_bytes());
        bytes[20] = r.side;
        bytes[21..24].copy_from_slice(&r.padding);
        out.extend_from_slice(&bytes);
    }
    Ok(())
}

/// Appends the records as a JSON array.
pub fn encode_json(records: &[Record], out: &mut Vec<u8>) -> Result<(), SerialError> {
    serde_json::to_writer(out, records).map_err(SerialError::Json)
}

/// Appends the records in postcard's format (a varint length, then varint fields).
pub fn encode_postcard(records: &[Record], out: &mut Vec<u8>) -> Result<(), SerialError> {
    let buffer = std::mem::take(out);
    *out = postcard::to_extend(records, buffer).map_err(SerialError::Postcard)?;
    Ok(())
}

/// `N` bytes of `chunk` from `at`; the offsets used are constants inside the chunk.
fn field<const N: usize>(chunk: &[u8; RECORD_SIZE], at: usize) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(&chunk[at..at + N]);
    out
}

/// One record from exactly [`RECORD_SIZE`] little-endian bytes.
fn record_from_le(chunk: &[u8; RECORD_SIZE]) -> Record {
    Record {
        timestamp: u64::from_le_bytes(field(chunk, 0)),
        price: f64::from_le_bytes(field(chunk, 8)),
        quantity: u32::from_le_bytes(field(chunk, 16)),
        side: chunk[20],
        padding: field(chunk, 21),
    }
}

/// Decodes whole little-endian records field by field into a `Vec`; any address.
pub fn decode_le_fields(bytes: &[u8]) -> Result<Vec<Record>, SerialError> {
    check_whole(bytes.len())?;
    let (chunks, _) = bytes.as_chunks::<RECORD_SIZE>();
    Ok(chunks.iter().map(record_from_le).collect())
}

/// Copies the records into an aligned `Vec` with `bytemuck::pod_collect_to_vec`; any address.
pub fn decode_pod_collect(bytes: &[u8]) -> Result<Vec<Record>, SerialError> {
    check_whole(bytes.len())?;
    Ok(bytemuck::pod_collect_to_vec(bytes))
}

/// Reads each record in place with `bytemuck::pod_read_unaligned` and folds it; any address.
pub fn fold_pod_read_unaligned(bytes: &[u8]) -> Result<RecordFold, RecordsRejected> {
    check_whole(bytes.len())?;
    let (chunks, _) = bytes.as_chunks::<RECORD_SIZE>();
    Ok(fold(chunks.iter().map(|chunk| {
        bytemuck::pod_read_unaligned::<Record>(chunk)
    })))
}

/// Views the bytes as records with `bytemuck::try_cast_slice`: aligned, whole records only.
pub fn view_bytemuck(bytes: &[u8]) -> Result<&[Record], RecordsRejected> {
    check_whole(bytes.len())?;
    bytemuck::try_cast_slice(bytes).map_err(|_| RecordsRejected::Misaligned {
        offset: bytes.as_ptr().addr() % align_of::<Record>(),
        align: align_of::<Record>(),
    })
}

/// Decodes a JSON array of records.
pub fn decode_json(bytes: &[u8]) -> Result<Vec<Record>, SerialError> {
    serde_json::from_slice(bytes).map_err(SerialError::Json)
}

/// Decodes a postcard sequence of records; trailing bytes are an error.
pub fn decode_postcard(bytes: &[u8]) -> Result<Vec<Record>, SerialError> {
    let (records, rest) = postcard::take_from_bytes(bytes).map_err(SerialError::Postcard)?;
    if rest.is_empty() {
        Ok(records)
    } else {
        Err(SerialError::Trailing { bytes: rest.len() })
    }
}

/// Whether the serde formats can carry these records exactly: zero padding (it is not
/// serialized) and finite prices (JSON has no NaN or infinity). Bytes that are not whole records
/// pass; every decoder rejects them alike.
pub fn check_serde_representable(bytes: &[u8]) -> Result<(), String> {
    let (chunks, rest) = bytes.as_chunks::<RECORD_SIZE>();
    if !rest.is_empty() {
        return Ok(());
    }
    for (i, record) in chunks.iter().map(record_from_le).enumerate() {
        if record.padding != [0; 3] {
            return Err(format!(
                "record {i} has non-zero padding {:?}",
                record.padding
            ));
        }
        if !record.price.is_finite() {
            return Err(format!("record {i} has price {}", record.price));
        }
    }
    Ok(())
}
