//! The families: the one list that benches, tests, `ledger` and the catalog iterate. Each family
//! lives in its own folder (`mod.rs` with its registry entry, `safe.rs`, `raw.rs`, `inputs.rs`);
//! adding one is a folder and one line in [`FAMILIES`].

pub mod cast;
pub mod dispatch;
pub mod floor;
pub mod index;
pub mod pool;
pub mod search;
pub mod serial;
pub mod stencil;
pub mod text;
pub mod uninit;

use crate::family::{Family, Variant};

/// The opaque constant that makes each family's `reference_copy` differ from its reference, so
/// that the compiler cannot merge the two into one function.
pub(crate) const COPY_MARK: u32 = 0xC0_9E;

/// Every family, in the order reports show them.
pub static FAMILIES: &[&Family] = &[
    &text::TEXT,
    &cast::CAST,
    &cast::cast_u64::CAST_U64,
    &pool::POOL,
    &pool::pool_rayon::POOL_RAYON,
    &serial::serial_encode::SERIAL_ENCODE,
    &serial::serial_decode::SERIAL_DECODE,
    &index::INDEX,
    &stencil::STENCIL,
    &search::SEARCH,
    &uninit::UNINIT,
    &uninit::uninit_read::UNINIT_READ,
    &dispatch::DISPATCH,
];

/// Looks a family up by name.
pub fn family(name: &str) -> Option<&'static Family> {
    FAMILIES.iter().copied().find(|f| f.name == name)
}

/// Every unsafe variant with its family, in registry order: what the checkers run.
pub fn unsafe_variants() -> impl Iterator<Item = (&'static Family, &'static Variant)> {
    FAMILIES.iter().copied().flat_map(|f| {
        f.variants
            .iter()
            .filter(|v| v.kind.is_unsafe())
            .map(move |v| (f, v))
    })
}
