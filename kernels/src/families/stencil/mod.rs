//! Family `stencil`: bounds-check elision in a sliding window.
//!
//! The second of the index kernels, and the one where the field's "4-5x" for `get_unchecked`
//! comes from: a 3-point smoothing `y[i] = x[i]/4 + x[i+1]/2 + x[i+2]/4` over `f32` samples, as
//! audio, image and signal code writes it. Unlike the gather (`index`), every index is known
//! before the loop, so the compiler can check the bounds once instead of per sample, but only
//! when the code lets it prove them; where it cannot, the check stays in the loop. Whether that
//! check, or the way each spelling reads the window, decides the speed is what the family
//! measures (the codegen section of its page shows each loop).
//! Inputs go from 4 KiB (L1) to 16 MiB (beyond the last-level cache, where every variant
//! waits on memory).
//!
//! Every variant writes into one preallocated output (`x.len() - 2` samples, shared by the
//! family's arms) and computes
//! each sample with the same operations in the same order, so the outputs agree bit for bit.
//! The unsafe ones check the one length relation they rely on when they are called, as the
//! safe re-slicing does: a public safe function must be sound for every pair of slices.

pub mod inputs;
pub mod raw;
pub mod safe;

use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Fixture, Input, Run, SharedOutput, Unit};

/// This family's unsafe code, where its unsafe variants' items are counted.
const RAW: crate::unsafe_code::RawFile = crate::unsafe_code::raw_file!("stencil");

/// The smoothing of three neighbouring samples, in the one order every variant uses: no
/// variant may reassociate it, so that all of them produce the same bits.
#[inline(always)]
pub fn tap(a: f32, b: f32, c: f32) -> f32 {
    0.25 * a + 0.5 * b + 0.25 * c
}

/// How many samples the smoothing of `samples` samples produces: one per full window of three.
pub fn output_len(samples: usize) -> usize {
    samples.saturating_sub(2)
}

/// A signal: the samples an input carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Signal(pub Vec<f32>);

/// Runs one way of smoothing the input's samples into the output every arm of the family
/// writes (see [`SharedOutput`]).
struct SmoothFixture<'a, const COPY: bool> {
    samples: &'a [f32],
    smooth: fn(&[f32], &mut [f32]),
    out: SharedOutput<Vec<f32>>,
}

impl<const COPY: bool> SmoothFixture<'_, COPY> {
    /// Smooths the samples into `out`, first sized to them if another input's fixture resized it
    /// (never between the calls of one case, whose fixtures all size it alike when bound).
    fn smooth_into(&self, out: &mut Vec<f32>) {
        let len = output_len(self.samples.len());
        if out.len() != len {
            poison(out, len);
        }
        (self.smooth)(self.samples, out);
    }
}

/// `len` samples that are no variant's output (NaN), so that a variant which leaves some
/// unwritten cannot pass the equivalence check on another arm's results.
fn poison(out: &mut Vec<f32>, len: usize) {
    out.clear();
    out.resize(len, f32::NAN);
}

impl<const COPY: bool> Fixture for SmoothFixture<'_, COPY> {
    fn run(&mut self) {
        if COPY {
            std::hint::black_box(crate::families::COPY_MARK);
        }
        self.out.write(|out| self.smooth_into(out));
    }

    fn digest(&mut self) -> Digest {
        self.out.read_own(
            |out| self.smooth_into(out),
            |out| {
                let bytes: &[u8] = bytemuck::cast_slice(out);
                Digest::Bytes {
                    len: bytes.len(),
                    hash: crate::digest::hash_bytes(bytes),
                }
            },
        )
    }

    /// The variant's own function, which `run` calls through this pointer.
    fn entry_point(&self) -> *const () {
        self.smooth as *const ()
    }
}

/// Builds the fixture of `smooth` for the input's samples; an input that carries none is an
/// empty signal. Binding poisons the shared output.
fn fixture<const COPY: bool>(
    input: &Input,
    smooth: fn(&[f32], &mut [f32]),
) -> Box<dyn Fixture + '_> {
    let samples = input.workload::<Signal>().map_or(&[][..], |s| &s.0[..]);
    let out = SharedOutput::join(STENCIL.name);
    out.prepare(|out| poison(out, output_len(samples.len())));
    Box::new(SmoothFixture::<COPY> {
        samples,
        smooth,
        out,
    })
}

