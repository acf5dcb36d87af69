//! Cast inputs: the same pseudo-random bytes placed at each misalignment, so every alignment of
//! one size has the same expected sum.

use super::Word;
use crate::generate::Rng;
use crate::{Input, InputName, InputSpec};

/// The shape name for bytes placed `offset` bytes past an aligned address.
pub fn shape_name(offset: usize) -> String {
    if offset == 0 {
        "aligned".to_owned()
    } else {
        format!("misaligned+{offset}")
    }
}

/// Parses a shape name made by [`shape_name`] back into its offset.
pub fn parse_shape(shape: &str) -> Option<usize> {
    match shape {
        "aligned" => Some(0),
        _ => shape.strip_prefix("misaligned+")?.parse().ok(),
    }
}

/// `len` pseudo-random bytes, identical for every caller.
pub fn generate(len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    Rng::new("cast").fill(&mut bytes);
    bytes
}

/// Every size at every offset the word type is generated at.
pub fn specs<W: Word>() -> Vec<InputSpec> {
    W::SIZES
        .iter()
        .flat_map(|&len| {
            W::OFFSETS.iter().map(move |&offset| {
                let shape = shape_name(offset);
                InputSpec::new(InputName::new(shape.clone(), len), move || {
                    Input::new(shape.clone(), &generate(len), offset)
                })
            })
        })
        .collect()
}
