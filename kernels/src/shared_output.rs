//! Output memory that the fixtures of one family share on a thread.
//!
//! A fixture that keeps its output between calls (a buffer it writes in place, or the latest
//! buffer it returned) used to make that memory its arm's own. How fast a loop writes depends
//! on the memory it writes, not only on its code: on the shared VM, in some processes one arm's
//! output was slow for the whole process while the same function writing another arm's output
//! was not, and the same binary with the same seed picked a different arm each time (the
//! results log, docs/runs/run-19-21.md, has the figures). Such luck belongs to the process's
//! memory, not to the variant, and a program that swaps one variant for another keeps its
//! buffer. So the arms of a family write one output: whatever luck it carries is common to all
//! of them and cancels in their ratio, while it still differs from process to process.
//!
//! Sharing must not let one arm's result pass for another's: each handle knows whether it wrote
//! the output last, and a fixture whose output was overwritten since makes it again before it
//! reduces it (outside timing).

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

thread_local! {
    /// This thread's shared outputs, one per family and type.
    static OUTPUTS: RefCell<Vec<(&'static str, Rc<dyn Any>)>> = const { RefCell::new(Vec::new()) };
}

/// Identifies a handle as a writer; 0 is nobody.
static NEXT_WRITER: AtomicU64 = AtomicU64::new(1);

struct Slot<T> {
    value: T,
    /// The handle that wrote `value` last, 0 if none since it was prepared.
    writer: u64,
}

/// One fixture's handle on its family's shared output of type `T` on this thread.
pub struct SharedOutput<T: 'static> {
    slot: Rc<RefCell<Slot<T>>>,
    writer: u64,
}

impl<T: Default + 'static> SharedOutput<T> {
    /// Joins `family`'s shared output of type `T` on this thread, creating it (empty) if no
    /// fixture has joined it yet.
    pub fn join(family: &'static str) -> Self {
        let slot = OUTPUTS.with_borrow_mut(|outputs| {
            let found = outputs
                .iter()
                .filter(|(name, _)| *name == family)
                .find_map(|(_, slot)| Rc::clone(slot).downcast::<RefCell<Slot<T>>>().ok());
            found.unwrap_or_else(|| {
                let slot = Rc::new(RefCell::new(Slot {
                    value: T::default(),
                    writer: 0,
                }));
                outputs.push((family, Rc::clone(&slot) as Rc<dyn Any>));
                slot
            })
        });
        Self {
            slot,
            writer: NEXT_WRITER.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl<T: 'static> SharedOutput<T> {
    /// Changes the output without writing a result (sizing or poisoning it when a fixture is
    /// built): afterwards no handle owns it.
    pub fn prepare(&self, prepare: impl FnOnce(&mut T)) {
        let mut slot = self.slot.borrow_mut();
        prepare(&mut slot.value);
        slot.writer = 0;
    }

    /// Writes this handle's result into the output; the handle owns it until another writes.
    pub fn write<R>(&self, write: impl FnOnce(&mut T) -> R) -> R {
        let mut slot = self.slot.borrow_mut();
        slot.writer = self.writer;
        write(&mut slot.value)
    }

    /// Reads this handle's own result: if another handle wrote the output since this one did
    /// (or this one never did), `remake` writes this handle's result again first.
    pub fn read_own<R>(&self, remake: impl FnOnce(&mut T), read: impl FnOnce(&T) -> R) -> R {
        let mut slot = self.slot.borrow_mut();
        if slot.writer != self.writer {
            remake(&mut slot.value);
            slot.writer = self.writer;
        }
        read(&slot.value)
    }

    /// Whether this handle wrote the output last.
    pub fn owned(&self) -> bool {
        self.slot.borrow().writer == self.writer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_of_a_family_share_one_output_and_know_who_wrote_it() {
        let a = SharedOutput::<Vec<u32>>::join("shared-test");
        let b = SharedOutput::<Vec<u32>>::join("shared-test");
        assert!(!a.owned() && !b.owned());
        let address = a.write(|v| {
            *v = vec![1, 2];
            v.as_ptr()
        });
        assert!(a.owned() && !b.owned());
        b.write(|v| v[0] = 9);
        assert!(!a.owned(), "b wrote since");
        assert_eq!(
            b.read_own(|_| panic!("b owns it"), |v| (v.clone(), v.as_ptr())),
            (vec![9, 2], address)
        );
        // a's result was overwritten: reading it makes it again, and a owns the output again.
        assert_eq!(a.read_own(|v| v[0] = 1, Clone::clone), vec![1, 2]);
        assert!(a.owned() && !b.owned());
        b.prepare(Vec::clear);
        assert!(!a.owned() && !b.owned(), "prepared, not written");
    }

    #[test]
    fn other_families_and_types_get_outputs_of_their_own() {
        let a = SharedOutput::<Vec<u32>>::join("shared-test-a");
        let other_family = SharedOutput::<Vec<u32>>::join("shared-test-b");
        let other_type = SharedOutput::<Vec<u8>>::join("shared-test-a");
        a.write(|v| v.push(1));
        other_family.write(|v| v.push(2));
        other_type.write(|v| v.push(3));
        assert!(a.owned() && other_family.owned() && other_type.owned());
        assert_eq!(a.read_own(|_| panic!("owned"), Clone::clone), vec![1]);
        assert_eq!(
            other_family.read_own(|_| panic!("owned"), Clone::clone),
            vec![2]
        );
        assert_eq!(
            other_type.read_own(|_| panic!("owned"), Clone::clone),
            vec![3]
        );
    }

    #[test]
    fn each_thread_has_its_own() {
        let here = SharedOutput::<Vec<u32>>::join("shared-test-thread");
        here.write(|v| v.push(1));
        std::thread::spawn(|| {
            let there = SharedOutput::<Vec<u32>>::join("shared-test-thread");
            assert_eq!(there.write(|v| v.len()), 0);
        })
        .join()
        .expect("thread");
        assert!(here.owned());
        assert_eq!(here.read_own(|_| panic!("owned"), Vec::len), 1);
    }
}
