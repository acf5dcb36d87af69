//! The safe way to write each mistake, where safe Rust refuses it while the program runs: a
//! checked API returns `None` or `Err`, or the right offset is asked of the compiler. Each
//! function returns `Ok(how it refused)` or `Err(what went wrong)` if it did not refuse.
//! (Mistakes safe Rust refuses at compile time are the files in `compile_fail/`.)

use std::hint::black_box;
use std::mem::offset_of;

/// 1. `get` past the end is `None` (indexing would panic).
pub fn pointer_past_end() -> Result<String, String> {
    let words: Vec<u32> = black_box(vec![1, 2, 3, 4]);
    match words.get(words.len()) {
        None => Ok(format!(
            "words.get({}) on a {}-element Vec returned None",
            words.len(),
            words.len()
        )),
        Some(w) => Err(format!("get past the end returned {w}")),
    }
}

/// 2. bytemuck checks alignment and length before reinterpreting.
pub fn misaligned_words() -> Result<String, String> {
    let bytes: Vec<u8> = black_box((0..16).collect());
    // Whatever the allocation's alignment, one of `bytes[0..]` and `bytes[1..]` is misaligned.
    let misaligned = if bytes.as_ptr().align_offset(4) == 0 {
        &bytes[1..13]
    } else {
        &bytes[0..12]
    };
    match bytemuck::try_cast_slice::<u8, u32>(misaligned) {
        Err(e) => Ok(format!(
            "bytemuck::try_cast_slice::<u8, u32> returned Err({e:?})"
        )),
        Ok(words) => Err(format!("a misaligned cast succeeded: {words:?}")),
    }
}

/// 3. A range past the end is `None`.
pub fn length_extension() -> Result<String, String> {
    let words: Vec<u32> = black_box(vec![7; 4]);
    match words.get(..words.len() + 2) {
        None => Ok("words.get(..6) on a 4-element Vec returned None".to_owned()),
        Some(s) => Err(format!("an extended range succeeded: {s:?}")),
    }
}

/// 7. `str::from_utf8` validates and says where the bytes stop being UTF-8.
pub fn invalid_utf8() -> Result<String, String> {
    let bytes: Vec<u8> = black_box(vec![0xFF, 0xFE, b'o', b'k', b'!']);
    match std::str::from_utf8(&bytes) {
        Err(e) => Ok(format!("std::str::from_utf8 returned Err({e})")),
        Ok(s) => Err(format!("invalid bytes validated as {s:?}")),
    }
}

/// The record of hazard 8, in Rust's layout.
#[allow(dead_code, reason = "only the layout matters here")]
struct Quote {
    flag: u8,
    price: u32,
    size: u16,
}

/// 8. Fields are read by name, and where an offset is needed the compiler gives it.
pub fn repr_rust_offset() -> Result<String, String> {
    let offset = offset_of!(Quote, price);
    if offset == 4 {
        return Err(
            "this compiler kept C order for Quote, so the hazard does not reproduce \
                    here; the gallery needs a struct it reorders"
                .to_owned(),
        );
    }
    Ok(format!(
        "offset_of!(Quote, price) = {offset}, not the 4 a C layout gives: a hard-coded offset \
         reads other fields and padding"
    ))
}

/// 11. `read_to_end` grows the buffer by what was read; the rest of the capacity stays unreachable.
pub fn set_len_before_write() -> Result<String, String> {
    let mut buffer: Vec<u8> = Vec::with_capacity(16);
    let read = std::io::Read::read_to_end(&mut black_box(&b"abc"[..]), &mut buffer)
        .map_err(|e| e.to_string())?;
    if buffer.len() == read && read == 3 {
        Ok(format!(
            "read_to_end left the buffer {read} bytes long, the bytes read; its other {} bytes \
             of capacity cannot be reached",
            buffer.capacity() - read
        ))
    } else {
        Err(format!(
            "read {read} bytes but the buffer is {} long",
            buffer.len()
        ))
    }
}
