//! What a family, a variant and a kind are: the vocabulary every family, bench, test and the
//! command line share. This module knows no family; the list of them is
//! [`crate::families::FAMILIES`].

use std::fmt;

use crate::unchecked_call::{Bound, Refusal, Run};
use crate::unsafe_code::UnsafeCode;
use crate::{Digest, Input, InputName, InputSpec, Unit};

/// What role a variant plays in a comparison. Only an unsafe variant carries what its unsafe
/// code relies on, so a safe variant cannot claim invariants or skipped work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// What most code writes; the point of departure.
    Baseline,
    /// A safe technique; the best of them is what unsafe must beat.
    Safe,
    /// Contains `unsafe` (raw pointers, unchecked conversions).
    Unsafe(Unsafety),
    /// The least work possible on the same bytes; a reference, never a candidate.
    Floor,
}

impl Kind {
    /// The kind's stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Baseline => "baseline",
            Self::Safe => "safe",
            Self::Unsafe(_) => "unsafe",
            Self::Floor => "floor",
        }
    }

    /// What an unsafe variant relies on; `None` for every other kind.
    pub fn unsafety(self) -> Option<Unsafety> {
        match self {
            Self::Unsafe(unsafety) => Some(unsafety),
            Self::Baseline | Self::Safe | Self::Floor => None,
        }
    }

    /// Whether the variant contains `unsafe`.
    pub fn is_unsafe(self) -> bool {
        matches!(self, Self::Unsafe(_))
    }

    /// Whether the variant is a candidate (baseline, safe or unsafe) rather than a floor.
    pub fn is_candidate(self) -> bool {
        !matches!(self, Self::Floor)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an unsafe variant's soundness rests on, what it skips and where its unsafe code is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unsafety {
    /// What must hold for the unsafe code to be sound; never empty.
    pub invariants: &'static [&'static str],
    /// The work the safe reference does that this variant skips, so that its gain holds only
    /// where that work is done elsewhere. Empty when it does the same work (like for like).
    pub skips: &'static [&'static str],
    /// The items holding its unsafe code and how many unsafe operations they contain, counted
    /// from the source at compile time.
    pub code: UnsafeCode,
}

impl Unsafety {
    /// An unsafe variant's facts. Fails to compile (in a constant) when `invariants` is empty:
    /// unsafe code that relies on nothing needs no `unsafe`.
    pub const fn new(
        invariants: &'static [&'static str],
        skips: &'static [&'static str],
        code: UnsafeCode,
    ) -> Self {
        assert!(
            !invariants.is_empty(),
            "an unsafe variant must name what its unsafe code relies on"
        );
        Self {
            invariants,
            skips,
            code,
        }
    }

    /// Whether the variant does the same work as the safe reference, so that its comparison
    /// with the best safe variant holds for every input it accepts.
    pub fn like_for_like(&self) -> bool {
        self.skips.is_empty()
    }
}

/// One implementation of a family's operation.
pub struct Variant {
    /// Stable name, by technique (`from_utf8_std`, `cast_raw`).
    pub name: &'static str,
    /// Its role in the comparison, with an unsafe variant's invariants.
    pub kind: Kind,
    /// One line: what it does.
    pub description: &'static str,
    /// How it is called and what it requires of its input.
    pub run: Run,
}

impl Variant {
    /// What most code writes.
    pub const fn baseline(name: &'static str, description: &'static str, run: Run) -> Self {
        Self {
            name,
            kind: Kind::Baseline,
            description,
            run,
        }
    }

    /// A safe technique.
    pub const fn safe(name: &'static str, description: &'static str, run: Run) -> Self {
        Self {
            name,
            kind: Kind::Safe,
            description,
            run,
        }
    }

    /// A variant that contains `unsafe`, with what its unsafe code relies on.
    pub const fn with_unsafe(
        name: &'static str,
        description: &'static str,
        unsafety: Unsafety,
        run: Run,
    ) -> Self {
        Self {
            name,
            kind: Kind::Unsafe(unsafety),
            description,
            run,
        }
    }

    /// The least work possible on the same input: a reference, never a candidate.
    pub const fn floor(name: &'static str, description: &'static str, run: Run) -> Self {
        Self {
            name,
            kind: Kind::Floor,
            description,
            run,
        }
    }
}

impl Variant {
    /// Checks this variant's preconditions against `input` and returns a call to time.
    pub fn bind<'a>(&self, input: &'a Input) -> Result<Bound<'a>, Refusal> {
        self.run.bind(input).map_err(|reason| Refusal {
            variant: self.name,
            input: input.name().to_string(),
            reason,
        })
    }
}

impl fmt::Debug for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Variant({}, {})", self.name, self.kind)
    }
}

