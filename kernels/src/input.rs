//! Inputs: bytes placed at a chosen alignment, named `shape/size`, with the facts a variant's
//! preconditions are checked against established once, when the input is built.
//!
//! An [`Input`] never changes after construction, so a fact such as "these bytes are valid UTF-8"
//! stays true for its whole life. That is what lets an unchecked variant be called on it without
//! re-validating inside the timed region: the check happened here, outside it.

use std::fmt;

use crate::Utf8Failure;
use crate::generate::size_label;

/// The largest misalignment an input can be placed at; its backing storage is aligned to this.
pub const MAX_ALIGN: usize = 16;

/// An input's name: its shape (how the bytes were made) and its length.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InputName {
    /// How the bytes were made, e.g. `cjk`, `misaligned+1`, `twitter.json`.
    pub shape: String,
    /// Length in bytes.
    pub len: usize,
}

impl InputName {
    /// A name from its parts.
    pub fn new(shape: impl Into<String>, len: usize) -> Self {
        Self {
            shape: shape.into(),
            len,
        }
    }

    /// The size part of the name, e.g. `64KiB`.
    pub fn size_label(&self) -> String {
        size_label(self.len)
    }
}

impl fmt::Display for InputName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.shape, self.size_label())
    }
}

/// Immutable bytes stored so that their first byte sits `offset` bytes past a
/// [`MAX_ALIGN`]-aligned address.
struct PlacedBytes {
    // `u128` storage is 16-aligned on every supported target; bytemuck views it as bytes safely.
    storage: Vec<u128>,
    offset: usize,
    len: usize,
}

impl PlacedBytes {
    fn new(bytes: &[u8], offset: usize) -> Self {
        assert!(
            offset < MAX_ALIGN,
            "offset {offset} must be below {MAX_ALIGN}"
        );
        let words = (offset + bytes.len()).div_ceil(size_of::<u128>());
        let mut storage = vec![0u128; words];
        bytemuck::cast_slice_mut::<u128, u8>(&mut storage)[offset..offset + bytes.len()]
            .copy_from_slice(bytes);
        Self {
            storage,
            offset,
            len: bytes.len(),
        }
    }

    fn bytes(&self) -> &[u8] {
        &bytemuck::cast_slice::<u128, u8>(&self.storage)[self.offset..self.offset + self.len]
    }
}

/// One benchmark or test input.
pub struct Input {
    name: InputName,
    bytes: PlacedBytes,
    /// Whether `bytes` is valid UTF-8, decided once at construction by `std::str::from_utf8`.
    utf8: Result<(), Utf8Failure>,
}

impl Input {
    /// Copies `bytes` into fresh storage whose first byte is `offset` bytes past a 16-aligned
    /// address (`offset` < 16), and records the facts preconditions are checked against.
    pub fn new(shape: impl Into<String>, bytes: &[u8], offset: usize) -> Self {
        let utf8 = std::str::from_utf8(bytes)
            .map(|_| ())
            .map_err(Utf8Failure::from);
        Self {
            name: InputName::new(shape, bytes.len()),
            bytes: PlacedBytes::new(bytes, offset),
            utf8,
        }
    }

    /// The input's name.
    pub fn name(&self) -> &InputName {
        &self.name
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.bytes()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len
    }

    /// Whether the input has no bytes.
    pub fn is_empty(&self) -> bool {
        self.bytes.len == 0
    }

    /// Whether the bytes are valid UTF-8, and where they stop being so if not.
    pub fn utf8(&self) -> Result<(), Utf8Failure> {
        self.utf8
    }
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Input")
            .field("name", &self.name.to_string())
            .field("utf8", &self.utf8)
            .finish_non_exhaustive()
    }
}

/// A named input that is generated only when asked for, so listing a family's inputs costs
/// nothing and a 16 MiB input exists only while it is measured.
pub struct InputSpec {
    /// The input's name.
    pub name: InputName,
    generate: Box<dyn Fn() -> Input + Send + Sync>,
}

impl InputSpec {
    /// A spec whose bytes `generate` makes; the generated input must carry `name`.
    pub fn new(name: InputName, generate: impl Fn() -> Input + Send + Sync + 'static) -> Self {
        Self {
            name,
            generate: Box::new(generate),
        }
    }

    /// Builds the input.
    pub fn generate(&self) -> Input {
        let input = (self.generate)();
        debug_assert_eq!(input.name(), &self.name, "generator made a misnamed input");
        input
    }
}

impl fmt::Debug for InputSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InputSpec({})", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_honours_offset_and_content() {
        let data: Vec<u8> = (0..=40).collect();
        for offset in 0..MAX_ALIGN {
            let input = Input::new("t", &data, offset);
            assert_eq!(input.bytes(), &data[..]);
            assert_eq!(input.bytes().as_ptr().addr() % MAX_ALIGN, offset);
        }
        let empty = Input::new("t", &[], 3);
        assert!(empty.is_empty());
        assert_eq!(empty.name().to_string(), "t/0B");
    }

    #[test]
    fn utf8_fact_is_recorded() {
        assert_eq!(Input::new("t", "héllo".as_bytes(), 1).utf8(), Ok(()));
        let bad = Input::new("t", b"ab\xffcd", 0).utf8().unwrap_err();
        assert_eq!(bad.valid_up_to, 2);
        assert_eq!(bad.error_len, Some(1));
    }
}
