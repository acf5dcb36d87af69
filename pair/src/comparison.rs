//! A comparison as a user declares it: its inputs, its implementations of one signature on each
//! side, the preconditions its unchecked implementations need, and how outputs are compared.
//!
//! Everything is typed here; [`crate::declared`] erases the types so that comparisons of
//! different inputs and outputs can run from one `main`.

use std::fmt::Debug;
use std::hint::black_box;
use std::path::PathBuf;

/// Which side of the question an implementation is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    /// What most code would write: safe, and on the safe side.
    Baseline,
    /// A safe technique.
    Safe,
    /// An implementation with `unsafe` code in it.
    Unchecked,
}

/// A named way of making one input of the comparison.
pub(crate) struct InputMaker<I> {
    pub name: String,
    /// Makes the input afresh (every process makes its own); an error says why it cannot.
    pub make: Box<dyn Fn() -> Result<I, String>>,
}

/// A check an unchecked implementation needs of its input before it may be called.
pub(crate) struct Precondition<I> {
    /// What must hold, in the user's words.
    pub what: String,
    pub holds: Box<dyn Fn(&I) -> bool>,
}

/// One implementation and the calls the engine times.
pub(crate) struct Implementation<I, O> {
    pub name: String,
    pub side: Side,
    pub requires: Vec<Precondition<I>>,
    pub calls: Box<dyn Calls<I, O>>,
}

/// The ways an implementation is called: once (the agreement check), in a timed batch, and in a
/// batch compiled separately (the A/A control).
pub(crate) trait Calls<I, O> {
    /// One call.
    fn once(&self, input: &I) -> O;
    /// `n` calls on `input`.
    fn batch<'a>(&'a self, input: &'a I) -> Box<dyn FnMut(u64) + 'a>;
    /// The same `n` calls through a second copy of the batch loop, at another address.
    fn copy<'a>(&'a self, input: &'a I) -> Box<dyn FnMut(u64) + 'a>;
    /// The address of the batch loop's code: where the timed calls enter.
    fn entry(&self) -> usize;
}

/// A user's function, kept with its concrete type so that each batch loop is compiled for it
/// (the call is inlined into the loop as it would be in the user's code, never made through a
/// pointer the loop cannot see into).
struct Function<F>(F);

impl<I, O, F: Fn(&I) -> O> Calls<I, O> for Function<F> {
    fn once(&self, input: &I) -> O {
        once(&self.0, input)
    }

    fn batch<'a>(&'a self, input: &'a I) -> Box<dyn FnMut(u64) + 'a> {
        Box::new(move |n| calls(&self.0, input, n))
    }

    fn copy<'a>(&'a self, input: &'a I) -> Box<dyn FnMut(u64) + 'a> {
        Box::new(move |n| calls_again(&self.0, input, n))
    }

    fn entry(&self) -> usize {
        once::<I, O, F> as fn(&F, &I) -> O as usize
    }
}

/// A function whose only use is its address, which the entry points are measured from. It
/// returns a constant of its own, so no other function is identical to it and merged with it.
#[inline(never)]
pub(crate) fn anchor() -> u64 {
    black_box(0x9a1e_d0c5)
}

/// [`anchor`]'s demangled symbol in a listing of the bench target.
pub(crate) const ANCHOR: &str = "ledger_pair::comparison::anchor";

/// One call, compiled apart: the agreement check's, and where the codegen reading enters. The
/// batch loop keeps a callee in another crate in a register, which a reading of direct calls
/// cannot follow; this instance calls it as the user's code would (and holds the user's code
/// itself where the compiler inlines it).
#[inline(never)]
fn once<I, O, F: Fn(&I) -> O>(f: &F, input: &I) -> O {
    f(input)
}

/// `n` calls, each on an input the optimiser cannot see through and with an output it must
/// produce; the output is dropped inside the loop (every side pays its own drop).
#[inline(never)]
fn calls<I, O, F: Fn(&I) -> O>(f: &F, input: &I, n: u64) {
    for _ in 0..n {
        black_box(f(black_box(input)));
    }
}

