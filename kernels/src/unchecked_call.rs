//! Calling a variant: preconditions checked once at binding, then unchecked calls in the loop.
//!
//! Every variant is stored as an `unsafe fn` pointer together with the preconditions it needs
//! (safe functions coerce to `unsafe fn` pointers and need none). [`Run::bind`] checks those
//! preconditions against an [`Input`], whose facts were established when it was built, and only
//! then hands out a [`Bound`] call. This is the capability pattern: check once outside the timed
//! region, call without checks inside it. It is the one place where the harness calls unsafe
//! code, so the reasoning lives here and nowhere else.
#![allow(unsafe_code)]

use std::fmt;
use std::hint::black_box;

use crate::{Digest, Fixture, Input};

/// Something a variant needs to hold of its input before it may be called.
#[derive(Clone, Copy, Debug)]
pub enum Precondition {
    /// The bytes are valid UTF-8.
    ValidUtf8,
    /// The first byte's address is a multiple of `align`, the alignment of `type_name`.
    AlignedFor {
        /// Required alignment in bytes.
        align: usize,
        /// The element type the bytes are viewed as.
        type_name: &'static str,
    },
    /// A fact about the content that a family defines and a safe function checks.
    Holds {
        /// The fact, for people.
        fact: &'static str,
        /// Checks it, saying what is wrong when it does not hold.
        check: fn(&[u8]) -> Result<(), String>,
    },
}

impl Precondition {
    /// A one-line statement of the precondition for people.
    pub fn describe(&self) -> String {
        match self {
            Self::ValidUtf8 => "bytes are valid UTF-8".to_owned(),
            Self::AlignedFor { align, type_name } => {
                format!("first byte is {align}-byte aligned (for {type_name})")
            }
            Self::Holds { fact, .. } => (*fact).to_owned(),
        }
    }

    /// Whether the precondition is about where the bytes are rather than what they are: only such
    /// facts can change when a buffer is handed back unchanged.
    fn concerns_address(&self) -> bool {
        matches!(self, Self::AlignedFor { .. })
    }

    /// Checks the precondition for `bytes`, which are `input`'s bytes or a copy of them.
    fn check(&self, input: &Input, bytes: &[u8]) -> Result<(), String> {
        match *self {
            Self::ValidUtf8 => input.utf8().map_err(|e| e.to_string()),
            Self::AlignedFor { align, .. } => {
                let misalignment = bytes.as_ptr().addr() % align;
                if misalignment == 0 {
                    Ok(())
                } else {
                    Err(format!(
                        "first byte is at offset {misalignment} from a {align}-byte boundary"
                    ))
                }
            }
            Self::Holds { check, .. } => check(bytes),
        }
    }
}

/// How a variant is called, and what it requires of its input.
#[derive(Clone, Copy)]
pub struct Run {
    call: Call,
    requires: &'static [Precondition],
}

/// Builds a variant's [`Fixture`] from an input, before timing.
pub type BuildFixture = for<'a> fn(&'a Input) -> Box<dyn Fixture + 'a>;

#[derive(Clone, Copy)]
enum Call {
    /// Reads borrowed bytes.
    Borrow(unsafe fn(&[u8]) -> Digest),
    /// Takes ownership of a copy made outside the timed region and gives the buffer back, so
    /// that freeing it is not timed either.
    Consume(unsafe fn(Vec<u8>) -> (Digest, Vec<u8>)),
    /// Builds state from the input once, then runs it; safe code only (unsafe code inside a
    /// fixture is encapsulated behind a sound safe interface).
    Fixture(BuildFixture),
}

impl Run {
    /// A safe function of borrowed bytes: callable on any input.
    pub const fn borrow(f: fn(&[u8]) -> Digest) -> Self {
        Self {
            call: Call::Borrow(f),
            requires: &[],
        }
    }

