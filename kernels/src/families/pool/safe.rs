//! The safe ways to get objects: allocation per operation, a `Vec`-backed pool with a drop
//! guard, an index slab, and for rayon workers a shared `Mutex`, per-worker `Mutex`es,
//! crossbeam's `ArrayQueue`, and per-thread free lists without locks: a `thread_local!` and the
//! `thread_local` crate's `ThreadLocal`. (rayon's `map_init`, the other idiom, needs no pool
//! type: see `pool_rayon`.)

use std::cell::RefCell;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::LocalKey;

use crossbeam_queue::ArrayQueue;
use rayon::ThreadPool;
use thread_local::ThreadLocal;

use super::{
    LocalPool, Message, PER_WORKER_CAPACITY, Padded, PoolObject, Scratch, SharedPool, operate,
};

/// No pool: a fresh object for every operation.
#[derive(Debug)]
pub struct AllocPerOp<T>(PhantomData<fn() -> T>);

impl<T> Default for AllocPerOp<T> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<T: PoolObject> LocalPool for AllocPerOp<T> {
    fn op(&mut self, op: u64) -> u64 {
        operate(&mut T::fresh(), op)
    }
}

/// No pool, on rayon workers: a fresh object for every operation.
#[derive(Debug)]
pub struct AllocPerOpShared<T> {
    threads: Arc<ThreadPool>,
    _objects: PhantomData<fn() -> T>,
}

impl<T: PoolObject> SharedPool for AllocPerOpShared<T> {
    fn new(threads: Arc<ThreadPool>) -> Self {
        Self {
            threads,
            _objects: PhantomData,
        }
    }

    fn threads(&self) -> &ThreadPool {
        &self.threads
    }

    fn op(&self, op: u64) -> u64 {
        operate(&mut T::fresh(), op)
    }
}

/// Free objects in a `Vec`, moved out on acquire and back in by the guard's `Drop`.
#[derive(Debug)]
pub struct GuardPool<T> {
    free: RefCell<Vec<T>>,
}

impl<T> Default for GuardPool<T> {
    fn default() -> Self {
        Self {
            free: RefCell::new(Vec::new()),
        }
    }
}

impl<T: PoolObject> GuardPool<T> {
    /// A free object, or a fresh one when none is free.
    pub fn acquire(&self) -> Guard<'_, T> {
        let object = self.free.borrow_mut().pop().unwrap_or_else(T::fresh);
        Guard { pool: self, object }
    }
}

/// An object on loan from a [`GuardPool`], returned to it on drop.
#[derive(Debug)]
pub struct Guard<'a, T: PoolObject> {
    pool: &'a GuardPool<T>,
    object: T,
}

impl<T: PoolObject> Deref for Guard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.object
    }
}

impl<T: PoolObject> DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.object
    }
}

impl<T: PoolObject> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        // `Default` is the empty object: taking it out costs no allocation.
        let object = std::mem::take(&mut self.object);
        self.pool.free.borrow_mut().push(object);
    }
}

impl<T: PoolObject> LocalPool for GuardPool<T> {
    fn op(&mut self, op: u64) -> u64 {
        operate(&mut *self.acquire(), op)
    }
}

/// Objects stay where they were made, in a `Vec`; a handle is an index, and free indices wait
/// on a stack. A stale or repeated index is a logic error, never undefined behaviour.
#[derive(Debug)]
pub struct IndexSlab<T> {
    objects: Vec<T>,
    free: Vec<usize>,
}

