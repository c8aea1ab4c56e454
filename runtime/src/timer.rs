//! Deadline timers. A few driver tasks per tokio runtime (one per shard, a
//! shard per group of threads, as Go keeps a timer heap per P) each sleep
//! until the earliest deadline of their heap and cancel the contexts whose
//! deadline has passed: a `with_timeout` costs a heap push, not a task spawn,
//! and an early cancel costs a slab removal, not a task abort. Threads making
//! timeouts at once use different heaps, so they do not contend.
//!
//! # Invariants
//!
//! * `live` holds the pending timers; a heap entry is current only while
//!   `live[slot].seq == entry.seq`. Removal is O(1) and leaves the heap entry
//!   stale; stale entries are skipped when popped and swept out when they
//!   outnumber live ones, so cancelled long timeouts do not pile up.
//! * `driver_at` is the instant the driver will next wake (None: idle, waiting
//!   only for a notification). An insert before it lowers it and notifies;
//!   `Notify::notify_one` keeps a permit when the driver is not yet waiting,
//!   so the driver never sleeps past an earlier deadline.
//! * Nothing is cancelled under the lock: expired nodes are taken out first.
//!
//! The driver runs on the runtime that made the timer, so paused test time
//! applies; contexts made outside any runtime use ctxkit's own.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc as StdArc, Mutex, Weak};

use slab::Slab;
use tokio::runtime::{Handle, Id};
use tokio::sync::Notify;

use crate::Instant;
use crate::cause::{Cause, CtxError};
use crate::sync::Arc;
use crate::tree::Node;

/// Why a deadline context ends, formatted only when the timer fires.
pub(crate) enum Reason {
    Timeout(std::time::Duration),
    Deadline(std::time::Duration),
    Given(Cause),
    /// A static text, turned into a cause only if the timer fires.
    Text(&'static str),
}

impl Reason {
    pub(crate) fn into_cause(self) -> Cause {
        match self {
            Reason::Timeout(d) => Cause::from(format!("timeout of {d:?} elapsed")),
            Reason::Deadline(d) => Cause::from(format!("deadline {d:?} after creation passed")),
            Reason::Given(c) => c,
            Reason::Text(t) => Cause::from(t),
        }
    }
}

pub(crate) struct Timers {
    state: Mutex<State>,
    wake: Notify,
}

#[derive(Default)]
struct State {
    heap: BinaryHeap<Reverse<(Instant, u64, usize)>>,
    live: Slab<Live>,
    next_seq: u64,
    driver_at: Option<Instant>,
}

struct Live {
    seq: u64,
    node: Arc<Node>,
    reason: Reason,
}

/// A pending timer, held by its node so a cancel can remove it.
pub(crate) struct TimerKey {
    timers: StdArc<Timers>,
    slot: usize,
    seq: u64,
}

impl TimerKey {
    /// Removes the timer if it has not fired.
    pub(crate) fn cancel(self) {
        let removed = {
            let mut st = guard(&self.timers.state);
            match st.live.get(self.slot) {
                Some(l) if l.seq == self.seq => {
                    let live = st.live.remove(self.slot);
                    if st.heap.len() > 64 && st.heap.len() > 4 * st.live.len() {
                        let State { heap, live, .. } = &mut *st;
                        heap.retain(|Reverse((_, seq, slot))| live.get(*slot).is_some_and(|l| l.seq == *seq));
                    }
                    Some(live)
                }
                _ => None,
            }
        };
        // The node may be freed here; never under the timers' lock.
        drop(removed);
    }
}

/// Arranges for `node` to be cancelled with `reason` at `at`.
pub(crate) fn insert(node: &Arc<Node>, at: Instant, reason: Reason) -> TimerKey {
    let timers = for_current_runtime();
    let (slot, seq, notify) = {
        let mut st = guard(&timers.state);
        let seq = st.next_seq;
        st.next_seq += 1;
        let slot = st.live.insert(Live {
            seq,
            node: node.clone(),
            reason,
        });
        st.heap.push(Reverse((at, seq, slot)));
        let notify = st.driver_at.is_none_or(|d| at < d);
        if notify {
            st.driver_at = Some(at);
        }
        (slot, seq, notify)
    };
    if notify {
        timers.wake.notify_one();
    }
    TimerKey { timers, slot, seq }
}

impl Timers {
    async fn drive(self: StdArc<Self>) {
        let mut fired = Vec::new();
        // ctxkit: allow(uncancellable_loop) -- the driver lives as long as its runtime
        loop {
            let next = {
                let mut st = guard(&self.state);
                let now = Instant::now();
                while let Some(&Reverse((at, seq, slot))) = st.heap.peek() {
                    if at > now {
                        break;
                    }
                    st.heap.pop();
                    if st.live.get(slot).is_some_and(|l| l.seq == seq) {
                        fired.push(st.live.remove(slot));
                    }
                }
                let next = st.heap.peek().map(|Reverse((at, _, _))| *at);
                st.driver_at = next;
                next
            };
            for Live { node, reason, .. } in fired.drain(..) {
                Node::cancel(&node, CtxError::DeadlineExceeded, reason.into_cause());
            }
            match next {
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = self.wake.notified() => {}
                    }
                }
                None => self.wake.notified().await,
            }
        }
    }
}

/// Heaps per runtime. Threads are spread over them in turn.
const SHARDS: usize = 4;

/// This thread's shard, the same for every runtime it runs.
fn this_shard() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|s| *s)
}

/// This thread's timers on the current runtime (or on ctxkit's own),
/// starting their driver on first use. A per-thread cache keeps the common
/// path free of the global map's lock.
fn for_current_runtime() -> StdArc<Timers> {
    let handle = crate::driver::handle();
    let id = handle.id();
    thread_local! {
        static CACHE: RefCell<Option<(Id, StdArc<Timers>)>> = const { RefCell::new(None) };
    }
    CACHE.with(|cache| {
        if let Some((cached, timers)) = &*cache.borrow()
            && *cached == id
        {
            return timers.clone();
        }
        let timers = registered(&handle, (id, this_shard()));
        *cache.borrow_mut() = Some((id, timers.clone()));
        timers
    })
}

/// The timers of each (runtime, shard).
type Registry = HashMap<(Id, usize), Weak<Timers>>;

/// Every runtime's timers by shard, for the first use on each thread.
static ALL: Mutex<Option<Registry>> = Mutex::new(None);

fn guard<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn registered(handle: &Handle, key: (Id, usize)) -> StdArc<Timers> {
    let mut all = guard(&ALL);
    let all = all.get_or_insert_with(HashMap::new);
    if let Some(timers) = all.get(&key).and_then(Weak::upgrade) {
        return timers;
    }
    all.retain(|_, w| w.strong_count() > 0);
    let timers = StdArc::new(Timers {
        state: Mutex::new(State::default()),
        wake: Notify::new(),
    });
    all.insert(key, StdArc::downgrade(&timers));
    // ctxkit: allow(bare_spawn) -- the runtime's timer driver lives as long as the runtime.
    handle.spawn(timers.clone().drive());
    timers
}

/// How many of ctxkit's timer driver tasks run on this runtime (they count
/// in tokio's live-task metrics).
pub(crate) fn drivers(handle: &Handle) -> usize {
    let id = handle.id();
    guard(&ALL).as_ref().map_or(0, |all| {
        all.iter()
            .filter(|((rt, _), w)| *rt == id && w.strong_count() > 0)
            .count()
    })
}