    /// A safe function of owned bytes: callable on any input.
    pub const fn consume(f: fn(Vec<u8>) -> (Digest, Vec<u8>)) -> Self {
        Self {
            call: Call::Consume(f),
            requires: &[],
        }
    }

    /// A safe function whose state is built from the input before timing.
    pub const fn fixture(build: BuildFixture) -> Self {
        Self {
            call: Call::Fixture(build),
            requires: &[],
        }
    }

    /// Like [`Run::fixture`], for a fixture that only gives a meaningful result when `requires`
    /// holds (a text format cannot carry every bit pattern a binary record can): inputs that
    /// break it are refused rather than measured. Soundness never depends on these.
    pub const fn fixture_requiring(build: BuildFixture, requires: &'static [Precondition]) -> Self {
        Self {
            call: Call::Fixture(build),
            requires,
        }
    }

    /// A safe function of borrowed bytes that only gives a meaningful result when `requires`
    /// holds (a zero-copy view exists only for aligned bytes): inputs that break it are refused
    /// rather than measured. Soundness never depends on these preconditions.
    pub const fn borrow_requiring(
        f: fn(&[u8]) -> Digest,
        requires: &'static [Precondition],
    ) -> Self {
        Self {
            call: Call::Borrow(f),
            requires,
        }
    }

    /// An unsafe function of borrowed bytes, callable once `requires` holds.
    ///
    /// # Safety
    ///
    /// Behavior is undefined if any of the following conditions are violated:
    /// - calling `f` on any bytes that satisfy every precondition in `requires` is sound.
    pub const unsafe fn borrow_unchecked(
        f: unsafe fn(&[u8]) -> Digest,
        requires: &'static [Precondition],
    ) -> Self {
        Self {
            call: Call::Borrow(f),
            requires,
        }
    }

    /// An unsafe function of owned bytes, callable once `requires` holds.
    ///
    /// # Safety
    ///
    /// Behavior is undefined if any of the following conditions are violated:
    /// - calling `f` on any buffer whose bytes satisfy every precondition in `requires` is
    ///   sound;
    /// - `f` returns the buffer it was given with its contents unchanged (the harness calls `f`
    ///   again on the returned buffer, checking only its address again, see [`Bound::run`]).
    pub const unsafe fn consume_unchecked(
        f: unsafe fn(Vec<u8>) -> (Digest, Vec<u8>),
        requires: &'static [Precondition],
    ) -> Self {
        Self {
            call: Call::Consume(f),
            requires,
        }
    }

    /// What the function needs of its input; empty for safe functions.
    pub fn requires(&self) -> &'static [Precondition] {
        self.requires
    }

    /// Whether the function takes ownership of a copy of the input.
    pub fn consumes(&self) -> bool {
        matches!(self.call, Call::Consume(_))
    }

    /// Checks every precondition against `input` and returns a call that may then be made any
    /// number of times without further checks. A consuming variant's copy of the input is made
    /// (and checked) here, outside any timed region.
    pub fn bind<'a>(&self, input: &'a Input) -> Result<Bound<'a>, String> {
        for precondition in self.requires {
            precondition.check(input, input.bytes())?;
        }
        let call = match self.call {
            Call::Borrow(f) => Ready::Borrow {
                bytes: input.bytes(),
                f,
            },
            Call::Consume(f) => {
                let mut call = OwnedCall {
                    input,
                    requires: self.requires,
                    f,
                    buffer: None,
                };
                call.buffer = Some(call.copy()?);
                Ready::Consume(call)
            }
            Call::Fixture(build) => Ready::Fixture {
                fixture: build(input),
                ran: false,
            },
        };
        Ok(Bound { call, last: None })
    }
}

