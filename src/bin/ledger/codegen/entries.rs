//! Where each variant's timed call enters this program, as an offset from an anchor function
//! (`wire::codegen::EntryPoints` says why offsets).

use anyhow::bail;
use kernels::FAMILIES;
use wire::codegen::{EntryPoint, EntryPoints};

/// The demangled symbol of [`anchor`] in a listing of this program.
pub const ANCHOR: &str = "ledger::codegen::entries::anchor";

/// A function whose only use is its address. Its body returns a constant of its own, so that
/// no other function is identical to it and could be merged with it.
#[inline(never)]
fn anchor() -> u64 {
    std::hint::black_box(0x1ed9_e4a7)
}

/// Binds every measured variant of every family at its headline input, as the verdict protocol
/// does, and records where its calls enter.
pub fn of_this_program() -> anyhow::Result<EntryPoints> {
    let anchor_at = anchor as fn() -> u64 as usize;
    let mut entries = Vec::new();
    for family in FAMILIES {
        let headline = family.headline();
        let Some(spec) = (family.inputs)().into_iter().find(|s| s.name == headline) else {
            bail!("{}: its headline input is not generated", family.name);
        };
        let input = spec.generate();
        for variant in family.measured() {
            let (offset, refused) = match variant.bind(&input) {
                Ok(bound) => {
                    let at = bound.entry_point() as usize;
                    (Some(at.wrapping_sub(anchor_at) as isize as i64), None)
                }
                Err(refusal) => (None, Some(refusal.reason)),
            };
            entries.push(EntryPoint {
                family: family.name.to_owned(),
                variant: variant.name.to_owned(),
                input: input.name().to_string(),
                offset,
                refused,
            });
        }
    }
    Ok(EntryPoints {
        arch: std::env::consts::ARCH.to_owned(),
        anchor: ANCHOR.to_owned(),
        entries,
    })
}
