// expect: E0382
// Ownership frees a Box exactly once: dropping it twice does not compile.
pub fn double_free() {
    let boxed = Box::new(7_u64);
    drop(boxed);
    drop(boxed);
}
