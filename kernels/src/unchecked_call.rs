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
    ///   again on the returned buffer, see [`ConsumeCall::recycle`]).
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
    /// number of times without further checks.
    pub fn bind<'a>(&self, input: &'a Input) -> Result<Bound<'a>, String> {
        for precondition in self.requires {
            precondition.check(input, input.bytes())?;
        }
        Ok(match self.call {
            Call::Borrow(f) => Bound::Borrow(BorrowCall {
                bytes: input.bytes(),
                f,
            }),
            Call::Consume(f) => Bound::Consume(ConsumeCall {
                input,
                requires: self.requires,
                f,
            }),
            Call::Fixture(build) => Bound::Fixture(build(input)),
        })
    }
}

/// A variant bound to an input whose preconditions have been checked.
pub enum Bound<'a> {
    /// Called on the input's bytes in place.
    Borrow(BorrowCall<'a>),
    /// Called on a fresh owned copy of the input's bytes.
    Consume(ConsumeCall<'a>),
    /// Runs state built from the input.
    Fixture(Box<dyn Fixture + 'a>),
}

impl Bound<'_> {
    /// Makes one call, preparing an owned copy first if the variant consumes its input.
    pub fn run_once(&mut self) -> Digest {
        match self {
            Self::Borrow(call) => call.call(),
            Self::Consume(call) => call.call(call.prepare()).digest(),
            Self::Fixture(fixture) => {
                fixture.run();
                fixture.digest()
            }
        }
    }
}

/// A checked call on borrowed bytes.
pub struct BorrowCall<'a> {
    /// Borrowed from an [`Input`], which never changes, so the facts checked at binding hold.
    bytes: &'a [u8],
    f: unsafe fn(&[u8]) -> Digest,
}

impl BorrowCall<'_> {
    /// Calls the variant.
    #[inline]
    pub fn call(&self) -> Digest {
        // SAFETY: `Run::bind` checked every precondition of `f` against these very bytes, which
        // are borrowed from an immutable `Input`, so they still hold; the constructor of the
        // `Run` guaranteed that those preconditions are all `f` needs.
        unsafe { (self.f)(self.bytes) }
    }
}

/// A checked call on an owned copy of the input.
pub struct ConsumeCall<'a> {
    input: &'a Input,
    requires: &'static [Precondition],
    f: unsafe fn(Vec<u8>) -> (Digest, Vec<u8>),
}

/// An owned copy of an input's bytes whose preconditions have been checked; only
/// [`ConsumeCall::prepare`] makes one.
pub struct OwnedBytes<'a> {
    bytes: Vec<u8>,
    source: &'a Input,
}

impl OwnedBytes<'_> {
    /// The copied bytes, read-only (the buffer's address shows whether a variant copied it).
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }
}

/// What a consuming call gives back: its digest and the buffer, to be freed or recycled outside
/// timing. Only [`ConsumeCall::call`] makes one.
pub struct Consumed<'a> {
    digest: Digest,
    bytes: Vec<u8>,
    source: &'a Input,
}

impl Consumed<'_> {
    /// The call's digest.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// The buffer the variant consumed and returned, read-only.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }
}

impl<'a> ConsumeCall<'a> {
    /// Copies the input into a fresh buffer and checks the preconditions again for it (its
    /// address is new; its content is the input's, so content facts carry over).
    ///
    /// # Panics
    ///
    /// If the allocator returns a buffer that breaks an alignment precondition.
    pub fn prepare(&self) -> OwnedBytes<'a> {
        let bytes = self.input.bytes().to_vec();
        for precondition in self.requires {
            if let Err(why) = precondition.check(self.input, &bytes) {
                panic!("fresh copy of {} is unusable: {why}", self.input.name());
            }
        }
        OwnedBytes {
            bytes,
            source: self.input,
        }
    }

    /// Calls the variant on a prepared copy.
    ///
    /// # Panics
    ///
    /// If `owned` was prepared for a different input.
    #[inline]
    pub fn call(&self, owned: OwnedBytes<'a>) -> Consumed<'a> {
        assert!(
            std::ptr::eq(owned.source, self.input),
            "owned bytes were prepared for another input"
        );
        // SAFETY: `owned` was made by `prepare` or `recycle` of a call bound to this same input
        // (asserted above), which checked every precondition of `f` against exactly these bytes;
        // the constructor of the `Run` guaranteed that those preconditions are all `f` needs.
        let (digest, bytes) = unsafe { (self.f)(owned.bytes) };
        Consumed {
            digest,
            bytes,
            source: self.input,
        }
    }

    /// Turns the buffer a call returned into the next call's input without copying it, so that
    /// a loop of calls costs only the calls: timing a constant-time conversion with a fresh
    /// 16 MiB copy per iteration would spend the whole run copying.
    ///
    /// Content facts carry over because the `Run`'s constructor guaranteed that `f` returns its
    /// buffer unchanged (checked here in debug builds); address facts are checked again.
    ///
    /// # Panics
    ///
    /// If `consumed` came from a call bound to another input, or if the returned buffer breaks
    /// an alignment precondition.
    #[inline]
    pub fn recycle(&self, consumed: Consumed<'a>) -> OwnedBytes<'a> {
        assert!(
            std::ptr::eq(consumed.source, self.input),
            "consumed bytes came from another input"
        );
        debug_assert_eq!(
            consumed.bytes,
            self.input.bytes(),
            "a consuming variant changed its buffer"
        );
        for precondition in self.requires {
            if let Err(why) = precondition.check(self.input, &consumed.bytes) {
                panic!(
                    "returned buffer of {} is unusable: {why}",
                    self.input.name()
                );
            }
        }
        OwnedBytes {
            bytes: consumed.bytes,
            source: self.input,
        }
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
