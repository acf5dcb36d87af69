//! The safe smoothings: a counted loop that indexes, `windows(3)`, and three slices cut once.

use super::tap;

/// What most code writes: a counted loop over the output, indexing the samples. The loop's
/// bound proves `out[i]`, but nothing tells the compiler that `x` is two samples longer, so
/// `x[i + 2]` is checked on every sample.
pub fn smooth_indexed_loop(x: &[f32], out: &mut [f32]) {
    for i in 0..out.len() {
        out[i] = tap(x[i], x[i + 1], x[i + 2]);
    }
}

/// `windows(3)` zipped with the output: every window has exactly three samples, so its
/// indexing needs no check. Stops at the shorter of the two, as `zip` does.
pub fn smooth_windows(x: &[f32], out: &mut [f32]) {
    for (y, w) in out.iter_mut().zip(x.windows(3)) {
        *y = tap(w[0], w[1], w[2]);
    }
}

/// The three shifted views of the samples cut to the output's length once, up front (this is
/// where a short input panics), then zipped: the compiler sees four slices of one length.
pub fn smooth_resliced(x: &[f32], out: &mut [f32]) {
    let n = out.len();
    if n == 0 {
        // Nothing to write, and fewer than two samples would fail the slicing below.
        return;
    }
    let (a, b, c) = (&x[..n], &x[1..n + 1], &x[2..n + 2]);
    for (((y, &a), &b), &c) in out.iter_mut().zip(a).zip(b).zip(c) {
        *y = tap(a, b, c);
    }
}