/// One operation, implemented several ways that must agree.
pub struct Family {
    /// Stable name, used in benchmark ids (`family/shape/variant/size`).
    pub name: &'static str,
    /// What the operation is, in a few words.
    pub title: &'static str,
    /// What the family measures and why it matters.
    pub summary: &'static str,
    /// How outputs are compared for equivalence.
    pub compares: &'static str,
    /// The candidates: baseline, safe and unsafe variants.
    pub variants: &'static [Variant],
    /// The safe variant every other one is checked against.
    pub reference: &'static str,
    /// A separately compiled copy of the reference (the same work, its code at another
    /// address): the verdict protocol's A/A control, which must read equivalent to the
    /// reference. It differs only by one opaque constant, so the compiler cannot merge the two.
    pub reference_copy: Run,
    /// The least work possible on the same bytes, or why no such work bounds the family's.
    pub floor: crate::families::floor::Floor,
    /// The input shape and size the verdict is read at.
    pub headline: (&'static str, usize),
    /// What input sizes count.
    pub unit: Unit,
    /// The generated inputs, cheapest first.
    pub inputs: fn() -> Vec<InputSpec>,
    /// Whether user files (`ledger probe --file`, `LEDGER_CORPUS`) can be inputs.
    pub takes_files: bool,
    /// Whether its variants start threads (rayon workers): such runs need a checker that
    /// understands threads (Miri's Tree Borrows pass, whole-program instruction counts).
    pub spawns_threads: bool,
    /// Small inputs at the edges of a family whose inputs are workloads rather than bytes (keys
    /// at a table's ends, each shape type alone), for the checkers and the tests; byte families
    /// get every short length at every offset instead, and need none.
    pub edge_cases: fn() -> Vec<Input>,
}

/// The `edge_cases` of a family that needs none.
pub fn no_edge_cases() -> Vec<Input> {
    Vec::new()
}

impl Family {
    /// A candidate variant by name.
    pub fn variant(&self, name: &str) -> Option<&'static Variant> {
        self.variants.iter().find(|v| v.name == name)
    }

    /// A candidate or the floor, by name.
    pub fn measured_variant(&self, name: &str) -> Option<&'static Variant> {
        self.variant(name)
            .or(self.floor.variant().filter(|floor| floor.name == name))
    }

    /// The candidates followed by the floor: everything a bench measures.
    pub fn measured(&self) -> impl Iterator<Item = &'static Variant> {
        self.variants.iter().chain(self.floor.variant())
    }

    /// The reference variant.
    ///
    /// # Panics
    ///
    /// If the family names a reference it does not have; the registry tests rule that out.
    pub fn reference(&self) -> &'static Variant {
        self.variant(self.reference)
            .unwrap_or_else(|| panic!("family {} has no reference variant", self.name))
    }

    /// The headline input's name.
    pub fn headline(&self) -> InputName {
        InputName::counted(self.headline.0, self.headline.1, self.unit)
    }

    /// The inputs instruction counts are taken on: the smallest input of the headline's shape
    /// (the fixed cost of a call) and the headline input. Counting every input under callgrind
    /// or an emulator would take hours for little more insight.
    pub fn counted_inputs(&self) -> Vec<InputSpec> {
        let (shape, size) = self.headline;
        let mut specs: Vec<InputSpec> = (self.inputs)()
            .into_iter()
            .filter(|spec| spec.name.shape == shape)
            .collect();
        specs.sort_by_key(|spec| spec.name.size);
        let smallest = specs.first().map(|spec| spec.name.size);
        specs.retain(|spec| Some(spec.name.size) == smallest || spec.name.size == size);
        specs
    }

    /// Runs `variant` on `input` and checks its digest against the reference's.
    ///
    /// A floor is not a candidate, so its digest is returned unchecked.
    pub fn verify(&self, variant: &Variant, input: &Input) -> Result<Digest, VerifyError> {
        let digest = variant
            .bind(input)
            .map_err(VerifyError::Refused)?
            .run_once();
        if !variant.kind.is_candidate() {
            return Ok(digest);
        }
        let expected = self
            .reference()
            .bind(input)
            .map_err(VerifyError::Refused)?
            .run_once();
        if digest == expected {
            Ok(digest)
        } else {
            Err(VerifyError::Mismatch {
                family: self.name,
                variant: variant.name,
                input: input.name().to_string(),
                expected,
                got: digest,
            })
        }
    }
}

impl Family {
    /// [`Family::verify`] for checkers (tests, fuzzing): `Ok(true)` when `variant` agrees with
    /// the reference, `Ok(false)` when it declines an input its declared preconditions rule
    /// out, and an error for a disagreement or for a refusal it never declared.
    pub fn check(&self, variant: &Variant, input: &Input) -> Result<bool, VerifyError> {
        match self.verify(variant, input) {
            Ok(_) => Ok(true),
            Err(VerifyError::Refused(refusal)) if variant.run.requires().is_empty() => {
                Err(VerifyError::Undeclared(refusal))
            }
            Err(VerifyError::Refused(_)) => Ok(false),
            Err(mismatch) => Err(mismatch),
        }
    }
}

impl fmt::Debug for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Family({})", self.name)
    }
}

/// Why [`Family::verify`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The variant's preconditions do not hold for the input.
    Refused(Refusal),
    /// The variant refused an input without declaring any precondition.
    Undeclared(Refusal),
    /// The variant disagrees with the reference.
    Mismatch {
        /// Family name.
        family: &'static str,
        /// Variant name.
        variant: &'static str,
        /// Input name.
        input: String,
        /// The reference's digest.
        expected: Digest,
        /// The variant's digest.
        got: Digest,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused(r) => r.fmt(f),
            Self::Undeclared(r) => write!(f, "refused without declaring a precondition: {r}"),
            Self::Mismatch {
                family,
                variant,
                input,
                expected,
                got,
            } => write!(
                f,
                "{family}/{variant} disagrees with the reference on {input}: expected {expected}, got {got}"
            ),
        }
    }
}

impl std::error::Error for VerifyError {}
