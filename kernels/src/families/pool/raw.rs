//! The unsafe pools: a slab of `MaybeUninit` slots with an intrusive raw-pointer free list, and
//! a lock-free per-worker table of `UnsafeCell` slots shared with `unsafe impl Sync`.
#![allow(unsafe_code)]

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::ptr::NonNull;

use std::sync::Arc;

use rayon::ThreadPool;

use super::{LocalPool, PER_WORKER_CAPACITY, Padded, PoolObject, SharedPool, operate};

/// What [`RawSlab`]'s callers and code must uphold.
pub const SLAB_INVARIANTS: &[&str] = &[
    "a handle is used only with the slab that issued it",
    "a handle is not used after it is released, and is released once",
    "slots below `initialized` hold initialised objects; others are never read",
    "the slot array never moves or shrinks while handles exist (fixed capacity)",
];

/// What [`WorkerTable`]'s `unsafe impl Sync` rests on.
pub const WORKER_TABLE_INVARIANTS: &[&str] = &[
    "slot i is touched only by the worker whose index in the table's own rayon pool is i \
     (rayon gives each worker of a pool a distinct index for its whole life; threads outside \
     the pool get none)",
    "no code that could run another job of the pool (allocation, user code, rayon calls) runs \
     while a slot is borrowed, so a worker never holds two borrows of its slot",
    "objects are Send, since the table may be dropped on another thread",
];

struct Slot<T> {
    object: MaybeUninit<T>,
    /// The next free slot while this one is on the free list.
    next: Option<NonNull<Slot<T>>>,
}

/// A fixed-capacity slab: objects are made in place on first use and stay there; a free slot
/// links to the next through a raw pointer stored in the slot itself.
pub struct RawSlab<T> {
    /// From `Box<[Slot<T>]>::into_raw`; owned, never moved, freed in `Drop`.
    slots: NonNull<Slot<T>>,
    capacity: usize,
    /// Slots `0..initialized` hold initialised objects.
    initialized: usize,
    free: Option<NonNull<Slot<T>>>,
}

/// An object on loan from a [`RawSlab`]. Not `Copy`, so releasing it moves it away; using it
/// correctly is still the caller's promise (see [`RawSlab::get_mut`]).
pub struct RawHandle<T>(NonNull<Slot<T>>);

impl<T: PoolObject> RawSlab<T> {
    /// A slab with room for `capacity` objects, none made yet.
    pub fn with_capacity(capacity: usize) -> Self {
        let slots: Box<[Slot<T>]> = (0..capacity)
            .map(|_| Slot {
                object: MaybeUninit::uninit(),
                next: None,
            })
            .collect();
        let slots = NonNull::from(Box::leak(slots)).cast::<Slot<T>>();
        Self {
            slots,
            capacity,
            initialized: 0,
            free: None,
        }
    }

    /// A free object, made in place when no released one is waiting; `None` when full.
    pub fn acquire(&mut self) -> Option<RawHandle<T>> {
        if let Some(slot) = self.free {
            // SAFETY: free-list entries are slots of this slab's live allocation, put there by
            // `release` and not handed out since, so no reference to them exists.
            self.free = unsafe { slot.as_ref() }.next;
            return Some(RawHandle(slot));
        }
        if self.initialized == self.capacity {
            return None;
        }
        // SAFETY: `initialized < capacity`, so the slot is inside the allocation.
        let mut slot = unsafe { self.slots.add(self.initialized) };
        // SAFETY: a slot at or beyond `initialized` has never been handed out, so this is the
        // only reference to it.
        unsafe { slot.as_mut() }.object.write(T::fresh());
        self.initialized += 1;
        Some(RawHandle(slot))
    }

    /// The object behind `handle`, borrowed for as long as the slab is.
    ///
    /// # Safety
    ///
    /// Behavior is undefined if any of the following conditions are violated:
    /// - `handle` was returned by `acquire` on this slab and has not been released.
    pub unsafe fn get_mut(&mut self, handle: &RawHandle<T>) -> &mut T {
        // SAFETY: the handle is a live, issued slot of this slab (caller's promise), so it is
        // inside the allocation and off the free list; the returned borrow holds `&mut self`,
        // so no other reference to the slot can be made while it lives.
        let slot = unsafe { &mut *handle.0.as_ptr() };
        // SAFETY: issued slots are below `initialized`, whose objects are initialised.
        unsafe { slot.object.assume_init_mut() }
    }