/// [`calls`] again, for the A/A control. It differs by one opaque constant per batch, so the
/// compiler cannot merge the two functions into one: the control times the same work at another
/// address, which is the luck of placement it exists to measure.
#[inline(never)]
fn calls_again<I, O, F: Fn(&I) -> O>(f: &F, input: &I, n: u64) {
    black_box(0xA_A);
    for _ in 0..n {
        black_box(f(black_box(input)));
    }
}

/// Whether two outputs are the same.
type Same<O> = dyn Fn(&O, &O) -> bool;

/// How two outputs are judged the same.
pub(crate) struct Agreement<O> {
    /// In words, for the report: e.g. "equal (`PartialEq`)".
    pub how: String,
    pub same: Box<Same<O>>,
}

/// One question: do the unchecked implementations buy anything over the safe ones, on these
/// inputs?
///
/// Declare the inputs, at least one safe implementation (`baseline` or `safe`) and at least one
/// `unchecked` one, all of the signature `Fn(&I) -> O`. Every implementation must return what
/// the first safe one returns on every input, or nothing is timed. The verdict is read at the
/// headline input (the first declared, unless [`Comparison::headline`] names another); the
/// other inputs are timed while the pair is picked, and shown as such.
///
/// ```no_run
/// use ledger_pair::{Comparison, Comparisons};
///
/// fn sum_safe(data: &Vec<u32>) -> u64 {
///     data.iter().map(|&x| u64::from(x)).sum()
/// }
///
/// fn main() -> std::process::ExitCode {
///     Comparisons::new()
///         .add(
///             Comparison::new("sum")
///                 .input("4k", || (0..4096).collect::<Vec<u32>>())
///                 .safe("iter", sum_safe)
///                 // An unchecked implementation would go here, e.g. one that indexes with
///                 // `get_unchecked`, with `.requires(...)` for what it needs of its input.
///                 .unchecked("iter_again", sum_safe),
///         )
///         .run()
/// }
/// ```
pub struct Comparison<I, O> {
    pub(crate) name: String,
    pub(crate) inputs: Vec<InputMaker<I>>,
    /// Inputs only checked, never timed: edge cases, and what `--miri` runs on.
    pub(crate) checks: Vec<InputMaker<I>>,
    pub(crate) implementations: Vec<Implementation<I, O>>,
    pub(crate) headline: Option<String>,
    pub(crate) agreement: Agreement<O>,
    /// Mistakes in the declaration, reported before anything runs.
    pub(crate) mistakes: Vec<String>,
}

impl<I: 'static, O: PartialEq + Debug + 'static> Comparison<I, O> {
    /// A comparison whose outputs must be equal (`PartialEq`). `name` names its results: letters,
    /// digits, `_` and `-`.
    pub fn new(name: &str) -> Self {
        Self::comparing(name, "equal (PartialEq)", |a: &O, b: &O| a == b)
    }
}

