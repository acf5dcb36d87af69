//! Family `dispatch`: type-erased calls.
//!
//! Code that handles values of several types through one interface (shapes, messages, AST
//! nodes) chooses how to find each value's code: a `match` on an enum, a `dyn Trait` vtable, a
//! `dyn Any` downcast, or unsafe erasure that skips the checks: a downcast by a raw pointer
//! cast on a trusted tag, or a hand-rolled vtable of `*const ()` and function pointers (as
//! `RawWaker` and error libraries do). Each variant computes the total area of the same
//! sequence of shapes of five types; the boxed variants also pay for one allocation per value,
//! which is what type erasure costs in practice.

pub mod inputs;
pub mod raw;
pub mod safe;

use crate::family::{Family, Unsafety, Variant};
use crate::{Digest, Fixture, Input, Run, Unit};

/// This family's unsafe code, where its unsafe variants' items are counted.
const RAW: crate::unsafe_code::RawFile = crate::unsafe_code::raw_file!("dispatch");

/// The shapes, with integer sizes so that every variant's total is exactly the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A circle of radius `r`.
    Circle(Circle),
    /// A `w` by `h` rectangle.
    Rect(Rect),
    /// A triangle of base `b` and height `h`.
    Triangle(Triangle),
    /// A square of side `s`.
    Square(Square),
    /// A regular polygon of `n` sides of length `s`.
    Polygon(Polygon),
}

/// A circle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Circle {
    /// Radius.
    pub r: u32,
}
/// A rectangle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
}
/// A triangle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Triangle {
    /// Base.
    pub b: u32,
    /// Height.
    pub h: u32,
}
/// A square.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Square {
    /// Side.
    pub s: u32,
}
/// A regular polygon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Polygon {
    /// Number of sides.
    pub n: u32,
    /// Side length.
    pub s: u32,
}

/// What every shape type offers: its area, in whole units (fixed-point approximations, so
/// that the totals are exact integers every variant agrees on; wrapping, so that every size
/// has one).
pub trait Area: 'static {
    /// The area.
    fn area(&self) -> u64;
}

fn wide(x: u32) -> u64 {
    u64::from(x)
}

impl Area for Circle {
    fn area(&self) -> u64 {
        // pi ~ 355/113.
        wide(self.r).wrapping_mul(wide(self.r)).wrapping_mul(355) / 113
    }
}
impl Area for Rect {
    fn area(&self) -> u64 {
        wide(self.w).wrapping_mul(wide(self.h))
    }
}
impl Area for Triangle {
    fn area(&self) -> u64 {
        wide(self.b).wrapping_mul(wide(self.h)) / 2
    }
}
impl Area for Square {
    fn area(&self) -> u64 {
        wide(self.s).wrapping_mul(wide(self.s))
    }
}
impl Area for Polygon {
    fn area(&self) -> u64 {
        // n s^2 / (4 tan(pi/n)), with 1/tan(pi/n) ~ n/pi for the polygon's purposes: a cheap,
        // exact integer formula that still costs a division.
        let ns = wide(self.n).wrapping_mul(wide(self.s));
        ns.wrapping_mul(ns).wrapping_mul(113) / (4 * 355)
    }
}

impl Area for Shape {
    fn area(&self) -> u64 {
        match self {
            Self::Circle(c) => c.area(),
            Self::Rect(r) => r.area(),
            Self::Triangle(t) => t.area(),
            Self::Square(s) => s.area(),
            Self::Polygon(p) => p.area(),
        }
    }
}

/// The sequence an input describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shapes(pub Vec<Shape>);

/// A way of storing the shapes, built once from the input, and of totalling their areas.
pub trait Scene {
    /// Stores the shapes.
    fn build(shapes: &[Shape]) -> Self;
    /// The wrapping sum of every shape's area.
    fn total_area(&self) -> u64;
}

/// Totals a scene's areas on every run.
struct SceneFixture<S, const COPY: bool> {
    scene: S,
    count: usize,
    total: u64,
}

impl<S: Scene, const COPY: bool> Fixture for SceneFixture<S, COPY> {
    fn run(&mut self) {
        if COPY {
            std::hint::black_box(crate::families::COPY_MARK);
        }
        self.total = self.scene.total_area();
    }

    fn digest(&mut self) -> Digest {
        Digest::Workload {
            ops: self.count,
            checksum: self.total,
        }
    }
}

/// Builds scene `S` from the input's shapes (none when the input carries none).
fn scene<S: Scene + 'static, const COPY: bool>(input: &Input) -> Box<dyn Fixture + '_> {
    let shapes = input.workload::<Shapes>().map_or(&[][..], |s| &s.0);
    Box::new(SceneFixture::<S, COPY> {
        scene: S::build(shapes),
        count: shapes.len(),
        total: 0,
    })
}

/// Family `dispatch`: the total area of a mixed sequence of shapes.
pub static DISPATCH: Family = Family {
    name: "dispatch",
    title: "type-erased calls",
    summary: "The total area of a mixed sequence of five shape types: what skipping the TypeId \
              check of a downcast and a hand-rolled vtable buy over an enum match, Box<dyn \
              Trait> and a checked dyn Any downcast.",
    compares: "number of shapes and the wrapping sum of their areas",
    variants: &[
        Variant::baseline(
            "box_dyn",
            "Vec<Box<dyn Area>>: one allocation per value, a vtable call each",
            Run::fixture(scene::<safe::BoxDyn, false>),
        ),
        Variant::safe(
            "enum_match",
            "Vec<Shape>, an enum matched per value: no allocation per value, no indirect call",
            Run::fixture(scene::<safe::EnumMatch, false>),
        ),
        Variant::safe(
            "any_downcast",
            "Vec<(Kind, Box<dyn Any>)>: a match on the kind, then downcast_ref (checks the \
             TypeId)",
            Run::fixture(scene::<safe::AnyDowncast, false>),
        ),
        Variant::with_unsafe(
            "any_unchecked",
            "the same (Kind, Box<dyn Any>) pairs, cast by raw pointer on the kind without the \
             TypeId check",
            Unsafety::new(
                &[
                    "each value's kind names its concrete type (set together at construction, \
                   private, never changed)",
                ],
                &[],
                RAW.code(&[
                    "impl Scene for AnyUnchecked",
                    "unsafe fn downcast_unchecked<",
                ]),
            ),
            Run::fixture(scene::<raw::AnyUnchecked, false>),
        ),
        Variant::with_unsafe(
            "manual_vtable",
            "each value erased to *const () with its own area and drop function pointers",
            Unsafety::new(
                &[
                    "each value's function pointers were made for its concrete type (only the \
                     generic constructor pairs them)",
                    "the data pointer comes from Box::into_raw and is freed once, in Drop",
                ],
                &[],
                RAW.code(&[
                    "impl Erased {",
                    "unsafe fn area_of<",
                    "unsafe fn drop_box<",
                    "impl Drop for Erased",
                ]),
            ),
            Run::fixture(scene::<raw::ManualVtable, false>),
        ),
    ],
    reference: "enum_match",
    reference_copy: Run::fixture(scene::<safe::EnumMatch, true>),
    floor: crate::families::floor::Floor::None(
        "the work is a call through a handle and the callee's body; no pass over bytes bounds \
         it, and the least work, the body inlined, is what enum_match already does",
    ),
    headline: ("mixed", 64_000),
    unit: Unit::Operations,
    inputs: inputs::specs,
    takes_files: false,
    spawns_threads: false,
    edge_cases: inputs::edge_cases,
};