    /// Returns the object to the slab, keeping its capacity for the next `acquire`.
    ///
    /// # Safety
    ///
    /// Behavior is undefined if any of the following conditions are violated:
    /// - `handle` was returned by `acquire` on this slab and has not been released.
    pub unsafe fn release(&mut self, handle: RawHandle<T>) {
        let mut slot = handle.0;
        // SAFETY: the handle is a live, issued slot of this slab (caller's promise) and the
        // handle is consumed, so no other reference to the slot exists.
        unsafe { slot.as_mut() }.next = self.free;
        self.free = Some(slot);
    }
}

impl<T> Drop for RawSlab<T> {
    fn drop(&mut self) {
        for i in 0..self.initialized {
            // SAFETY: `i < initialized <= capacity`, inside the allocation.
            let mut slot = unsafe { self.slots.add(i) };
            // SAFETY: inside the allocation (above); `&mut self` means no borrow from
            // `get_mut` is alive, so this is the only reference to the slot.
            let slot = unsafe { slot.as_mut() };
            // SAFETY: slots below `initialized` hold initialised objects, dropped once, here.
            unsafe { slot.object.assume_init_drop() };
        }
        let slots = NonNull::slice_from_raw_parts(self.slots, self.capacity);
        // SAFETY: `slots` is exactly the `Box<[Slot<T>]>` leaked in `with_capacity`; it is
        // rebuilt once, here. `Slot<T>` does not drop its `MaybeUninit` object (done above).
        drop(unsafe { Box::from_raw(slots.as_ptr()) });
    }
}

/// Slots in a single-threaded slab: an operation holds one object at a time, so this is slack.
const LOCAL_CAPACITY: usize = 16;

/// [`RawSlab`] as a single-threaded pool; a full slab falls back to a fresh object.
pub struct LocalSlab<T>(RawSlab<T>);

impl<T: PoolObject> Default for LocalSlab<T> {
    fn default() -> Self {
        Self(RawSlab::with_capacity(LOCAL_CAPACITY))
    }
}

impl<T: PoolObject> LocalPool for LocalSlab<T> {
    fn op(&mut self, op: u64) -> u64 {
        let Some(handle) = self.0.acquire() else {
            return operate(&mut T::fresh(), op);
        };
        // SAFETY: `handle` was just acquired from this slab and is released only below.
        let checksum = operate(unsafe { self.0.get_mut(&handle) }, op);
        // SAFETY: `handle` came from this slab and is released once, here.
        unsafe { self.0.release(handle) };
        checksum
    }
}

/// A free list per rayon worker in an `UnsafeCell`, without a lock.
pub struct WorkerTable<T> {
    threads: Arc<ThreadPool>,
    slots: Box<[Padded<UnsafeCell<Vec<T>>>]>,
}

// SAFETY: sharing `&WorkerTable` between threads is sound because slot `i` is only ever
// accessed through `with_slot`, which hands it only to the thread whose index in
// `self.threads` is `i`: `ThreadPool::current_thread_index` is `None` on any thread outside
// that pool, and rayon gives each worker of a pool a distinct index that never changes while
// the pool exists, which is at least as long as the table (it holds an `Arc` of the pool).
// Other users of the same pool run their jobs on the same workers but cannot reach the
// table's slots other than through `with_slot`. The
// borrow `with_slot` makes ends before it returns and its closures run no code that could
// start another job of the pool on the same thread, so no slot is ever borrowed twice at once.
// Objects may end up dropped on the thread that drops the table, hence `T: Send`.
unsafe impl<T: Send> Sync for WorkerTable<T> {}

impl<T: PoolObject> WorkerTable<T> {
    /// Runs `f` on the calling worker's own free list; `None` on threads outside the pool.
    ///
    /// Private, and only called with closures that run no foreign code (a `pop`, or a `push`
    /// within reserved capacity), which the `Sync` proof above relies on.
    fn with_slot<R>(&self, f: impl FnOnce(&mut Vec<T>) -> R) -> Option<R> {
        let index = self.threads.current_thread_index()?;
        let cell = &self.slots.get(index)?.0;
        // SAFETY: only the worker with index `index` of `self.threads` reaches this slot (see
        // the `Sync` proof), and it holds no other borrow of it: the borrow ends when `f`
        // returns, and `f` cannot re-enter (it runs no foreign code).
        let free = unsafe { &mut *cell.get() };
        Some(f(free))
    }

