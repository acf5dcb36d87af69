// expect: E0515
// Safe Rust cannot hand out a reference to a local that outlives its frame.
pub fn local_address() -> &'static u64 {
    let local = 0x5eed_u64;
    &local
}
