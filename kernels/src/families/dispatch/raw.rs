//! The unsafe ways to dispatch: a downcast by raw pointer cast on a trusted kind tag, and a
//! hand-rolled vtable of `*const ()` and function pointers.
#![allow(unsafe_code)]

use std::any::Any;
use std::ptr::NonNull;

use super::safe::{ShapeKind, tagged};
use super::{Area, Circle, Polygon, Rect, Scene, Shape, Square, Triangle};

/// Kind-tagged `dyn Any` values, cast to their kind's type without the `TypeId` check. The
/// field is private: only [`Scene::build`] fills it, from `tagged`, which pairs every value
/// with the kind of its concrete type.
pub struct AnyUnchecked(Vec<(ShapeKind, Box<dyn Any>)>);

/// `any` as a `&T`, without checking its type.
///
/// # Safety
///
/// The concrete type of `any` must be `T`.
unsafe fn downcast_unchecked<T: Any>(any: &dyn Any) -> &T {
    // SAFETY: the data pointer of a `&dyn Any` points at its concrete value, which the caller
    // promises is a `T`; the result borrows from `any`, so it cannot outlive the value.
    unsafe { &*std::ptr::from_ref(any).cast::<T>() }
}

impl Scene for AnyUnchecked {
    fn build(shapes: &[Shape]) -> Self {
        Self(tagged(shapes))
    }

    fn total_area(&self) -> u64 {
        self.0.iter().fold(0, |sum, (kind, any)| {
            let any = &**any;
            let area = match kind {
                // SAFETY: `tagged` pairs each value with the kind of its concrete type, and the
                // pairs are never changed after `build`: the kind is Circle only for a `Circle`.
                ShapeKind::Circle => unsafe { downcast_unchecked::<Circle>(any) }.area(),
                // SAFETY: as above, the kind is Rect only for a boxed `Rect`.
                ShapeKind::Rect => unsafe { downcast_unchecked::<Rect>(any) }.area(),
                // SAFETY: as above, the kind is Triangle only for a boxed `Triangle`.
                ShapeKind::Triangle => unsafe { downcast_unchecked::<Triangle>(any) }.area(),
                // SAFETY: as above, the kind is Square only for a boxed `Square`.
                ShapeKind::Square => unsafe { downcast_unchecked::<Square>(any) }.area(),
                // SAFETY: as above, the kind is Polygon only for a boxed `Polygon`.
                ShapeKind::Polygon => unsafe { downcast_unchecked::<Polygon>(any) }.area(),
            };
            sum.wrapping_add(area)
        })
    }
}

/// A boxed value of some shape type, erased to a pointer and two function pointers made for
/// that type. Only [`Erased::new`] makes one, and it makes the pointers for the value's type.
pub struct Erased {
    data: NonNull<()>,
    area: unsafe fn(NonNull<()>) -> u64,
    drop: unsafe fn(NonNull<()>),
}

/// The area of the `T` at `data`.
///
/// # Safety
///
/// `data` must point at a live `T`.
unsafe fn area_of<T: Area>(data: NonNull<()>) -> u64 {
    // SAFETY: the caller promises a live `T` at `data`; the reference ends with this call.
    unsafe { data.cast::<T>().as_ref() }.area()
}

/// Frees the boxed `T` at `data`.
///
/// # Safety
///
/// `data` must come from a `Box<T>` and not be used again.
unsafe fn drop_box<T>(data: NonNull<()>) {
    // SAFETY: the caller promises `data` is a `Box<T>`'s pointer, given back exactly once.
    drop(unsafe { Box::from_raw(data.cast::<T>().as_ptr()) });
}

impl Erased {
    /// Boxes `value` and erases its type, keeping the functions for it.
    pub fn new<T: Area>(value: T) -> Self {
        Self {
            data: NonNull::from(Box::leak(Box::new(value))).cast(),
            area: area_of::<T>,
            drop: drop_box::<T>,
        }
    }

    /// The value's area.
    pub fn area(&self) -> u64 {
        // SAFETY: `new` made `self.area` for the type of the value at `self.data`, which stays
        // live until `drop`.
        unsafe { (self.area)(self.data) }
    }
}

impl Drop for Erased {
    fn drop(&mut self) {
        // SAFETY: `new` made `self.drop` for the boxed type at `self.data`; this is the only
        // place that frees it, and `self` is never used again.
        unsafe { (self.drop)(self.data) }
    }
}

/// One [`Erased`] per shape.
pub struct ManualVtable(Vec<Erased>);

impl Scene for ManualVtable {
    fn build(shapes: &[Shape]) -> Self {
        Self(
            shapes
                .iter()
                .map(|shape| match *shape {
                    Shape::Circle(c) => Erased::new(c),
                    Shape::Rect(r) => Erased::new(r),
                    Shape::Triangle(t) => Erased::new(t),
                    Shape::Square(s) => Erased::new(s),
                    Shape::Polygon(p) => Erased::new(p),
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
