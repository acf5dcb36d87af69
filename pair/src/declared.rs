//! A comparison with its types erased: what the runner asks of every comparison, whatever its
//! input and output types. The catalog entry the report and the protocol's reading need, the
//! agreement check, and the arms of one process.

use std::any::Any;
use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};

use protocol::engine::{Bench, Placement, Timing, measure_case};
use protocol::writer::Writer;
use wire::catalog::{FamilyEntry, InputEntry, VariantEntry, VariantKind};
use wire::codegen::EntryPoint;
use wire::rounds::{Arm, CaseHeader, Pair, Role};

use crate::comparison::{Comparison, Implementation, InputMaker, Side};

/// The name of the A/A control arm: the reference through a second copy of the batch loop.
pub(crate) const COPY_ARM: &str = "reference-copy";
/// The name of the doubled-work control arm: two calls of the reference per recorded call.
pub(crate) const TWICE_ARM: &str = "reference-twice";

/// What the runner needs of a comparison.
pub(crate) trait Declared {
    /// Its name.
    fn name(&self) -> &str;
    /// Mistakes in its declaration; nothing runs while there are any.
    fn mistakes(&self) -> Vec<String>;
    /// Its catalog entry: the protocol reads the rounds with it, the report describes it.
    fn entry(&self) -> FamilyEntry;
    /// Makes each input (every one, or only the check inputs with `small`) and checks every
    /// implementation against the reference on it; returns the inputs checked.
    fn check(&self, small: bool) -> Result<Vec<String>, String>;
    /// Where each implementation's timed calls enter, from the anchor at `anchor_at`.
    fn entries(&self, anchor_at: usize) -> Vec<EntryPoint>;
    /// Calls `implementation` `calls` times on the headline input (made and checked first).
    fn call(&self, implementation: &str, calls: u64) -> Result<(), String>;
    /// Times one process's arms: in screening every implementation at every input, in
    /// confirmation the pair, the reference and both controls at the headline input.
    /// Returns the cases measured.
    fn measure(
        &self,
        pair: Option<&Pair>,
        timing: Timing,
        out: &mut Writer,
    ) -> Result<usize, String>;
}

impl<I: 'static, O: Debug + 'static> Comparison<I, O> {
    /// The first safe implementation: every other is checked against it, and the controls run
    /// it.
    fn reference(&self) -> Option<&Implementation<I, O>> {
        self.implementations
            .iter()
            .find(|i| i.side != Side::Unchecked)
    }

    fn headline_name(&self) -> Option<&str> {
        self.headline
            .as_deref()
            .or_else(|| self.inputs.first().map(|i| i.name.as_str()))
    }

    /// Makes an input, checks the preconditions of every implementation and that every
    /// implementation returns what the reference returns.
    fn checked_input(&self, maker: &InputMaker<I>) -> Result<I, String> {
        let input = quietly(|| (maker.make)())
            .map_err(|panic| format!("making input `{}` panicked: {panic}", maker.name))?
            .map_err(|why| format!("input `{}`: {why}", maker.name))?;
        for implementation in &self.implementations {
            for pre in &implementation.requires {
                let holds = quietly(|| (pre.holds)(&input)).map_err(|panic| {
                    format!(
                        "input `{}`: the precondition \"{}\" of `{}` panicked: {panic}",
                        maker.name, pre.what, implementation.name
                    )
                })?;
                if !holds {
                    return Err(format!(
                        "input `{}` does not meet \"{}\", which `{}` requires: nothing was \
                         called on it",
                        maker.name, pre.what, implementation.name
                    ));
                }
            }
        }
        let reference = self.reference().ok_or("no safe implementation")?;
        let call = |implementation: &Implementation<I, O>| {
            quietly(|| implementation.calls.once(&input)).map_err(|panic| {
                format!(
                    "input `{}`: `{}` panicked: {panic}",
                    maker.name, implementation.name
                )
            })
        };
        let expected = call(reference)?;
        for implementation in &self.implementations {
            if std::ptr::eq(implementation, reference) {
                continue;
            }
            let got = call(implementation)?;
            if !(self.agreement.same)(&got, &expected) {
                return Err(format!(
                    "input `{}`: `{}` returned {}, but `{}` returned {} (outputs must be {}); \
                     nothing was timed",
                    maker.name,
                    implementation.name,
                    shown(&got),
                    reference.name,
                    shown(&expected),
                    self.agreement.how
                ));
            }
        }
        Ok(input)
    }
}

impl<I: 'static, O: Debug + 'static> Declared for Comparison<I, O> {
    fn name(&self) -> &str {
        &self.name
    }

