//! Uninit inputs: shape `copy` is random bytes, copied; shape `lowercase` is mixed-script text,
//! lowercased; both at every size of the shared table, 16 B to 16 MiB (the 4 KiB to
//! 16 MiB, where zeroing goes from cache to memory bandwidth, plus the small sizes Miri runs).

use crate::generate::SIZES;
use crate::{Input, InputName, InputSpec};

/// The source bytes of `shape` at `len`.
pub fn generate(shape: &str, len: usize) -> Vec<u8> {
    match shape {
        "lowercase" => crate::families::text::inputs::generate("mixed", len),
        _ => crate::families::cast::inputs::generate(len),
    }
}

/// Both shapes at every size.
pub fn specs() -> Vec<InputSpec> {
    ["copy", "lowercase"]
        .into_iter()
        .flat_map(|shape| {
            SIZES.into_iter().map(move |len| {
                InputSpec::new(InputName::new(shape, len), move || {
                    Input::new(shape, &generate(shape, len), 0)
                })
            })
        })
        .collect()
}
