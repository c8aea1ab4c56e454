//! Creating and dropping a million children under one long-lived parent leaves
//! memory flat: measured with a counting allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use ctxkit::Ctx;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: defers to the system allocator; only counts bytes.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The byte count is process-wide: tests here run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn a_million_dropped_children_leave_memory_flat() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (parent, cancel) = Ctx::background().with_cancel();
    let valued = parent.with_value(1u64);
    // Warm up so the parent's slabs have their working size.
    for _ in 0..1_000 {
        let _ = valued.with_cancel();
    }
    let before = LIVE.load(Ordering::Relaxed);
    for i in 0..1_000_000u32 {
        let (child, handle) = valued.with_cancel();
        if i % 3 == 0 {
            let (grandchild, _gc) = child.with_cancel();
            drop(grandchild);
        }
        if i % 2 == 0 {
            handle.disarm();
        }
        drop(child);
    }
    let after = LIVE.load(Ordering::Relaxed);
    assert!(
        after - before < 64 * 1024,
        "memory grew by {} bytes over a million children",
        after - before
    );
    cancel.cancel();
}

#[test]
fn cancelled_long_timeouts_leave_memory_flat() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let root = Ctx::background();
        for _ in 0..1_000 {
            let _ = root.with_timeout(std::time::Duration::from_secs(3600));
        }
        let before = LIVE.load(Ordering::Relaxed);
        for _ in 0..200_000 {
            let (_ctx, cancel) = root.with_timeout(std::time::Duration::from_secs(3600));
            cancel.cancel();
        }
        let after = LIVE.load(Ordering::Relaxed);
        assert!(
            after - before < 64 * 1024,
            "memory grew by {} bytes over 200k cancelled timeouts",
            after - before
        );
    });
}