    fn mistakes(&self) -> Vec<String> {
        let mut mistakes = self.mistakes.clone();
        let has = |side: &dyn Fn(Side) -> bool| self.implementations.iter().any(|i| side(i.side));
        if !has(&|s| s != Side::Unchecked) {
            mistakes.push("no safe implementation (declare one with .safe or .baseline)".into());
        }
        if !has(&|s| s == Side::Unchecked) {
            mistakes.push("no unchecked implementation (declare one with .unchecked)".into());
        }
        if self.inputs.is_empty() {
            mistakes.push("no input (declare one with .input or .input_file)".into());
        }
        if let Some(headline) = &self.headline
            && !self.inputs.iter().any(|i| &i.name == headline)
        {
            mistakes.push(format!("headline `{headline}` is not a declared input"));
        }
        mistakes
            .into_iter()
            .map(|m| format!("{}: {m}", self.name))
            .collect()
    }

    fn entry(&self) -> FamilyEntry {
        let input = |name: &str| InputEntry {
            name: name.to_owned(),
            shape: name.to_owned(),
            size: String::new(),
            count: 1,
            unit: "calls".to_owned(),
            params: Default::default(),
        };
        let reference = self.reference().map(|r| r.name.clone()).unwrap_or_default();
        FamilyEntry {
            name: self.name.clone(),
            title: self.name.clone(),
            summary: "Declared with unsafe-ledger-pair in the user's bench target.".to_owned(),
            compares: self.agreement.how.clone(),
            reference,
            headline: input(self.headline_name().unwrap_or_default()),
            takes_files: false,
            variants: self
                .implementations
                .iter()
                .map(|i| VariantEntry {
                    name: i.name.clone(),
                    kind: match i.side {
                        Side::Baseline => VariantKind::Baseline,
                        Side::Safe => VariantKind::Safe,
                        Side::Unchecked => VariantKind::Unsafe,
                    },
                    description: String::new(),
                    invariants: Vec::new(),
                    skips: Vec::new(),
                    like_for_like: true,
                    requires: i.requires.iter().map(|p| p.what.clone()).collect(),
                    consumes: false,
                    unsafe_code: None,
                })
                .collect(),
            floor: None,
            no_floor: None,
            inputs: self.inputs.iter().map(|i| input(&i.name)).collect(),
        }
    }

    fn check(&self, small: bool) -> Result<Vec<String>, String> {
        if small && self.checks.is_empty() {
            return Err(format!(
                "{}: no check input to run under Miri: declare small ones with \
                 `.check_input(name, make)` (Miri runs code about a thousand times slower than \
                 a native build)",
                self.name
            ));
        }
        let timed = if small { &[][..] } else { &self.inputs[..] };
        timed
            .iter()
            .chain(&self.checks)
            .map(|maker| self.checked_input(maker).map(|_| maker.name.clone()))
            .collect::<Result<_, _>>()
            .map_err(|why| format!("{}: {why}", self.name))
    }

    fn entries(&self, anchor_at: usize) -> Vec<EntryPoint> {
        let headline = self.headline_name().unwrap_or_default();
        self.implementations
            .iter()
            .map(|i| EntryPoint {
                family: self.name.clone(),
                variant: i.name.clone(),
                input: headline.to_owned(),
                offset: Some(i.calls.entry().wrapping_sub(anchor_at) as isize as i64),
                refused: None,
            })
            .collect()
    }

    fn call(&self, implementation: &str, calls: u64) -> Result<(), String> {
        let named = self
            .implementations
            .iter()
            .find(|i| i.name == implementation)
            .ok_or_else(|| format!("{}: no implementation `{implementation}`", self.name))?;
        let headline = self.headline_name().unwrap_or_default();
        let maker = self
            .inputs
            .iter()
            .find(|i| i.name == headline)
            .ok_or_else(|| format!("{}: no headline input", self.name))?;
        let input = self
            .checked_input(maker)
            .map_err(|why| format!("{}: {why}", self.name))?;
        for _ in 0..calls {
            std::hint::black_box(named.calls.once(std::hint::black_box(&input)));
        }
        Ok(())
    }

    fn measure(
        &self,
        pair: Option<&Pair>,
        timing: Timing,
        out: &mut Writer,
    ) -> Result<usize, String> {
        let mut cases = 0;
        let reference = self.reference().ok_or("no safe implementation")?;
        let headline = self.headline_name().unwrap_or_default();
        for maker in &self.inputs {
            if pair.is_some() && maker.name != headline {
                continue;
            }
            let input = self
                .checked_input(maker)
                .map_err(|why| format!("{}: {why}", self.name))?;
            let mut placement = Placement::new(timing.seed, &self.name, &maker.name);
            let mut benches = Vec::new();
            let wanted = |name: &str| match pair {
                None => true,
                Some(p) => name == p.safe || name == p.unsafe_ || name == reference.name,
            };
            for implementation in self.implementations.iter().filter(|i| wanted(&i.name)) {
                placement.shift();
                benches.push(Bench::new(
                    arm(&implementation.name, Role::Candidate, &implementation.name),
                    1,
                    implementation.calls.batch(&input),
                ));
            }
            if let Some(p) = pair {
                for name in [&p.safe, &p.unsafe_] {
                    if !self.implementations.iter().any(|i| &i.name == name) {
                        return Err(format!("{}: no implementation `{name}`", self.name));
                    }
                }
                placement.shift();
                benches.push(Bench::new(
                    arm(COPY_ARM, Role::CopyControl, &reference.name),
                    1,
                    reference.calls.copy(&input),
                ));
                placement.shift();
                benches.push(Bench::new(
                    arm(TWICE_ARM, Role::TwiceControl, &reference.name),
                    2,
                    reference.calls.batch(&input),
                ));
            }
            let header = CaseHeader {
                family: self.name.clone(),
                input: maker.name.clone(),
                arms: Vec::new(),
                refused: Vec::new(),
                pair: pair.cloned(),
            };
            measure_case(header, benches, timing, out)?;
            cases += 1;
        }
        Ok(cases)
    }
}