    /// A free object from the calling worker's slot, or a fresh one.
    pub fn acquire(&self) -> T {
        // `T::fresh` runs after the slot's borrow has ended: it is foreign code.
        self.with_slot(Vec::pop).flatten().unwrap_or_else(T::fresh)
    }

    /// Keeps `object` in the calling worker's slot if there is room; drops it otherwise.
    pub fn release(&self, object: T) {
        // Pushing within capacity never allocates, so no foreign code runs under the borrow;
        // an object that does not fit is dropped after the borrow has ended.
        let rejected = self.with_slot(|free| {
            if free.len() < free.capacity() {
                free.push(object);
                None
            } else {
                Some(object)
            }
        });
        // Off the pool's workers the closure never ran and dropped `object` unborrowed.
        drop(rejected.flatten());
    }
}

impl<T: PoolObject> SharedPool for WorkerTable<T> {
    fn new(threads: Arc<ThreadPool>) -> Self {
        let slots = (0..threads.current_num_threads())
            .map(|_| Padded(UnsafeCell::new(Vec::with_capacity(PER_WORKER_CAPACITY))))
            .collect();
        Self { threads, slots }
    }

    fn threads(&self) -> &ThreadPool {
        &self.threads
    }

    fn op(&self, op: u64) -> u64 {
        let mut object = self.acquire();
        let checksum = operate(&mut object, op);
        self.release(object);
        checksum
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicIsize, Ordering};

    use super::*;
    use crate::families::pool::Scratch;

    /// Counts live objects, to check that the slab drops exactly what it made.
    #[derive(Default)]
    struct Counted {
        live: Option<Arc<AtomicIsize>>,
    }

    impl PoolObject for Counted {
        fn fresh() -> Self {
            Self::default()
        }
        fn fill(&mut self, _op: u64) {}
        fn checksum(&self) -> u64 {
            0
        }
    }

    #[test]
    fn raw_slab_hands_out_distinct_slots_until_full_and_reuses_released_ones() {
        let mut slab = RawSlab::<Scratch>::with_capacity(3);
        let handles: Vec<_> = std::iter::from_fn(|| slab.acquire()).collect();
        assert_eq!(handles.len(), 3, "capacity 3 gives 3 handles, then None");
        let mut addresses = Vec::new();
        for handle in &handles {
            // SAFETY: issued by this slab, not released.
            let object = unsafe { slab.get_mut(handle) };
            object.fill(addresses.len() as u64);
            addresses.push(std::ptr::from_mut(object).addr());
        }
        addresses.sort_unstable();
        addresses.dedup();
        assert_eq!(addresses.len(), 3, "slots are distinct");
        let mut handles = handles.into_iter();
        let first = handles.next().unwrap();
        // SAFETY: issued by this slab, released once.
        unsafe { slab.release(first) };
        let again = slab.acquire().expect("a released slot is free again");
        // SAFETY: issued by this slab, not released.
        let reused = unsafe { slab.get_mut(&again) };
        assert!(
            reused.checksum() != 0,
            "the object kept its contents and capacity"
        );
        assert!(slab.acquire().is_none());
        for handle in handles.chain([again]) {
            // SAFETY: issued by this slab, released once.
            unsafe { slab.release(handle) };
        }
        // Dropping the slab drops the three objects (Miri reports a leak otherwise).
    }

    #[test]
    fn raw_slab_drops_exactly_the_objects_it_made() {
        let live = Arc::new(AtomicIsize::new(0));
        {
            let mut slab = RawSlab::<Counted>::with_capacity(4);
            let a = slab.acquire().unwrap();
            let b = slab.acquire().unwrap();
            for handle in [&a, &b] {
                // SAFETY: issued by this slab, not released.
                let object = unsafe { slab.get_mut(handle) };
                live.fetch_add(1, Ordering::Relaxed);
                object.live = Some(Arc::clone(&live));
            }
            // SAFETY: issued by this slab, released once.
            unsafe { slab.release(a) };
            // `b` is never released: a forgotten handle leaves the object owned by the slab.
            let _ = b;
        }
        assert_eq!(Arc::strong_count(&live), 1, "the slab dropped both objects");
        let empty = RawSlab::<Counted>::with_capacity(0);
        drop(empty);
    }
}