/// A variant bound to an input whose preconditions have been checked: a ready call that may be
/// repeated any number of times.
///
/// This is the one way the harness calls a variant. The criterion bench, the instruction-count
/// bench, `ledger probe` and the verdict protocol all call [`Bound::run`], so the times and the
/// instruction counts the report shows side by side measure the same call: inputs and outputs
/// pass through [`black_box`], a consuming variant works on one copy made at binding and given
/// back by each call, and a fixture runs its prepared state.
///
/// A consuming call's buffer never leaves its `Bound`: nothing outside can hand one call's buffer
/// to another, so the facts checked for a buffer are facts about the buffer the variant gets.
/// (An earlier API handed buffers out; passing a buffer that a safe variant had corrupted to an
/// unchecked one was undefined behaviour from safe code. It must stay impossible to write:)
///
/// ```compile_fail,E0599
/// use kernels::{Digest, Input, Run};
/// let input = Input::new("t", b"text", 0);
/// let corrupt = Run::consume(|mut v: Vec<u8>| { v[0] = 0xFF; (Digest::Floor(0), v) });
/// let a = corrupt.bind(&input).unwrap();
/// let unchecked = kernels::family("text").unwrap().variant("string_from_utf8_unchecked").unwrap();
/// let b = unchecked.bind(&input).unwrap();
/// b.call(a.prepare());
/// ```
pub struct Bound<'a> {
    call: Ready<'a>,
    /// The digest of the latest call of a byte variant (a fixture reduces its own on demand).
    last: Option<Digest>,
}

enum Ready<'a> {
    /// Called on the input's bytes in place.
    Borrow {
        /// Borrowed from an [`Input`], which never changes, so the facts checked at binding hold.
        bytes: &'a [u8],
        f: unsafe fn(&[u8]) -> Digest,
    },
    /// Called on an owned copy of the input's bytes.
    Consume(OwnedCall<'a>),
    /// Runs state built from the input.
    Fixture {
        fixture: Box<dyn Fixture + 'a>,
        ran: bool,
    },
}

impl Bound<'_> {
    /// Makes `iterations` calls, each as it is timed: the call's inputs and result pass through
    /// [`black_box`] so the optimiser can neither hoist nor merge them; nothing is copied or
    /// freed between calls.
    ///
    /// Each call's digest goes to a local on this function's stack and reaches `self` once, after
    /// the loop. Storing it into `self` on every call made the time of a call depend on where the
    /// `Bound` lives: in the verdict protocol the arm bound second in a family's list was slower
    /// than the others, whichever variant sat there (moving the arms moved the penalty; the
    /// figures are in the results log, docs/runs/run-01-10.md). The stack slot is the same for
    /// every arm, so no arm has such luck of its own.
    pub fn run(&mut self, iterations: u64) {
        match &mut self.call {
            Ready::Borrow { bytes, f } => {
                let mut last = None;
                for _ in 0..iterations {
                    let f = black_box(*f);
                    // SAFETY: `Run::bind` checked every precondition of `f` against these very
                    // bytes, which are borrowed from an immutable `Input`, so they still hold;
                    // the constructor of the `Run` guaranteed that those preconditions are all
                    // `f` needs.
                    let digest = unsafe { f(black_box(bytes)) };
                    last = Some(digest);
                    black_box(&last);
                }
                self.last = last.or(self.last.take());
            }
            Ready::Consume(call) => {
                let mut last = None;
                for _ in 0..iterations {
                    last = Some(call.call());
                    black_box(&last);
                }
                self.last = last.or(self.last.take());
            }
            Ready::Fixture { fixture, ran } => {
                for _ in 0..iterations {
                    black_box(&mut **fixture).run();
                }
                *ran |= iterations > 0;
            }
        }
    }

    /// The address of the function one call of [`Bound::run`] enters: the variant's function of
    /// bytes, or its fixture's `run`. The codegen evidence disassembles it; it is never called
    /// through this address.
    pub fn entry_point(&self) -> *const () {
        match &self.call {
            Ready::Borrow { f, .. } => *f as *const (),
            Ready::Consume(call) => call.f as *const (),
            Ready::Fixture { fixture, .. } => fixture.entry_point(),
        }
    }

    /// The result of the latest call, reduced outside timing; `None` before the first call.
    pub fn digest(&mut self) -> Option<Digest> {
        match &mut self.call {
            Ready::Fixture { fixture, ran } => ran.then(|| fixture.digest()),
            Ready::Borrow { .. } | Ready::Consume(_) => self.last,
        }
    }

    /// Makes one call and returns its digest: what equivalence checks use.
    pub fn run_once(&mut self) -> Digest {
        self.run(1);
        match self.digest() {
            Some(digest) => digest,
            None => unreachable!("a call was just made"),
        }
    }

    /// The buffer a consuming call works on, read-only: its address shows whether a variant
    /// kept the buffer it was given. `None` for other calls, and while no checked buffer is held.
    pub fn buffer(&self) -> Option<&[u8]> {
        match &self.call {
            Ready::Consume(call) => call.buffer.as_deref(),
            Ready::Borrow { .. } | Ready::Fixture { .. } => None,
        }
    }
}