const WINDOWS_IN_BOUNDS: &[&str] = &[
    "out.len() + 2 <= x.len(), so every window x[i..i + 3] with i < out.len() is inside the \
     samples: checked once when the function is called, which panics otherwise",
];

/// The floor: the samples copied into a kept buffer, as many bytes read and written as the
/// smoothing reads and writes, at `memcpy`'s speed.
static COPY_SAMPLES: Variant = Variant::floor(
    "copy_pass",
    "copy the samples that have an output into a kept buffer (memcpy, page-congruent)",
    Run::fixture(|input| {
        let samples = input.workload::<Signal>().map_or(&[][..], |s| &s.0[..]);
        crate::families::floor::copy_fixture(bytemuck::cast_slice(
            &samples[..output_len(samples.len())],
        ))
    }),
);

/// Family `stencil`: 3-point smoothing over a signal.
pub static STENCIL: Family = Family {
    name: "stencil",
    title: "bounds-check elision in a sliding window",
    summary: "Smooth f32 samples with a 3-point window, 4 KiB to 16 MiB: what get_unchecked \
              and raw pointers buy over indexing where the compiler cannot hoist the check, \
              over windows(3), and over re-slicing that lets it check once.",
    compares: "length and a hash of the smoothed samples, bit for bit",
    variants: &[
        Variant::baseline(
            "indexed_loop",
            "for i in 0..out.len(): out[i] = tap(x[i], x[i + 1], x[i + 2]): the check of \
             x[i + 2] stays in the loop",
            Run::fixture(|input| fixture::<false>(input, safe::smooth_indexed_loop)),
        ),
        Variant::safe(
            "windows",
            "out.iter_mut().zip(x.windows(3)): each window's length is known, no check",
            Run::fixture(|input| fixture::<false>(input, safe::smooth_windows)),
        ),
        Variant::safe(
            "resliced",
            "x[..n], x[1..n + 1], x[2..n + 2] sliced once up front, then zipped: one check \
             per call",
            Run::fixture(|input| fixture::<false>(input, safe::smooth_resliced)),
        ),
        Variant::with_unsafe(
            "get_unchecked",
            "the indexed loop with x.get_unchecked(i + k) and out.get_unchecked_mut(i), after \
             one length check",
            Unsafety::new(
                WINDOWS_IN_BOUNDS,
                &[],
                RAW.code(&["pub fn smooth_get_unchecked("]),
            ),
            Run::fixture(|input| fixture::<false>(input, raw::smooth_get_unchecked)),
        ),
        Variant::with_unsafe(
            "ptr_add",
            "raw pointers: the output walked from start to end, the window read at x.add(i), \
             after one length check",
            Unsafety::new(
                WINDOWS_IN_BOUNDS,
                &[],
                RAW.code(&["pub fn smooth_ptr_add("]),
            ),
            Run::fixture(|input| fixture::<false>(input, raw::smooth_ptr_add)),
        ),
        Variant::with_unsafe(
            "unchecked_slices",
            "resliced's three views cut with get_unchecked(range) instead of checked \
             slicing, then zipped, after one length check",
            Unsafety::new(
                WINDOWS_IN_BOUNDS,
                &[],
                RAW.code(&["pub fn smooth_unchecked_slices("]),
            ),
            Run::fixture(|input| fixture::<false>(input, raw::smooth_unchecked_slices)),
        ),
    ],
    reference: "resliced",
    reference_copy: Run::fixture(|input| fixture::<true>(input, safe::smooth_resliced)),
    floor: crate::families::floor::Floor::Measured(&COPY_SAMPLES),
    headline: ("signal", 64 << 10),
    unit: Unit::Bytes,
    inputs: inputs::specs,
    takes_files: false,
    spawns_threads: false,
    edge_cases: inputs::edge_cases,
};

#[cfg(test)]
mod tests {
    use super::*;

    /// A smoothing that writes nothing.
    fn lazy(_: &[f32], _: &mut [f32]) {}

    #[test]
    fn a_variant_that_writes_nothing_is_not_credited_with_another_arms_output() {
        let input = inputs::input("t", inputs::generate(40));
        let mut reference = fixture::<false>(&input, safe::smooth_resliced);
        reference.run();
        let expected = reference.digest();
        let mut idle = fixture::<false>(&input, lazy);
        idle.run();
        assert_ne!(idle.digest(), expected);
        assert_eq!(reference.digest(), expected, "made again after the poison");
    }
}
