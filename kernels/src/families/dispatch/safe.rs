//! The safe ways to dispatch: `Box<dyn Trait>`, an enum `match`, and a checked `dyn Any`
//! downcast on a kind tag.

use std::any::Any;

use super::{Area, Circle, Polygon, Rect, Scene, Shape, Square, Triangle};

/// One boxed trait object per shape.
pub struct BoxDyn(Vec<Box<dyn Area>>);

impl Scene for BoxDyn {
    fn build(shapes: &[Shape]) -> Self {
        Self(
            shapes
                .iter()
                .map(|shape| -> Box<dyn Area> {
                    match *shape {
                        Shape::Circle(c) => Box::new(c),
                        Shape::Rect(r) => Box::new(r),
                        Shape::Triangle(t) => Box::new(t),
                        Shape::Square(s) => Box::new(s),
                        Shape::Polygon(p) => Box::new(p),
                    }
                })
                .collect(),
        )
    }

    fn total_area(&self) -> u64 {
        self.0
            .iter()
            .fold(0, |sum, shape| sum.wrapping_add(shape.area()))
    }
}

/// The shapes inline in a `Vec` of the enum, matched per value.
pub struct EnumMatch(Vec<Shape>);

impl Scene for EnumMatch {
    fn build(shapes: &[Shape]) -> Self {
        Self(shapes.to_vec())
    }

    fn total_area(&self) -> u64 {
        self.0
            .iter()
            .fold(0, |sum, shape| sum.wrapping_add(shape.area()))
    }
}

/// Which concrete type a type-erased value has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShapeKind {
    /// [`Circle`].
    Circle,
    /// [`Rect`].
    Rect,
    /// [`Triangle`].
    Triangle,
    /// [`Square`].
    Square,
    /// [`Polygon`].
    Polygon,
}

/// Each shape boxed as `dyn Any` beside the kind of its concrete type, which the tag always
/// names (the unsafe variant relies on this function for that).
pub(super) fn tagged(shapes: &[Shape]) -> Vec<(ShapeKind, Box<dyn Any>)> {
    shapes
        .iter()
        .map(|shape| -> (ShapeKind, Box<dyn Any>) {
            match *shape {
                Shape::Circle(c) => (ShapeKind::Circle, Box::new(c)),
                Shape::Rect(r) => (ShapeKind::Rect, Box::new(r)),
                Shape::Triangle(t) => (ShapeKind::Triangle, Box::new(t)),
                Shape::Square(s) => (ShapeKind::Square, Box::new(s)),
                Shape::Polygon(p) => (ShapeKind::Polygon, Box::new(p)),
            }
        })
        .collect()
}

/// The area of `any` if it is a `T` (a `TypeId` comparison), 0 otherwise.
fn area_if<T: Area>(any: &dyn Any) -> u64 {
    any.downcast_ref::<T>().map_or(0, Area::area)
}

/// Kind-tagged `dyn Any` values, each downcast with `downcast_ref` (checked).
pub struct AnyDowncast(Vec<(ShapeKind, Box<dyn Any>)>);

impl Scene for AnyDowncast {
    fn build(shapes: &[Shape]) -> Self {
        Self(tagged(shapes))
    }

    fn total_area(&self) -> u64 {
        self.0.iter().fold(0, |sum, (kind, any)| {
            let any = &**any;
            let area = match kind {
                ShapeKind::Circle => area_if::<Circle>(any),
                ShapeKind::Rect => area_if::<Rect>(any),
                ShapeKind::Triangle => area_if::<Triangle>(any),
                ShapeKind::Square => area_if::<Square>(any),
                ShapeKind::Polygon => area_if::<Polygon>(any),
            };
            sum.wrapping_add(area)
        })
    }
}
