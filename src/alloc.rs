//! The console's memory allocator, in place of the default (dlmalloc, about 7 KB of wasm).
//!
//! Blocks come in power-of-two sizes from 16 bytes up; each size has a free list, and new
//! blocks are carved from the end of the heap, growing wasm memory a page at a time. A freed
//! block is only ever reused for the same size: no splitting, no merging. Wasm memory never
//! shrinks anyway, so the price is internal fragmentation (at most half of a block), which
//! the console's allocation pattern (many small strings, a few growing vectors) tolerates.
//! wasm32-unknown-unknown has one thread, so there is no locking.

use std::alloc::{GlobalAlloc, Layout};
use std::arch::wasm32::memory_grow;
use std::cell::UnsafeCell;
use std::ptr::{copy_nonoverlapping, null_mut};

const PAGE: usize = 65536;
/// Size classes: class c holds blocks of 2^c bytes.
const CLASSES: usize = usize::BITS as usize;
/// Every block is aligned to this; larger alignments are served fresh (see `alloc`).
const ALIGN: usize = 16;

pub struct Pow2(UnsafeCell<Heap>);

struct Heap {
    free: [*mut u8; CLASSES],
    /// The unused end of the heap: [next, end).
    next: usize,
    end: usize,
}

// SAFETY: the target has a single thread.
unsafe impl Sync for Pow2 {}

impl Pow2 {
    pub const fn new() -> Pow2 {
        Pow2(UnsafeCell::new(Heap { free: [null_mut(); CLASSES], next: 0, end: 0 }))
    }
}

/// The class of a block big enough (and aligned enough) for `layout`.
fn class(layout: &Layout) -> usize {
    let size = layout.size().max(layout.align()).max(ALIGN);
    (usize::BITS - (size - 1).leading_zeros()) as usize
}

impl Heap {
    /// `size` bytes aligned to `align` from the end of the heap, growing memory as needed.
    /// (Never inlined: it would be copied into every allocating function.)
    #[inline(never)]
    fn carve(&mut self, size: usize, align: usize) -> *mut u8 {
        loop {
            let start = (self.next + align - 1) & !(align - 1);
            let Some(end) = start.checked_add(size) else { return null_mut() };
            if end <= self.end && self.end != 0 {
                self.next = end;
                return start as *mut u8;
            }
            let pages = (end.saturating_sub(self.end)).div_ceil(PAGE).max(1);
            let before = memory_grow(0, pages);
            if before == usize::MAX {
                return null_mut();
            }
            if before * PAGE != self.end {
                // First use, or someone else grew memory: start afresh at the old end.
                self.next = before * PAGE;
            }
            self.end = (before + pages) * PAGE;
        }
    }
}

unsafe impl GlobalAlloc for Pow2 {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single thread, and no allocation happens while the heap is borrowed.
        let heap = unsafe { &mut *self.0.get() };
        let c = class(&layout);
        if c >= CLASSES {
            return null_mut();
        }
        let head = heap.free[c];
        if !head.is_null() && layout.align() <= ALIGN {
            // SAFETY: a free block holds the next free block's address in its first word.
            heap.free[c] = unsafe { *(head as *mut *mut u8) };
            return head;
        }
        heap.carve(1 << c, layout.align().max(ALIGN))
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as in `alloc`; `ptr` is a block of class `class(&layout)` we handed out.
        let heap = unsafe { &mut *self.0.get() };
        let c = class(&layout);
        unsafe { *(ptr as *mut *mut u8) = heap.free[c] };
        heap.free[c] = ptr;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees a valid layout for `new_size`.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class(&new) == class(&layout) {
            return ptr;
        }
        let moved = unsafe { self.alloc(new) };
        if !moved.is_null() {
            unsafe {
                copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        moved
    }
}