/// A checked call on an owned copy of the input.
struct OwnedCall<'a> {
    input: &'a Input,
    requires: &'static [Precondition],
    f: unsafe fn(Vec<u8>) -> (Digest, Vec<u8>),
    /// The buffer the next call consumes. Invariant: every precondition in `requires` holds
    /// for it. It was made by [`OwnedCall::copy`], which checks them all, or returned by `f`
    /// from such a buffer and kept by [`OwnedCall::keep`], which checks the address facts
    /// again (content facts carry over: the `Run`'s constructor guaranteed that `f` returns its
    /// buffer unchanged). `None` while `f` holds it, or after `f` panicked.
    buffer: Option<Vec<u8>>,
}

impl OwnedCall<'_> {
    /// A fresh copy of the input, every precondition checked for it (its address is new; its
    /// content is the input's, so content facts are the input's).
    fn copy(&self) -> Result<Vec<u8>, String> {
        let bytes = self.input.bytes().to_vec();
        for precondition in self.requires {
            precondition.check(self.input, &bytes)?;
        }
        Ok(bytes)
    }

    #[inline]
    fn call(&mut self) -> Digest {
        let buffer = match self.buffer.take() {
            Some(buffer) => buffer,
            None => self.copy().unwrap_or_else(|why| {
                panic!("fresh copy of {} is unusable: {why}", self.input.name())
            }),
        };
        // SAFETY: `buffer` satisfies every precondition in `requires` (the invariant of
        // `self.buffer`, or `copy` just checked them), and it never left this struct since; the
        // constructor of the `Run` guaranteed that those preconditions are all `f` needs.
        let (digest, returned) = unsafe { (self.f)(black_box(buffer)) };
        self.keep(black_box(returned));
        digest
    }

    /// Keeps the buffer a call returned as the next call's input, in O(1): only the address
    /// facts are checked again. A buffer that breaks one is dropped, so the next call copies.
    #[inline]
    fn keep(&mut self, returned: Vec<u8>) {
        // The `Run`'s constructor promised an unchanged buffer where facts depend on it; a safe
        // consumer promised nothing (the equivalence tests catch one that changes its input).
        debug_assert!(
            self.requires.is_empty() || returned == self.input.bytes(),
            "an unchecked consuming variant changed its buffer"
        );
        for precondition in self.requires.iter().filter(|p| p.concerns_address()) {
            if let Err(why) = precondition.check(self.input, &returned) {
                panic!(
                    "returned buffer of {} is unusable: {why}",
                    self.input.name()
                );
            }
        }
        self.buffer = Some(returned);
    }
}

