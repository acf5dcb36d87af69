//! The gallery's entries: which mistake, which family it threatens, which checkers apply, and
//! the safe way that refuses it.

use serde::Serialize;

use crate::{mistakes, safe_ways};

/// How safe Rust refuses a mistake.
pub enum SafeWay {
    /// The safe version does not compile; the file (under `compile_fail/`) must fail with this
    /// error code.
    CompileError {
        /// The file's name.
        file: &'static str,
        /// Its source, compiled by `hazard safe`.
        source: &'static str,
        /// The error code rustc must give, e.g. `E0515`.
        code: &'static str,
    },
    /// The safe version runs and refuses: `Ok(how)` when it refused as it should.
    Refuses(fn() -> Result<String, String>),
}

/// Which sanitizer can see the mistake at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sanitizer {
    /// AddressSanitizer: out-of-bounds, use-after-free, double free, stack use after return.
    Address,
    /// ThreadSanitizer: data races.
    Thread,
}

/// One classic mistake.
pub struct Hazard {
    /// Stable id, e.g. `h05b-use-after-return-to-pool`.
    pub id: &'static str,
    /// The mistake, in a few words.
    pub title: &'static str,
    /// The family whose unsafe variants could make it.
    pub family: &'static str,
    /// Makes the mistake and says what the program saw.
    pub reproduce: fn() -> String,
    /// The sanitizer run on it.
    pub sanitizer: Sanitizer,
    /// What catches the mistake where the checkers are blind to it.
    pub otherwise: &'static str,
    /// How safe Rust refuses it.
    pub safe: SafeWay,
}

