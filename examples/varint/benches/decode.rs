//! Does the raw-pointer varint decoder buy anything over the safe ones?
//! `ledger pair --manifest-path examples/varint --bench decode` answers.

use ledger_pair::{Comparison, Comparisons};
use varint_example::{decode, decode_split, decode_unchecked, encode, well_formed};

/// A stream of `count` numbers whose lengths follow `bits`, a function of a random draw (a
/// small xorshift: the inputs must be the same in every process).
fn stream(count: usize, bits: impl Fn(u64) -> u32) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut bytes = Vec::new();
    for _ in 0..count {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let width = bits(state).clamp(1, 64);
        encode(state >> (64 - width), &mut bytes);
    }
    bytes
}

fn main() -> std::process::ExitCode {
    Comparisons::new()
        .add(
            Comparison::new("varint")
                // Field values as a protocol-buffer stream holds them: mostly small numbers,
                // some ids and timestamps (1 to 10 bytes each).
                .input("mixed-64k", || {
                    stream(65_536, |r| match r % 8 {
                        0..=4 => 7,
                        5 | 6 => 28,
                        _ => 64,
                    })
                })
                // Only one-byte numbers: the loop's branch is always predicted.
                .input("small-64k", || stream(65_536, |_| 7))
                // Checked, never timed, and what `ledger pair --miri` runs: every length from
                // 1 to 10 bytes at its edges, and an empty stream.
                .check_input("edges", || {
                    let mut bytes = Vec::new();
                    for width in [1, 7, 8, 14, 15, 63, 64] {
                        encode(u64::MAX >> (64 - width), &mut bytes);
                        encode(1 << (width - 1), &mut bytes);
                    }
                    bytes
                })
                .check_input("empty", Vec::new)
                .baseline("index", |bytes: &Vec<u8>| decode(bytes))
                .safe("split_inclusive", |bytes: &Vec<u8>| decode_split(bytes))
                .unchecked("raw_pointer", |bytes: &Vec<u8>| {
                    // SAFETY: the harness calls this only on inputs that meet the precondition
                    // below, which is `decode_unchecked`'s: a well-formed stream.
                    Some(unsafe { decode_unchecked(bytes) })
                })
                .requires("whole varints of at most 10 bytes", |bytes| {
                    well_formed(bytes)
                }),
        )
        .run()
}