impl<T> Default for IndexSlab<T> {
    fn default() -> Self {
        Self {
            objects: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T: PoolObject> IndexSlab<T> {
    /// The index of a free object, making one when none is free.
    pub fn acquire(&mut self) -> usize {
        self.free.pop().unwrap_or_else(|| {
            self.objects.push(T::fresh());
            self.objects.len() - 1
        })
    }

    /// The object at `index`, if there is one.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.objects.get_mut(index)
    }

    /// Puts `index` back on the free list.
    pub fn release(&mut self, index: usize) {
        self.free.push(index);
    }
}

impl<T: PoolObject> LocalPool for IndexSlab<T> {
    fn op(&mut self, op: u64) -> u64 {
        let index = self.acquire();
        let checksum = match self.get_mut(index) {
            Some(object) => operate(object, op),
            None => unreachable!("acquire returned index {index} it does not hold"),
        };
        self.release(index);
        checksum
    }
}

/// One free list behind one lock, shared by every worker.
#[derive(Debug)]
pub struct SharedMutex<T> {
    threads: Arc<ThreadPool>,
    free: Mutex<Vec<T>>,
}

impl<T: PoolObject> SharedPool for SharedMutex<T> {
    fn new(threads: Arc<ThreadPool>) -> Self {
        Self {
            threads,
            free: Mutex::new(Vec::new()),
        }
    }

    fn threads(&self) -> &ThreadPool {
        &self.threads
    }

    fn op(&self, op: u64) -> u64 {
        // A panic while the lock is held cannot leave the Vec half-updated: push and pop are
        // atomic with respect to unwinding, so a poisoned lock is still usable.
        let popped = self
            .free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut object = popped.unwrap_or_else(T::fresh);
        let checksum = operate(&mut object, op);
        self.free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(object);
        checksum
    }
}

/// A free list per worker, each behind its own (uncontended) lock.
#[derive(Debug)]
pub struct PerWorkerMutex<T> {
    threads: Arc<ThreadPool>,
    slots: Box<[Padded<Mutex<Vec<T>>>]>,
}

impl<T: PoolObject> PerWorkerMutex<T> {
    fn slot(&self) -> Option<&Mutex<Vec<T>>> {
        let index = self.threads.current_thread_index()?;
        self.slots.get(index).map(|padded| &padded.0)
    }
}

impl<T: PoolObject> SharedPool for PerWorkerMutex<T> {
    fn new(threads: Arc<ThreadPool>) -> Self {
        let slots = (0..threads.current_num_threads())
            .map(|_| Padded(Mutex::new(Vec::new())))
            .collect();
        Self { threads, slots }
    }

    fn threads(&self) -> &ThreadPool {
        &self.threads
    }

    fn op(&self, op: u64) -> u64 {
        let slot = self.slot();
        let popped = slot.and_then(|s| s.lock().unwrap_or_else(PoisonError::into_inner).pop());
        let mut object = popped.unwrap_or_else(T::fresh);
        let checksum = operate(&mut object, op);
        if let Some(slot) = slot {
            slot.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(object);
        }
        checksum
    }
}

/// A bounded lock-free queue of free objects shared by every worker; when it is full a
/// released object is dropped.
#[derive(Debug)]
pub struct QueuePool<T> {
    threads: Arc<ThreadPool>,
    free: ArrayQueue<T>,
}

impl<T: PoolObject> SharedPool for QueuePool<T> {
    fn new(threads: Arc<ThreadPool>) -> Self {
        // Room for every worker's object plus slack, so no release is dropped in steady state.
        let capacity = 4 * threads.current_num_threads();
        Self {
            threads,
            free: ArrayQueue::new(capacity),
        }
    }

    fn threads(&self) -> &ThreadPool {
        &self.threads
    }

    fn op(&self, op: u64) -> u64 {
        let mut object = self.free.pop().unwrap_or_else(T::fresh);
        let checksum = operate(&mut object, op);
        // Full: the object is dropped, as a bounded pool does.
        let _ = self.free.push(object);
        checksum
    }
}

/// Keeps `object` in `free` if there is room (as every per-worker pool does), dropping it
/// otherwise.
fn keep<T>(free: &mut Vec<T>, object: T) {
    if free.len() < PER_WORKER_CAPACITY {
        free.push(object);
    }
}

/// An object type with a free list per thread in a `thread_local!`. A static cannot be generic,
/// so each object type declares its own.
pub trait ThreadFreeList: PoolObject {
    /// The calling thread's free objects of this type.
    fn free_list() -> &'static LocalKey<RefCell<Vec<Self>>>;
}

macro_rules! thread_free_list {
    ($($object:ty),*) => {$(
        impl ThreadFreeList for $object {
            fn free_list() -> &'static LocalKey<RefCell<Vec<Self>>> {
                thread_local! {
                    static FREE: RefCell<Vec<$object>> = const { RefCell::new(Vec::new()) };
                }
                &FREE
            }
        }
    )*};
}

thread_free_list!(Scratch, Message);

/// A free list per thread in a `thread_local!`: no lock, one `RefCell` flag. The lists belong
/// to the threads, not to the pool, so every pool of one object type on a thread shares them.
#[derive(Debug)]
pub struct ThreadLocalMacro<T> {
    threads: Arc<ThreadPool>,
    _objects: PhantomData<fn() -> T>,
}

impl<T: ThreadFreeList> SharedPool for ThreadLocalMacro<T> {
    fn new(threads: Arc<ThreadPool>) -> Self {
        Self {
            threads,
            _objects: PhantomData,
        }
    }

    fn threads(&self) -> &ThreadPool {
        &self.threads
    }

    fn op(&self, op: u64) -> u64 {
        let popped = T::free_list().with_borrow_mut(Vec::pop);
        let mut object = popped.unwrap_or_else(T::fresh);
        let checksum = operate(&mut object, op);
        T::free_list().with_borrow_mut(|free| keep(free, object));
        checksum
    }
}

/// A free list per thread in the `thread_local` crate's `ThreadLocal`: per-pool state looked up
/// by thread, no lock, one `RefCell` flag.
#[derive(Debug)]
pub struct ThreadLocalCrate<T: Send> {
    threads: Arc<ThreadPool>,
    free: ThreadLocal<RefCell<Vec<T>>>,
}

impl<T: PoolObject> SharedPool for ThreadLocalCrate<T> {
    fn new(threads: Arc<ThreadPool>) -> Self {
        Self {
            threads,
            free: ThreadLocal::new(),
        }
    }

    fn threads(&self) -> &ThreadPool {
        &self.threads
    }

    fn op(&self, op: u64) -> u64 {
        let free = self.free.get_or_default();
        let popped = free.borrow_mut().pop();
        let mut object = popped.unwrap_or_else(T::fresh);
        let checksum = operate(&mut object, op);
        keep(&mut free.borrow_mut(), object);
        checksum
    }
}
