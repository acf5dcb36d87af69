// expect: E0381
// Safe Rust does not let a binding be read before it is written.
pub fn read_uninit() -> u64 {
    let words: [u64; 4];
    words.iter().sum()
}
