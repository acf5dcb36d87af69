//! The unsafe smoothings: `get_unchecked` per sample, raw pointers, and the three shifted views
//! cut with `get_unchecked(range)`, each after the one length check that makes every window of
//! the loop in bounds.
#![allow(unsafe_code)]

use super::tap;

/// Panics unless `x` holds a full window for every output sample: what the unsafe loops rely
/// on, checked once per call (the safe re-slicing checks the same thing).
fn assert_windows_fit(x: &[f32], out: &[f32]) {
    assert!(
        out.len() <= x.len().saturating_sub(2),
        "{} output samples need at least {} input samples, not {}",
        out.len(),
        out.len() + 2,
        x.len()
    );
}

/// The indexed loop with no checks in it.
pub fn smooth_get_unchecked(x: &[f32], out: &mut [f32]) {
    assert_windows_fit(x, out);
    for i in 0..out.len() {
        // SAFETY: `i < out.len() <= x.len() - 2` (the loop's bound; asserted above).
        let a = unsafe { *x.get_unchecked(i) };
        // SAFETY: `i + 1 < out.len() + 1 <= x.len() - 1` (the loop's bound; asserted above).
        let b = unsafe { *x.get_unchecked(i + 1) };
        // SAFETY: `i + 2 < out.len() + 2 <= x.len()` (the loop's bound; asserted above).
        let c = unsafe { *x.get_unchecked(i + 2) };
        // SAFETY: `i < out.len()`, the loop's bound.
        let y = unsafe { out.get_unchecked_mut(i) };
        *y = tap(a, b, c);
    }
}

/// Raw pointers: the output walked from start to end, each window read as `[f32; 3]` at
/// `x.add(i)`.
pub fn smooth_ptr_add(x: &[f32], out: &mut [f32]) {
    assert_windows_fit(x, out);
    let mut window = x.as_ptr();
    let out = out.as_mut_ptr_range();
    let mut at = out.start;
    while at != out.end {
        // SAFETY: `window` is `x.as_ptr() + i` for the output index `i` of `at`, and
        // `i + 2 < out.len() + 2 <= x.len()` (asserted above): three initialised samples,
        // which `[f32; 3]` may view (same alignment as `f32`); `x` is not written meanwhile.
        let w = unsafe { &*window.cast::<[f32; 3]>() };
        // SAFETY: `out.start <= at < out.end`: a sample of the output, which nothing else
        // reads or writes while this call holds it as `&mut`.
        unsafe { *at = tap(w[0], w[1], w[2]) };
        // SAFETY: `at < out.end`, so one past it is at most the end of the output.
        at = unsafe { at.add(1) };
        // SAFETY: the step makes `window` `x.as_ptr() + i + 1`, and `i + 1 <= out.len() <=
        // x.len() - 2`: still inside the samples.
        window = unsafe { window.add(1) };
    }
}

/// The unsafe spelling of the safe re-slicing: the three shifted views cut with
/// `get_unchecked(range)` instead of checked slicing, then zipped.
pub fn smooth_unchecked_slices(x: &[f32], out: &mut [f32]) {
    assert_windows_fit(x, out);
    let n = out.len();
    if n == 0 {
        // Nothing to write; with fewer than two samples the ranges below would be out of bounds.
        return;
    }
    // SAFETY: `n <= x.len() - 2` (asserted above), so `..n` is within the samples.
    let a = unsafe { x.get_unchecked(..n) };
    // SAFETY: `n + 1 <= x.len() - 1`, as above.
    let b = unsafe { x.get_unchecked(1..n + 1) };
    // SAFETY: `n + 2 <= x.len()`, as above.
    let c = unsafe { x.get_unchecked(2..n + 2) };
    for (((y, &a), &b), &c) in out.iter_mut().zip(a).zip(b).zip(c) {
        *y = tap(a, b, c);
    }
}
