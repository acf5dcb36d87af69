//! Where an unsafe variant's `unsafe` is, counted from its source when the crate compiles.
//!
//! A reviewer weighing a speedup wants to know how much unsafe code buys it. Each unsafe variant
//! names the items (functions, impls) that hold its unsafe code; the number of unsafe operations
//! in them is counted from the source text at compile time, so it cannot drift from the code.
//! Clippy's `multiple_unsafe_ops_per_block` holds every `unsafe {}` block of this crate to one
//! operation, so counting blocks counts operations; an `unsafe impl` counts as one promise.
//! The count is of places in the code, not of operations executed.

/// The unsafe code one variant runs: named items of one source file and their unsafe operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnsafeCode {
    /// The source file, relative to the workspace root.
    pub file: &'static str,
    /// How each item starts in that file, e.g. `fn sum_read_unaligned<`.
    pub items: &'static [&'static str],
    /// `unsafe {}` blocks plus `unsafe impl`s in those items.
    pub operations: usize,
}

impl UnsafeCode {
    /// Counts the unsafe operations of `items` in `source` (the text of `file`). Fails to compile
    /// when used in a constant and an item is not found exactly once, so a renamed function is
    /// noticed at build time.
    pub const fn counted(
        file: &'static str,
        source: &'static str,
        items: &'static [&'static str],
    ) -> Self {
        let mut operations = 0;
        let mut i = 0;
        while i < items.len() {
            operations += operations_in_item(source.as_bytes(), items[i].as_bytes());
            i += 1;
        }
        Self {
            file,
            items,
            operations,
        }
    }
}

/// A family's `raw.rs`, the one file of a family that holds its unsafe code, read when the crate
/// compiles. Each family names it once (`raw_file!("cast")`) and its variants count their items
/// in it with [`RawFile::code`].
#[derive(Clone, Copy, Debug)]
pub struct RawFile {
    /// The path, relative to the workspace root, that the site and the review show.
    pub file: &'static str,
    /// The file's text.
    pub source: &'static str,
}

impl RawFile {
    /// The unsafe code of `items` in this file (see [`UnsafeCode::counted`]).
    pub const fn code(&self, items: &'static [&'static str]) -> UnsafeCode {
        UnsafeCode::counted(self.file, self.source, items)
    }
}

/// The [`RawFile`] of the family in `kernels/src/families/$family/`.
macro_rules! raw_file {
    ($family:literal) => {
        $crate::unsafe_code::RawFile {
            file: concat!("kernels/src/families/", $family, "/raw.rs"),
            source: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/families/",
                $family,
                "/raw.rs"
            )),
        }
    };
}
pub(crate) use raw_file;

/// Unsafe operations from the start of `header` to the brace that closes its body.
const fn operations_in_item(source: &[u8], header: &[u8]) -> usize {
    let start = match find(source, header, 0) {
        Some(at) => at,
        None => panic!("an item named by an unsafe variant is not in its source file"),
    };
    if find(source, header, start + 1).is_some() {
        panic!("an item named by an unsafe variant appears twice in its source file");
    }
    let end = body_end(source, start);
    count(source, b"unsafe {", start, end) + count(source, b"unsafe impl", start, end)
}

/// The index just past the `}` matching the first `{` at or after `from`.
const fn body_end(source: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    let mut i = from;
    while i < source.len() {
        match source[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    panic!("an item named by an unsafe variant has no complete body")
}

/// The first occurrence of `needle` in `haystack` at or after `from`.
const fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + needle.len() <= haystack.len() {
        if matches_at(haystack, needle, i) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Occurrences of `needle` starting in `start..end`.
const fn count(haystack: &[u8], needle: &[u8], start: usize, end: usize) -> usize {
    let mut n = 0;
    let mut i = start;
    while i < end && i + needle.len() <= haystack.len() {
        if matches_at(haystack, needle, i) {
            n += 1;
        }
        i += 1;
    }
    n
}

const fn matches_at(haystack: &[u8], needle: &[u8], at: usize) -> bool {
    let mut j = 0;
    while j < needle.len() {
        if haystack[at + j] != needle[j] {
            return false;
        }
        j += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::UnsafeCode;

    const SOURCE: &str = "\
fn first(x: &[u8]) -> u8 {
    // SAFETY: ...
    let a = unsafe { x.get_unchecked(0) };
    if true { let _ = unsafe {
        x.as_ptr().read()
    }; }
    *a
}

unsafe impl Sync for Table {}

fn second() {
    unsafe { f() };
}
";

    #[test]
    fn counts_blocks_and_impls_inside_the_named_items_only() {
        const FIRST: UnsafeCode = UnsafeCode::counted("x.rs", SOURCE, &["fn first("]);
        assert_eq!(FIRST.operations, 2);
        const BOTH: UnsafeCode = UnsafeCode::counted(
            "x.rs",
            SOURCE,
            &["unsafe impl Sync for Table", "fn second("],
        );
        assert_eq!(BOTH.operations, 2);
    }

    #[test]
    #[should_panic(expected = "not in its source file")]
    fn a_missing_item_is_refused() {
        let _ = UnsafeCode::counted("x.rs", SOURCE, &["fn third("]);
    }

    #[test]
    #[should_panic(expected = "appears twice")]
    fn an_ambiguous_item_is_refused() {
        let _ = UnsafeCode::counted("x.rs", SOURCE, &["fn "]);
    }
}
