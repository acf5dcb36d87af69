//! The mistakes, made on purpose. Each function breaks one invariant of unsafe code and returns
//! what the program saw when nothing stopped it; the soundness script runs each one alone under
//! Miri, a sanitizer and a plain debug build, and records which of them noticed.
//!
//! Every `SAFETY:` comment here names the invariant the block needs and says how the code
//! breaks it. These functions are unsound by design; nothing outside `hazard run` calls them.
#![allow(unsafe_code, reason = "the gallery reproduces unsafe mistakes")]

use std::hint::black_box;
use std::mem::MaybeUninit;

use kernels::families::pool::PoolObject;
use kernels::families::pool::raw::RawSlab;

/// 1. Reads the element one past the end of a `Vec<u32>`.
pub fn pointer_past_end() -> String {
    let words: Vec<u32> = black_box(vec![1, 2, 3, 4]);
    let end = words.as_ptr().wrapping_add(words.len());
    // SAFETY: needs `end` to point at a live `u32` of the allocation. Broken: it points one
    // past the last element, which may be formed but never read.
    let value = unsafe { end.read() };
    format!("read {value:#010x} one element past the end")
}

/// 2. Reinterprets bytes starting at an odd address as `&[u32]`.
pub fn misaligned_words() -> String {
    let bytes: Vec<u8> = black_box((0..16).collect());
    let start = bytes.as_ptr().wrapping_add(1).cast::<u32>();
    // SAFETY: needs `start` aligned to 4 and 12 readable bytes behind it. Broken: it is one byte
    // past the start of a byte buffer, so it is not 4-aligned (the bytes are readable).
    let words = unsafe { std::slice::from_raw_parts(start, 3) };
    let sum: u64 = words.iter().map(|&w| u64::from(w)).sum();
    format!("summed three misaligned words to {sum:#x}")
}

/// 3. Builds a slice longer than its allocation and reads all of it.
pub fn length_extension() -> String {
    let words: Vec<u32> = black_box(vec![7; 4]);
    // SAFETY: needs `len` elements readable behind the pointer. Broken: the allocation holds
    // 4 elements and the slice claims 6.
    let longer = unsafe { std::slice::from_raw_parts(words.as_ptr(), words.len() + 2) };
    let sum: u64 = longer.iter().map(|&w| u64::from(w)).sum();
    format!("summed 6 elements of a 4-element buffer to {sum}")
}

/// The address of a local, returned from its frame (safe: a raw pointer may dangle).
#[inline(never)]
fn local_address() -> *const u64 {
    let local = black_box(0x5eed_u64);
    black_box(&raw const local)
}

/// Writes a different local where the returned frame was.
#[inline(never)]
fn reuse_the_stack() -> u64 {
    let other = black_box([0xdead_u64; 4]);
    other.iter().sum()
}

/// 4. Reads a local through a pointer after its frame returned.
pub fn stack_escape() -> String {
    let dangling = local_address();
    let other = reuse_the_stack();
    // SAFETY: needs `dangling` to point at a live `u64`. Broken: the local it pointed at lived
    // in `local_address`'s frame, which has returned (and been overwritten since).
    let value = unsafe { dangling.read() };
    format!("read {value:#x} from a returned frame (a later frame summed to {other:#x})")
}

/// 5a. Reads a boxed value after the box was dropped.
pub fn use_after_free_box() -> String {
    let boxed = Box::new(black_box(41_u64));
    let address = &raw const *boxed;
    drop(boxed);
    // SAFETY: needs the allocation to be live. Broken: the Box that owned it was dropped.
    let value = unsafe { address.read() };
    format!("read {value} from a freed Box")
}

/// A pooled object for 5b: one number per loan.
#[derive(Default)]
struct Ticket(u64);

impl PoolObject for Ticket {
    fn fresh() -> Self {
        Self(0)
    }
    fn fill(&mut self, op: u64) {
        self.0 = op;
    }
    fn checksum(&self) -> u64 {
        self.0
    }
}

/// 5b. Keeps using an object after returning it to the project's raw slab, which hands the same
/// slot to the next user: the memory stays allocated, so only the aliasing rules can object.
pub fn use_after_return_to_pool() -> String {
    let mut slab = RawSlab::<Ticket>::with_capacity(2);
    let Some(first) = slab.acquire() else {
        return "the slab handed out nothing".to_owned();
    };
    // SAFETY: `first` was just acquired from this slab and is not released yet.
    let kept: *mut Ticket = unsafe { slab.get_mut(&first) };
    // SAFETY: `first` came from this slab and is released once.
    unsafe { slab.release(first) };
    let Some(second) = slab.acquire() else {
        return "the slab handed out nothing".to_owned();
    };
    // SAFETY: `second` was just acquired from this slab and is not released yet.
    unsafe { slab.get_mut(&second) }.fill(2);
    // SAFETY: needs `kept` to be a live loan. Broken: its loan was released and the slot is now
    // `second`'s, written above through a fresh borrow.
    let seen = unsafe { (*kept).checksum() };
    // SAFETY: `second` came from this slab and is released once.
    unsafe { slab.release(second) };
    format!("the first user read {seen}, which the second user wrote into the reused slot")
}

