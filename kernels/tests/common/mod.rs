//! Helpers shared by the kernel test files.
#![allow(
    dead_code,
    reason = "each test file uses its own subset of the helpers"
)]

use kernels::{Digest, Family, Input, Kind, Unit};
use proptest::test_runner::Config as ProptestConfig;

/// Property tests: 256 cases natively; under Miri 4 cases and no failure file (Miri's isolation
/// forbids touching the disk).
pub fn proptest_config() -> ProptestConfig {
    if cfg!(miri) {
        ProptestConfig {
            cases: 4,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    } else {
        ProptestConfig::with_cases(256)
    }
}

/// The largest generated input (in its unit: bytes, records, operations) the tests check: every
/// size up to 1 MiB natively (the benches check the 16 MiB inputs before timing them), only the
/// small ones under Miri, which is ~1000× slower. Under Miri the pool workloads (16 operations
/// at the smallest) are left to tests/pool.rs, which runs every pool variant on 0, 1 and 5
/// operations of both objects: 16 operations reach no further branch and cost a minute.
pub fn max_test_len(unit: Unit) -> usize {
    match unit {
        _ if !cfg!(miri) => 1 << 20,
        Unit::Operations => 5,
        Unit::Bytes | Unit::Records => 256,
    }
}

/// Runs every variant (and the floor) of `family` on `input` and checks each against the
/// reference. A variant may refuse the input only if it declares preconditions. Returns how
/// many candidates accepted it.
pub fn check_all(family: &Family, input: &Input) -> usize {
    let accepted = check_each(family, family.measured(), input);
    assert!(accepted > 0, "no variant of {} took {input:?}", family.name);
    accepted
}

/// Checks each of `variants` on `input` against the reference; returns how many candidates
/// accepted it.
fn check_each(
    family: &Family,
    variants: impl Iterator<Item = &'static kernels::Variant>,
    input: &Input,
) -> usize {
    let mut accepted = 0;
    for variant in variants {
        match family.check(variant, input) {
            Ok(ran) => accepted += usize::from(ran && variant.kind != Kind::Floor),
            Err(e) => panic!("{}: {e}", variant.name),
        }
    }
    accepted
}

/// The variants a sweep checks: every one natively; under Miri the unsafe ones only, each
/// against the reference. Miri is there for the unsafe code; the safe variants' agreement is
/// checked natively on the same inputs, and under Miri on the generated inputs
/// (`all_variants_agree_on_generated_inputs`), which keeps the test command within its budget.
pub fn swept(family: &Family) -> impl Iterator<Item = &'static kernels::Variant> {
    family
        .measured()
        .filter(|v| !cfg!(miri) || v.kind.is_unsafe())
}

/// Like [`check_all`], over [`swept`] variants; returns how many candidates accepted `input`.
pub fn check_sweep(family: &Family, input: &Input) -> usize {
    check_each(family, swept(family), input)
}

/// How many candidates a sweep checks (all of them natively; the unsafe ones under Miri).
pub fn swept_candidates(family: &Family) -> usize {
    swept(family).filter(|v| v.kind != Kind::Floor).count()
}

/// The reference's digest for `input`.
pub fn reference_digest(family: &Family, input: &Input) -> Digest {
    match family.reference().bind(input) {
        Ok(mut call) => call.run_once(),
        Err(r) => panic!("the reference must take every input: {r}"),
    }
}