impl<I: 'static, O: Debug + 'static> Comparison<I, O> {
    /// A comparison whose outputs are judged the same by `same` (e.g. floats within a
    /// tolerance); `how` says how, in a few words, for the report.
    pub fn comparing(name: &str, how: &str, same: impl Fn(&O, &O) -> bool + 'static) -> Self {
        let mut mistakes = Vec::new();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            mistakes.push(format!(
                "comparison name `{name}`: use letters, digits, `_` and `-` (it names a directory)"
            ));
        }
        Self {
            name: name.to_owned(),
            inputs: Vec::new(),
            checks: Vec::new(),
            implementations: Vec::new(),
            headline: None,
            agreement: Agreement {
                how: how.to_owned(),
                same: Box::new(same),
            },
            mistakes,
        }
    }

    /// An input made by `make` (called once in every process that times it, and once for the
    /// agreement check).
    pub fn input(mut self, name: &str, make: impl Fn() -> I + 'static) -> Self {
        let maker = self.generated(name, make);
        self.inputs.push(maker);
        self
    }

    /// An input read from a file and turned into `I` by `decode`; its name is the file's name.
    /// A file that cannot be read stops the run with the reason.
    pub fn input_file(
        mut self,
        path: impl Into<PathBuf>,
        decode: impl Fn(Vec<u8>) -> I + 'static,
    ) -> Self {
        let path = path.into();
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        self.name_input(&name);
        self.inputs.push(InputMaker {
            name,
            make: Box::new(move || {
                std::fs::read(&path)
                    .map(&decode)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))
            }),
        });
        self
    }

    /// An input the agreement check runs on and nothing times: an edge case, or a small input
    /// for `ledger pair --miri`, which checks only these under Miri (it runs code about a
    /// thousand times slower than a native build, so inputs of a few hundred bytes suit it).
    pub fn check_input(mut self, name: &str, make: impl Fn() -> I + 'static) -> Self {
        let maker = self.generated(name, make);
        self.checks.push(maker);
        self
    }

    /// The input the verdict is read at (default: the first declared).
    pub fn headline(mut self, input: &str) -> Self {
        self.headline = Some(input.to_owned());
        self
    }

    /// What most code would write: safe, on the safe side, and a candidate like any safe
    /// implementation.
    pub fn baseline(self, name: &str, f: impl Fn(&I) -> O + 'static) -> Self {
        self.implementation(name, Side::Baseline, f)
    }

    /// A safe implementation: the best safe technique you know belongs here.
    pub fn safe(self, name: &str, f: impl Fn(&I) -> O + 'static) -> Self {
        self.implementation(name, Side::Safe, f)
    }

    /// An implementation with `unsafe` code in it. What its unsafe code needs of the input is
    /// declared with [`Comparison::requires`] right after it: it is then called only on inputs
    /// that meet every one of its preconditions, and an input that does not stops the run
    /// before anything is called.
    pub fn unchecked(self, name: &str, f: impl Fn(&I) -> O + 'static) -> Self {
        self.implementation(name, Side::Unchecked, f)
    }

    /// A precondition of the unchecked implementation declared last: `holds` must return true
    /// for every input before that implementation is called on any of them.
    pub fn requires(mut self, what: &str, holds: impl Fn(&I) -> bool + 'static) -> Self {
        match self.implementations.last_mut() {
            Some(last) if last.side == Side::Unchecked => last.requires.push(Precondition {
                what: what.to_owned(),
                holds: Box::new(holds),
            }),
            _ => self.mistakes.push(format!(
                "`requires(\"{what}\")` must follow the unchecked implementation it belongs to"
            )),
        }
        self
    }

    fn implementation(mut self, name: &str, side: Side, f: impl Fn(&I) -> O + 'static) -> Self {
        let reserved = [crate::declared::COPY_ARM, crate::declared::TWICE_ARM];
        if name.is_empty() || name.contains([',', '=', '/']) || reserved.contains(&name) {
            self.mistakes.push(format!(
                "implementation name `{name}`: must be non-empty, without `,` `=` `/`, and not \
                 one of {reserved:?}"
            ));
        }
        if self.implementations.iter().any(|i| i.name == name) {
            self.mistakes
                .push(format!("implementation `{name}` is declared twice"));
        }
        self.implementations.push(Implementation {
            name: name.to_owned(),
            side,
            requires: Vec::new(),
            calls: Box::new(Function(f)),
        });
        self
    }

    /// A generated input named `name`, its name checked.
    fn generated(&mut self, name: &str, make: impl Fn() -> I + 'static) -> InputMaker<I> {
        self.name_input(name);
        InputMaker {
            name: name.to_owned(),
            make: Box::new(move || Ok(make())),
        }
    }

    fn name_input(&mut self, name: &str) {
        if name.is_empty() || name.contains(['/', ',', '=']) {
            self.mistakes.push(format!(
                "input name `{name}`: must be non-empty, without `/` `,` `=`"
            ));
        }
        if self
            .inputs
            .iter()
            .chain(&self.checks)
            .any(|i| i.name == name)
        {
            self.mistakes
                .push(format!("input `{name}` is declared twice"));
        }
    }
}