fn arm(name: &str, role: Role, variant: &str) -> Arm {
    Arm {
        name: name.to_owned(),
        role,
        variant: variant.to_owned(),
        batch: 1,
    }
}

/// An output as the user's `Debug` shows it, cut short if long.
fn shown<O: Debug>(output: &O) -> String {
    const MOST: usize = 300;
    let text = format!("{output:?}");
    match text.char_indices().nth(MOST) {
        Some((cut, _)) => format!("{}… ({} characters)", &text[..cut], text.chars().count()),
        None => text,
    }
}

/// Runs `f`, turning a panic into its message instead of unwinding through the runner. The
/// default hook still prints where it panicked.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(payload.as_ref()))
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a payload that is not text".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The harness calls `Fn(&I)`, and the input here is a `Vec`.
    #[allow(clippy::ptr_arg)]
    fn sum(v: &Vec<u32>) -> u64 {
        v.iter().map(|&x| u64::from(x)).sum()
    }

    fn declared() -> Comparison<Vec<u32>, u64> {
        Comparison::new("sum")
            .input("three", || vec![1, 2, 3])
            .input("four", || vec![1, 2, 3, 4])
            .baseline("loop", sum)
    }

    #[test]
    fn agreeing_implementations_pass_on_every_input() {
        let c = declared().safe("iter", sum).unchecked("again", sum);
        assert!(c.mistakes().is_empty());
        assert_eq!(c.check(false), Ok(vec!["three".into(), "four".into()]));
        let error = c.check(true).err().unwrap_or_default();
        assert!(error.contains("no check input"), "{error}");
        let c = c.check_input("empty", Vec::new);
        assert_eq!(
            c.check(false),
            Ok(vec!["three".into(), "four".into(), "empty".into()])
        );
        assert_eq!(c.check(true), Ok(vec!["empty".into()]));
        assert_eq!(c.entry().inputs.len(), 2, "check inputs are never timed");
        let entry = c.entry();
        assert_eq!(
            (entry.reference.as_str(), entry.headline.name.as_str()),
            ("loop", "three")
        );
        let kinds: Vec<_> = entry.variants.iter().map(|v| v.kind).collect();
        assert_eq!(
            kinds,
            [
                VariantKind::Baseline,
                VariantKind::Safe,
                VariantKind::Unsafe
            ]
        );
    }

    #[test]
    fn a_disagreement_names_the_input_and_both_outputs() {
        let c = declared().unchecked("off", |v: &Vec<u32>| sum(v) + (v.len() == 4) as u64);
        let error = c.check(false).err().unwrap_or_default();
        assert!(
            error.contains("input `four`: `off` returned 11, but `loop` returned 10"),
            "{error}"
        );
    }

    #[test]
    fn a_refused_input_stops_before_any_call_and_a_panic_is_its_message() {
        let calls = std::rc::Rc::new(std::cell::Cell::new(0));
        let counted = calls.clone();
        let c = declared()
            .unchecked("u", move |v: &Vec<u32>| {
                counted.set(counted.get() + 1);
                sum(v)
            })
            .requires("an even length", |v| v.len() % 2 == 0);
        let error = c.check(false).err().unwrap_or_default();
        assert!(
            error.contains("input `three` does not meet \"an even length\""),
            "{error}"
        );
        assert_eq!(calls.get(), 0);
        let c = declared().unchecked("p", |v: &Vec<u32>| {
            assert!(v.len() < 4, "too long: {}", v.len());
            sum(v)
        });
        let error = c.check(false).err().unwrap_or_default();
        assert!(
            error.contains("input `four`: `p` panicked: too long: 4"),
            "{error}"
        );
    }

    #[test]
    fn declaration_mistakes_are_listed() {
        let c: Comparison<Vec<u32>, u64> = Comparison::new("bad name")
            .requires("x", |_| true)
            .safe("a", sum)
            .safe("a", sum)
            .headline("nowhere");
        let mistakes = c.mistakes().join("\n");
        for wanted in [
            "comparison name `bad name`",
            "`requires(\"x\")` must follow the unchecked implementation",
            "implementation `a` is declared twice",
            "no unchecked implementation",
            "no input",
            "headline `nowhere` is not a declared input",
        ] {
            assert!(
                mistakes.contains(wanted),
                "wanted `{wanted}` in:\n{mistakes}"
            );
        }
    }
}
