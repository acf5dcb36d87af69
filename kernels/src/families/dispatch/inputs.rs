//! Dispatch inputs: shape `mixed` is shapes of the five types in random order (the type of the
//! next value cannot be predicted); shape `runs` is the same types in runs of 64 (it can).
//! Sizes are numbers of shapes.

use super::{Circle, Polygon, Rect, Shape, Shapes, Square, Triangle};
use crate::generate::Rng;
use crate::{Input, InputName, InputSpec, Unit};

/// The shape counts every input is generated at.
pub const COUNTS: [usize; 4] = [16, 1_000, 64_000, 1_000_000];

/// `count` shapes of `kind` (`mixed` or `runs`).
pub fn generate(kind: &str, count: usize) -> Shapes {
    let mut rng = Rng::new(&format!("dispatch/{kind}"));
    let size = |rng: &mut Rng| 1 + rng.below(1000) as u32;
    let shapes = (0..count)
        .map(|i| {
            let which = if kind == "runs" {
                (i / 64) % 5
            } else {
                rng.below(5)
            };
            match which {
                0 => Shape::Circle(Circle { r: size(&mut rng) }),
                1 => Shape::Rect(Rect {
                    w: size(&mut rng),
                    h: size(&mut rng),
                }),
                2 => Shape::Triangle(Triangle {
                    b: size(&mut rng),
                    h: size(&mut rng),
                }),
                3 => Shape::Square(Square { s: size(&mut rng) }),
                _ => Shape::Polygon(Polygon {
                    n: 3 + rng.below(10) as u32,
                    s: size(&mut rng),
                }),
            }
        })
        .collect();
    Shapes(shapes)
}

/// The shape of type `which % 5` (circle, rectangle, triangle, square, polygon) with sizes
/// `a` and `b` (a polygon has 3 + `a % 10` sides); how fuzzers and property tests make shapes.
pub fn shape_of(which: u8, a: u32, b: u32) -> Shape {
    match which % 5 {
        0 => Shape::Circle(Circle { r: a }),
        1 => Shape::Rect(Rect { w: a, h: b }),
        2 => Shape::Triangle(Triangle { b: a, h: b }),
        3 => Shape::Square(Square { s: a }),
        _ => Shape::Polygon(Polygon {
            n: 3 + a % 10,
            s: b,
        }),
    }
}

/// The input carrying `shapes` under `shape`.
pub fn input(shape: &str, shapes: Shapes) -> Input {
    let count = shapes.0.len();
    Input::of_workload(InputName::counted(shape, count, Unit::Operations), shapes)
}

/// Both kinds at every count.
pub fn specs() -> Vec<InputSpec> {
    ["mixed", "runs"]
        .into_iter()
        .flat_map(|kind| {
            COUNTS.into_iter().map(move |count| {
                InputSpec::new(
                    InputName::counted(kind, count, Unit::Operations),
                    move || input(kind, generate(kind, count)),
                )
            })
        })
        .collect()
}

/// Small sequences at the edges, for the checkers (Miri, AddressSanitizer) and the tests: none,
/// each type alone, one of each in both orders, and sizes at both ends of `u32`.
pub fn edge_cases() -> Vec<Input> {
    let one_of_each = |size: u32| {
        vec![
            Shape::Circle(Circle { r: size }),
            Shape::Rect(Rect { w: size, h: 3 }),
            Shape::Triangle(Triangle { b: size, h: 5 }),
            Shape::Square(Square { s: size }),
            Shape::Polygon(Polygon { n: 7, s: size }),
        ]
    };
    let mut cases = vec![Vec::new()];
    cases.extend(one_of_each(9).into_iter().map(|shape| vec![shape; 3]));
    let mut both_orders = one_of_each(1000);
    both_orders.extend(one_of_each(1).into_iter().rev());
    cases.push(both_orders);
    cases.push(one_of_each(u32::MAX));
    cases.push(one_of_each(0));
    cases
        .into_iter()
        .map(|shapes| input("edge", Shapes(shapes)))
        .collect()
}
