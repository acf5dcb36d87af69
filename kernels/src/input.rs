//! Inputs: bytes placed at a chosen alignment, named `shape/size`, with the facts a variant's
//! preconditions are checked against established once, when the input is built.
//!
//! Byte-oriented families size their inputs in bytes. Families whose inputs are counted in
//! something else (records, operations of a workload) name the count in their [`Unit`], and a
//! workload family attaches a typed description of the work (see [`Input::workload`]).
//!
//! An [`Input`] never changes after construction, so a fact such as "these bytes are valid UTF-8"
//! stays true for its whole life. That is what lets an unchecked variant be called on it without
//! re-validating inside the timed region: the check happened here, outside it.

use std::any::Any;
use std::fmt;

use crate::Utf8Failure;
use crate::generate::{count_label, size_label};

/// The largest misalignment an input can be placed at; its backing storage is aligned to this.
pub const MAX_ALIGN: usize = 16;

/// What an input's size counts; throughput is reported per unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// Bytes: sizes read `64KiB`, throughput in bytes per second.
    Bytes,
    /// Fixed-layout records: sizes read `1k`, throughput in records per second.
    Records,
    /// Operations of a workload: sizes read `64k`, throughput in operations per second.
    Operations,
}

impl Unit {
    /// The unit's stable lowercase plural name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bytes => "bytes",
            Self::Records => "records",
            Self::Operations => "operations",
        }
    }

    /// A size in this unit as input names show it.
    pub fn label(self, size: usize) -> String {
        match self {
            Self::Bytes => size_label(size),
            Self::Records | Self::Operations => count_label(size),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An input's name: its shape (how it was made) and its size in its unit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InputName {
    /// How the input was made, e.g. `cjk`, `misaligned+1`, `twitter.json`, `scratch`.
    pub shape: String,
    /// Size in `unit`s.
    pub size: usize,
    /// What `size` counts.
    pub unit: Unit,
}

impl InputName {
    /// The name of `len` bytes of the given shape.
    pub fn new(shape: impl Into<String>, len: usize) -> Self {
        Self::counted(shape, len, Unit::Bytes)
    }

    /// The name of `size` items counted in `unit`.
    pub fn counted(shape: impl Into<String>, size: usize, unit: Unit) -> Self {
        Self {
            shape: shape.into(),
            size,
            unit,
        }
    }

    /// The size part of the name, e.g. `64KiB` or `1k`.
    pub fn size_label(&self) -> String {
        self.unit.label(self.size)
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
    /// For workload families, what the work is; its type belongs to the family.
    workload: Option<Box<dyn Any + Send + Sync>>,
}

impl Input {
    /// Copies `bytes` into fresh storage whose first byte is `offset` bytes past a 16-aligned
    /// address (`offset` < 16), and records the facts preconditions are checked against. The
    /// input is named by its length in bytes.
    pub fn new(shape: impl Into<String>, bytes: &[u8], offset: usize) -> Self {
        Self::named(InputName::new(shape, bytes.len()), bytes, offset)
    }

    /// Like [`Input::new`], under a name that counts something other than bytes (records).
    pub fn named(name: InputName, bytes: &[u8], offset: usize) -> Self {
        let utf8 = std::str::from_utf8(bytes)
            .map(|_| ())
            .map_err(Utf8Failure::from);
        Self {
            name,
            bytes: PlacedBytes::new(bytes, offset),
            utf8,
            workload: None,
        }
    }

    /// An input that is a description of work rather than bytes (its bytes are empty).
    pub fn of_workload<W: Any + Send + Sync>(name: InputName, workload: W) -> Self {
        Self {
            workload: Some(Box::new(workload)),
            ..Self::named(name, &[], 0)
        }
    }

    /// The same bytes with a workload attached: what every variant would otherwise derive from
    /// the bytes for itself (decoded records), made once so that all of them read the same
    /// memory.
    pub fn with_workload<W: Any + Send + Sync>(self, workload: W) -> Self {
        Self {
            workload: Some(Box::new(workload)),
            ..self
        }
    }

    /// The workload this input describes, if it describes one of type `W`.
    pub fn workload<W: Any>(&self) -> Option<&W> {
        self.workload.as_deref()?.downcast_ref()
    }

    /// The input's name.
    pub fn name(&self) -> &InputName {
        &self.name
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.bytes()
    }

    /// Length of the bytes (not the size in the name's unit).
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
    /// Parameters of the input beyond its shape and size, e.g. `threads = 2` for a workload
    /// split across rayon workers; shown by `ledger list`.
    pub params: Vec<(&'static str, String)>,
    generate: Box<dyn Fn() -> Input + Send + Sync>,
}

impl InputSpec {
    /// A spec whose bytes `generate` makes; the generated input must carry `name`.
    pub fn new(name: InputName, generate: impl Fn() -> Input + Send + Sync + 'static) -> Self {
        Self {
            name,
            params: Vec::new(),
            generate: Box::new(generate),
        }
    }

    /// The same spec with one more parameter.
    pub fn with_param(mut self, key: &'static str, value: impl ToString) -> Self {
        self.params.push((key, value.to_string()));
        self
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
    fn counted_names_and_workloads() {
        let name = InputName::counted("scratch", 64_000, Unit::Operations);
        assert_eq!(name.to_string(), "scratch/64k");
        let input = Input::of_workload(name.clone(), 7u32);
        assert_eq!(input.name(), &name);
        assert_eq!(input.workload::<u32>(), Some(&7));
        assert_eq!(input.workload::<u64>(), None);
        assert!(input.is_empty());
        assert_eq!(Input::new("t", b"ab", 0).workload::<u32>(), None);
        let both = Input::new("t", b"ab", 1).with_workload(5u8);
        assert_eq!(
            (both.bytes(), both.workload::<u8>()),
            (&b"ab"[..], Some(&5))
        );
        assert_eq!(both.bytes().as_ptr().addr() % MAX_ALIGN, 1);
    }

    #[test]
    fn utf8_fact_is_recorded() {
        assert_eq!(Input::new("t", "héllo".as_bytes(), 1).utf8(), Ok(()));
        let bad = Input::new("t", b"ab\xffcd", 0).utf8().unwrap_err();
        assert_eq!(bad.valid_up_to, 2);
        assert_eq!(bad.error_len, Some(1));
    }
}