/// Why a variant cannot be called on an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The variant's name.
    pub variant: &'static str,
    /// The input's name.
    pub input: String,
    /// The precondition that failed and how.
    pub reason: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "variant `{}` cannot take input `{}`: {}",
            self.variant, self.input, self.reason
        )
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Takes over valid UTF-8 without checking it; returns the buffer unchanged.
    ///
    /// # Safety
    ///
    /// Behavior is undefined if any of the following conditions are violated:
    /// - `bytes` is valid UTF-8.
    unsafe fn utf8_unchecked(bytes: Vec<u8>) -> (Digest, Vec<u8>) {
        // SAFETY: the caller guarantees that `bytes` is valid UTF-8 (# Safety).
        let text = unsafe { String::from_utf8_unchecked(bytes) };
        assert!(
            std::str::from_utf8(text.as_bytes()).is_ok(),
            "got invalid UTF-8"
        );
        (Digest::Utf8(Ok(text.len())), text.into_bytes())
    }

    const UNCHECKED: Run =
        // SAFETY: `utf8_unchecked` requires only valid UTF-8 and returns its buffer unchanged.
        unsafe { Run::consume_unchecked(utf8_unchecked, &[Precondition::ValidUtf8]) };

    /// A safe consumer that corrupts the buffer it is given: what a careless (or hostile) safe
    /// variant may do, since safe consumers promise nothing.
    fn corrupting(mut bytes: Vec<u8>) -> (Digest, Vec<u8>) {
        if let Some(first) = bytes.first_mut() {
            *first = 0xFF;
        }
        (Digest::Floor(0), bytes)
    }

    #[test]
    fn a_consuming_call_only_ever_gets_its_own_checked_buffer() {
        // The exploit of the old API: a safe consumer and an unchecked one bound to one input,
        // calls interleaved. Each call keeps its own buffer, so the unchecked one only ever
        // sees valid UTF-8 (its assertion and the digest say so).
        let input = Input::new("t", "héllo wörld".as_bytes(), 3);
        let mut safe = Run::consume(corrupting)
            .bind(&input)
            .expect("no preconditions");
        let mut unchecked = UNCHECKED.bind(&input).expect("valid UTF-8");
        let start = unchecked.buffer().map(<[u8]>::as_ptr);
        for _ in 0..4 {
            safe.run(1);
            assert_eq!(unchecked.run_once(), Digest::Utf8(Ok(input.len())));
            assert_eq!(unchecked.buffer(), Some(input.bytes()));
            assert_eq!(
                unchecked.buffer().map(<[u8]>::as_ptr),
                start,
                "recycled, not copied"
            );
        }
        assert_eq!(safe.buffer().map(|b| b[0]), Some(0xFF));
    }

    #[test]
    fn a_call_that_panicked_is_followed_by_a_fresh_checked_copy() {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        fn panics_first(bytes: Vec<u8>) -> (Digest, Vec<u8>) {
            assert!(
                CALLS.fetch_add(1, Ordering::Relaxed) > 0,
                "first call panics"
            );
            (Digest::Floor(bytes.len() as u64), bytes)
        }
        let input = Input::new("t", b"abc", 0);
        let mut bound = Run::consume(panics_first).bind(&input).expect("bound");
        assert!(catch_unwind(AssertUnwindSafe(|| bound.run(1))).is_err());
        assert_eq!(bound.buffer(), None, "the panicking call took the buffer");
        assert_eq!(bound.run_once(), Digest::Floor(3));
        assert_eq!(bound.buffer(), Some(&b"abc"[..]));
    }

    #[test]
    fn refused_inputs_are_never_bound() {
        let input = Input::new("t", b"ab\xffcd", 0);
        assert!(UNCHECKED.bind(&input).is_err());
    }

    #[test]
    fn digest_is_none_until_called() {
        let input = Input::new("t", b"abc", 0);
        let mut bound = Run::borrow(|b| Digest::Floor(b.len() as u64))
            .bind(&input)
            .expect("bound");
        assert_eq!(bound.digest(), None);
        bound.run(0);
        assert_eq!(bound.digest(), None);
        bound.run(3);
        assert_eq!(bound.digest(), Some(Digest::Floor(3)));
    }
}
