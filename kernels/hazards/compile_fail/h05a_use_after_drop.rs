// expect: E0382
// After `drop`, the Box is moved away: using it again does not compile.
pub fn use_after_drop() -> u64 {
    let boxed = Box::new(41_u64);
    drop(boxed);
    *boxed
}