/// The gallery, in the order.
pub const HAZARDS: &[Hazard] = &[
    Hazard {
        id: "h01-pointer-past-end",
        title: "pointer arithmetic past the end of an allocation, then a read",
        family: "cast",
        reproduce: mistakes::pointer_past_end,
        sanitizer: Sanitizer::Address,
        otherwise: "bounds-checked indexing or iterators, which never form the pointer",
        safe: SafeWay::Refuses(safe_ways::pointer_past_end),
    },
    Hazard {
        id: "h02-misaligned-words",
        title: "bytes at a misaligned address reinterpreted as &[u32]",
        family: "cast",
        reproduce: mistakes::misaligned_words,
        sanitizer: Sanitizer::Address,
        otherwise: "debug builds' alignment precondition checks in slice::from_raw_parts; \
                    bytemuck and zerocopy check alignment on every cast",
        safe: SafeWay::Refuses(safe_ways::misaligned_words),
    },
    Hazard {
        id: "h03-length-extension",
        title: "slice::from_raw_parts with a length beyond the allocation",
        family: "cast",
        reproduce: mistakes::length_extension,
        sanitizer: Sanitizer::Address,
        otherwise: "deriving lengths from the source slice (chunks_exact, bytemuck) instead of \
                    computing them",
        safe: SafeWay::Refuses(safe_ways::length_extension),
    },
    Hazard {
        id: "h04-stack-escape",
        title: "a pointer to a local escaping its frame, used later",
        family: "serial_decode",
        reproduce: mistakes::stack_escape,
        sanitizer: Sanitizer::Address,
        otherwise: "references instead of raw pointers: the borrow checker rejects the escape",
        safe: SafeWay::CompileError {
            file: "h04_return_local_ref.rs",
            source: include_str!("../compile_fail/h04_return_local_ref.rs"),
            code: "E0515",
        },
    },
    Hazard {
        id: "h05a-use-after-free-box",
        title: "use after free: a value read after its Box dropped",
        family: "pool",
        reproduce: mistakes::use_after_free_box,
        sanitizer: Sanitizer::Address,
        otherwise: "ownership: a moved Box cannot be used",
        safe: SafeWay::CompileError {
            file: "h05a_use_after_drop.rs",
            source: include_str!("../compile_fail/h05a_use_after_drop.rs"),
            code: "E0382",
        },
    },
    Hazard {
        id: "h05b-use-after-return-to-pool",
        title: "use after free: an object used after it was returned to the raw slab",
        family: "pool",
        reproduce: mistakes::use_after_return_to_pool,
        sanitizer: Sanitizer::Address,
        otherwise: "the slot stays inside the slab's live allocation, so no allocator-level \
                    tool can see it; guard types that release on drop, or generation-checked \
                    handles (the index_slab variant), make it impossible or detected",
        safe: SafeWay::CompileError {
            file: "h05b_use_after_release.rs",
            source: include_str!("../compile_fail/h05b_use_after_release.rs"),
            code: "E0382",
        },
    },
    Hazard {
        id: "h06-double-free",
        title: "double free: Box::from_raw twice on one pointer",
        family: "pool",
        reproduce: mistakes::double_free,
        sanitizer: Sanitizer::Address,
        otherwise: "ownership: a Box is dropped once",
        safe: SafeWay::CompileError {
            file: "h06_double_free.rs",
            source: include_str!("../compile_fail/h06_double_free.rs"),
            code: "E0382",
        },
    },
    Hazard {
        id: "h07-invalid-utf8",
        title: "from_utf8_unchecked on invalid bytes, then ordinary string operations",
        family: "text",
        reproduce: mistakes::invalid_utf8,
        sanitizer: Sanitizer::Address,
        otherwise: "invalid UTF-8 in a str breaks a library invariant, not a language rule: \
                    validation (str::from_utf8, simdutf8) or differential fuzzing against it",
        safe: SafeWay::Refuses(safe_ways::invalid_utf8),
    },
    Hazard {
        id: "h08-repr-rust-offset",
        title: "a field read through a hard-coded byte offset of a repr(Rust) struct",
        family: "serial_decode",
        reproduce: mistakes::repr_rust_offset,
        sanitizer: Sanitizer::Address,
        otherwise: "#[repr(C)] with zerocopy/bytemuck derives, which reject padding; \
                    offset_of! where an offset is needed",
        safe: SafeWay::Refuses(safe_ways::repr_rust_offset),
    },
    Hazard {
        id: "h09-data-race",
        title: "a raw per-worker table shared between threads without synchronisation",
        family: "pool_rayon",
        reproduce: mistakes::data_race,
        sanitizer: Sanitizer::Thread,
        otherwise: "Send and Sync: the compiler refuses to share unsynchronised cells",
        safe: SafeWay::CompileError {
            file: "h09_cell_across_threads.rs",
            source: include_str!("../compile_fail/h09_cell_across_threads.rs"),
            code: "E0277",
        },
    },
    Hazard {
        id: "h10-read-uninit",
        title: "a pooled slot read before it was initialised (assume_init)",
        family: "pool",
        reproduce: mistakes::read_uninit,
        sanitizer: Sanitizer::Address,
        otherwise: "MemorySanitizer (not run here); safe code cannot read an unwritten binding",
        safe: SafeWay::CompileError {
            file: "h10_read_uninit.rs",
            source: include_str!("../compile_fail/h10_read_uninit.rs"),
            code: "E0381",
        },
    },
    Hazard {
        id: "h11-set-len-before-write",
        title: "Vec::set_len before the bytes are written, then a short read",
        family: "uninit",
        reproduce: mistakes::set_len_before_write,
        sanitizer: Sanitizer::Address,
        otherwise: "the bytes are inside the allocation, so AddressSanitizer cannot see them; \
                    clippy's uninit_vec lint (deny by default) flags set_len right after \
                    with_capacity, and MemorySanitizer (not run here) the read; set_len only \
                    after writing (spare_capacity_mut), or safe read_to_end / extend, which grow \
                    the length by what was written",
        safe: SafeWay::Refuses(safe_ways::set_len_before_write),
    },
];

/// A hazard by id.
pub fn hazard(id: &str) -> Option<&'static Hazard> {
    HAZARDS.iter().find(|h| h.id == id)
}

/// What `hazard list` prints per entry.
#[derive(Serialize)]
pub struct Listing {
    /// Stable id.
    pub id: &'static str,
    /// The mistake.
    pub title: &'static str,
    /// The family it threatens.
    pub family: &'static str,
    /// The sanitizer run on it.
    pub sanitizer: Sanitizer,
    /// What catches it where the checkers are blind.
    pub otherwise: &'static str,
}

impl Hazard {
    /// Its listing.
    pub fn listing(&self) -> Listing {
        Listing {
            id: self.id,
            title: self.title,
            family: self.family,
            sanitizer: self.sanitizer,
            otherwise: self.otherwise,
        }
    }
}
