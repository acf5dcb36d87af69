// expect: E0277
// An unsynchronised per-worker slot (`Cell`) is not `Sync`: sharing it with two threads does
// not compile.
use std::cell::Cell;

pub fn race() -> u64 {
    let slot = Cell::new(0_u64);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| slot.set(slot.get() + 1));
        }
    });
    slot.get()
}