/// 6. Frees a Box twice.
pub fn double_free() -> String {
    let raw = Box::into_raw(Box::new(black_box(7_u64)));
    // SAFETY: `raw` came from `Box::into_raw` and is turned back into a Box once, here.
    drop(unsafe { Box::from_raw(raw) });
    // SAFETY: needs `raw` to own a live allocation. Broken: it was freed just above.
    drop(unsafe { Box::from_raw(raw) });
    "freed the same Box twice".to_owned()
}

/// 7. Treats invalid UTF-8 as a `str` and uses it like any other string.
pub fn invalid_utf8() -> String {
    let bytes: Vec<u8> = black_box(vec![0xFF, 0xFE, b'o', b'k', b'!']);
    // SAFETY: needs `bytes` to be valid UTF-8. Broken: 0xFF and 0xFE never occur in UTF-8.
    let text = unsafe { std::str::from_utf8_unchecked(&bytes) };
    let chars = text.chars().count();
    let upper = text.to_uppercase();
    format!(
        "{chars} chars; uppercased to {} bytes {:02x?}",
        upper.len(),
        upper.as_bytes()
    )
}

/// A record in Rust's own layout, which may reorder fields.
struct Quote {
    flag: u8,
    price: u32,
    size: u16,
}

/// 8. Reads a field at the offset a C layout would give it.
pub fn repr_rust_offset() -> String {
    let quote = black_box(Quote {
        flag: 1,
        price: 0xAABB_CCDD,
        size: 0x1122,
    });
    // In C order `price` would follow `flag` and padding, at offset 4.
    let guessed = (&raw const quote)
        .cast::<u8>()
        .wrapping_add(4)
        .cast::<u32>();
    // SAFETY: needs 4 initialised bytes of a `u32` at `guessed`. Broken: `Quote` is
    // `repr(Rust)`; the compiler put `price` elsewhere, and offset 4 holds other fields and
    // uninitialised padding.
    let price = unsafe { guessed.read_unaligned() };
    format!(
        "read price {price:#010x} at offset 4 (the real price is {:#010x}, flag {}, size {:#x})",
        quote.price, quote.flag, quote.size
    )
}

/// A per-worker table with no synchronisation, wrongly declared shareable.
struct UnsyncedTable(*mut u64);

// SAFETY: needs every access through the pointer to be synchronised. Broken: `race` lets two
// threads increment the same slot with plain reads and writes.
unsafe impl Sync for UnsyncedTable {}

impl UnsyncedTable {
    fn slot(&self) -> *mut u64 {
        self.0
    }
}

/// 9. Two workers update the same slot of an unsynchronised table.
pub fn data_race() -> String {
    let mut slots = vec![0_u64; 2];
    let table = UnsyncedTable(slots.as_mut_ptr());
    let rounds = 1_000;
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..rounds {
                    // SAFETY: needs exclusive access to the slot. Broken: the other worker
                    // updates the same slot at the same time.
                    unsafe { *table.slot() += 1 };
                }
            });
        }
    });
    format!(
        "two workers counted to {} (expected {})",
        slots[0],
        2 * rounds
    )
}

/// 10. Reads a pooled slot before anything was written to it.
pub fn read_uninit() -> String {
    let slot = MaybeUninit::<[u64; 4]>::uninit();
    // SAFETY: needs the slot to be initialised. Broken: nothing was ever written to it.
    let words = unsafe { slot.assume_init() };
    let sum: u64 = black_box(words).iter().fold(0, |a, &w| a.wrapping_add(w));
    format!("summed an uninitialised slot to {sum:#x}")
}

/// 11. Sets a buffer's length before writing it, then a short read leaves most of it unwritten.
#[allow(
    clippy::uninit_vec,
    reason = "the mistake clippy's uninit_vec lint exists for, made on purpose"
)]
pub fn set_len_before_write() -> String {
    let source: &[u8] = b"abc";
    let mut buffer: Vec<u8> = Vec::with_capacity(16);
    // SAFETY: needs the first 16 bytes to be initialised. Broken: nothing has been written yet,
    // and the read below writes only 3 of them.
    unsafe { buffer.set_len(16) };
    let read = std::io::Read::read(&mut black_box(source), &mut buffer).unwrap_or(0);
    let sum = black_box(&buffer)
        .iter()
        .fold(0u64, |a, &b| a.wrapping_add(u64::from(b)));
    format!(
        "read {read} bytes into a 16-byte buffer and summed all {} to {sum}",
        buffer.len()
    )
}
