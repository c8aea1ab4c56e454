//! The cancel tree: one [`Node`] per cancellable context.
//!
//! # Invariants
//!
//! * `done` goes from `LIVE` to `CANCELED` or `DEADLINE` once, and only while
//!   `state` is locked. `cause` is written in the same critical section, before
//!   the flag, so whoever sees the flag (Acquire) and then locks sees the cause.
//! * A waiter is registered only under `state`'s lock and only after reading
//!   `done == LIVE` under that lock; the canceller sets `done` and takes every
//!   waiter in one critical section. So a waiter either sees the flag, or is
//!   in the set the canceller wakes: no wake-up can be lost. The lock-free
//!   `is_done` fast path only ever answers "done" early; "not done" is always
//!   confirmed under the lock before a waiter parks.
//! * `users` counts the handles that can still observe or cancel the node —
//!   `Ctx` clones, the `CancelHandle`, pending after-funcs, and every *linked*
//!   child (a live child keeps its parent in the tree so that a cancel from
//!   above still reaches it). When `users` drops to zero the node unlinks
//!   itself from its parent: creating and dropping children leaves the parent
//!   as it was.
//! * `linked` is true while the node holds a slot in its parent's `children`
//!   and one of its parent's `users`. It is cleared exactly once, by whoever
//!   unlinks the node (its own cancel, its last user's drop, or the parent's
//!   cancel, which takes the whole `children` slab at once).
//! * After a node is done, nothing is ever inserted into its `children`,
//!   `waiters` or `after` slabs again, so a stale slab key can only miss.
//!   While it is live, keys are removed only by their owner (a child removes
//!   only its own slot, checked by pointer; a waiter only its own key).
//!
//! # Lock order
//!
//! A node's lock is never held while another node's lock is taken, and no
//! user code (wakers, after-funcs) runs under a lock. Cancelling walks the tree
//! with an explicit stack, so depth costs heap, not call stack.

use std::task::Waker;

use slab::Slab;

use crate::Instant;
use crate::cause::{Cause, CtxError};
use crate::sync::{Arc, AtomicBool, AtomicU8, AtomicUsize, Mutex, Ordering, fence, lock};
use crate::timer::TimerKey;

const LIVE: u8 = 0;
const CANCELED: u8 = 1;
const DEADLINE: u8 = 2;

type AfterFn = Box<dyn FnOnce() + Send + 'static>;

pub(crate) struct Node {
    done: AtomicU8,
    users: AtomicUsize,
    /// Set at creation, taken only in `Drop` (to free long chains iteratively);
    /// immutable in between, so ancestry can be walked without locks.
    parent: Option<Arc<Node>>,
    /// This node's key in `parent.children`, valid while `linked`.
    slot: usize,
    /// The earliest deadline along the chain.
    deadline: Option<Instant>,
    /// True while the node holds a slot in its parent's `children` and one of
    /// its parent's `users`; whoever swaps it to false unlinks the node.
    linked: AtomicBool,
    /// Set once a watcher is attached, so unlinking a plain node takes no lock.
    watched: AtomicBool,
    state: Mutex<State>,
}

/// Something that will cancel a node by itself, stopped once the node is done
/// or nobody can observe it.
pub(crate) enum Watcher {
    /// A task, such as a signal listener.
    Task(tokio::task::AbortHandle),
    /// A pending deadline in the runtime's timer heap.
    Timer(TimerKey),
}

impl Watcher {
    fn stop(self) {
        match self {
            Watcher::Task(task) => task.abort(),
            Watcher::Timer(key) => key.cancel(),
        }
    }
}

#[derive(Default)]
struct State {
    cause: Option<Cause>,
    children: Slab<Arc<Node>>,
    waiters: Slab<Waker>,
    /// A deadline timer or signal listener; inline, as deadlines are common.
    watcher: Option<Watcher>,
    /// What few nodes need, boxed so the common node stays small.
    extra: Option<Box<Extra>>,
}

#[derive(Default)]
struct Extra {
    /// Pending after-funcs, each with an id so a stale `stop` cannot remove a
    /// later registration that reused its slab key.
    after: Slab<(u64, AfterFn)>,
    next_after_id: u64,
}

impl State {
    fn extra(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }
}

/// What a finished node hands back for the work done outside its lock.
struct Finished {
    children: Slab<Arc<Node>>,
    was_linked: bool,
    had_after: bool,
}

impl Node {
    /// A root node: no parent, `users` owned by the caller.
    pub(crate) fn root(users: usize, deadline: Option<Instant>) -> Arc<Node> {
        Arc::new(Node {
            done: AtomicU8::new(LIVE),
            users: AtomicUsize::new(users),
            parent: None,
            slot: 0,
            deadline,
            linked: AtomicBool::new(false),
            watched: AtomicBool::new(false),
            state: Mutex::new(State::default()),
        })
    }

    /// A child of `parent`, holding `users` users for the caller. If the parent
    /// is already done, the child is born done with the parent's cause (and is
    /// the parent's own node when it has no earlier deadline).
    pub(crate) fn child(parent: &Arc<Node>, users: usize, deadline: Option<Instant>) -> Arc<Node> {
        let deadline = match (parent.deadline, deadline) {
            (Some(p), Some(c)) => Some(p.min(c)),
            (p, c) => p.or(c),
        };
        // A child of a done parent with no earlier deadline of its own would
        // be indistinguishable from the parent: share the parent's node.
        if parent.is_done() && deadline == parent.deadline {
            parent.users.fetch_add(users, Ordering::Relaxed);
            return parent.clone();
        }
        // Allocate before taking the parent's lock: a parent with many
        // children being made on several cores holds it only to link.
        let mut node = Arc::new(Node {
            done: AtomicU8::new(LIVE),
            users: AtomicUsize::new(users),
            parent: Some(parent.clone()),
            slot: 0,
            deadline,
            linked: AtomicBool::new(false),
            watched: AtomicBool::new(false),
            state: Mutex::new(State::default()),
        });
        let mut st = lock(&parent.state);
        let code = parent.done.load(Ordering::Relaxed);
        let Some(fresh) = Arc::get_mut(&mut node) else {
            unreachable!("a node is not shared before it is linked")
        };
        if code != LIVE {
            // Born done and never linked, but with its parent recorded so the
            // ancestry of the node (and of tasks spawned under it) is known.
            let cause = st.cause.clone();
            drop(st);
            fresh.done.store(code, Ordering::Relaxed);
            lock(&fresh.state).cause = cause;
            return node;
        }
        let entry = st.children.vacant_entry();
        fresh.slot = entry.key();
        fresh.linked.store(true, Ordering::Relaxed);
        entry.insert(node.clone());
        // Counted before the child is visible: a concurrent cancel of the
        // parent releases its children's users in bulk, and `users` must never
        // undercount. The caller holds a user of `parent`, so it is not zero.
        parent.users.fetch_add(1, Ordering::Relaxed);
        drop(st);
        node
    }

    #[inline]
    pub(crate) fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire) != LIVE
    }

    #[inline]
    pub(crate) fn err(&self) -> Option<CtxError> {
        match self.done.load(Ordering::Acquire) {
            LIVE => None,
            CANCELED => Some(CtxError::Canceled),
            _ => Some(CtxError::DeadlineExceeded),
        }
    }

    pub(crate) fn cause(&self) -> Option<Cause> {
        if !self.is_done() {
            return None;
        }
        lock(&self.state).cause.clone()
    }

    pub(crate) fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// One more user (a `Ctx` clone, say).
    #[inline]
    pub(crate) fn add_user(&self) {
        self.users.fetch_add(1, Ordering::Relaxed);
    }

    /// One user fewer; the last one unlinks the node from its parent.
    #[inline]
    pub(crate) fn release_user(this: &Arc<Node>) {
        Node::release_users(this, 1);
    }

    fn release_users(this: &Arc<Node>, n: usize) {
        if n == 0 || this.users.fetch_sub(n, Ordering::Release) != n {
            return;
        }
        // Pairs with the Release decrements of every other user, as in `Arc`'s
        // drop: their last actions on the node happen before the unlink.
        fence(Ordering::Acquire);
        Node::unlink_chain(this);
    }

    /// Unlinks a node whose last user is gone, then each ancestor whose last
    /// user was the node just unlinked.
    fn unlink_chain(node: &Arc<Node>) {
        let mut next = node.unlink();
        while let Some(parent) = next {
            next = parent.unlink();
        }
    }

    /// Unlinks this node (its last user is gone) and stops its watcher.
    /// Returns the parent if this node was the parent's last user.
    fn unlink(&self) -> Option<Arc<Node>> {
        let was_linked = self.linked.swap(false, Ordering::AcqRel);
        if self.watched.load(Ordering::Acquire) {
            let watcher = lock(&self.state).watcher.take();
            if let Some(w) = watcher {
                w.stop();
            }
        }
        self.unlink_from_parent(was_linked)
    }

    /// Removes a node's slot from its parent and releases the parent user it
    /// held. Returns the parent when that was the parent's last user, so the
    /// caller unlinks it in turn without recursing.
    fn unlink_from_parent(&self, was_linked: bool) -> Option<Arc<Node>> {
        let parent = self.parent.as_ref().filter(|_| was_linked)?;
        let mut pst = lock(&parent.state);
        let removed = match pst.children.get(self.slot) {
            Some(c) if std::ptr::eq(Arc::as_ptr(c), self) => Some(pst.children.remove(self.slot)),
            _ => None,
        };
        drop(pst);
        drop(removed);
        if parent.users.fetch_sub(1, Ordering::Release) == 1 {
            fence(Ordering::Acquire);
            Some(parent.clone())
        } else {
            None
        }
    }

    /// Cancels this node and every descendant with `err` and `cause`. Returns
    /// false when the node was already done (the first cancel wins).
    pub(crate) fn cancel(this: &Arc<Node>, err: CtxError, cause: Cause) -> bool {
        let code = match err {
            CtxError::Canceled => CANCELED,
            CtxError::DeadlineExceeded => DEADLINE,
        };
        let Some(first) = this.finish(code, &cause) else {
            return false;
        };
        if first.had_after {
            Node::release_user(this);
        }
        if let Some(parent) = this.unlink_from_parent(first.was_linked) {
            Node::unlink_chain(&parent);
        }
        let mut stack: Vec<(Arc<Node>, Slab<Arc<Node>>)> = Vec::new();
        if !first.children.is_empty() {
            stack.push((this.clone(), first.children));
        }
        while let Some((parent, children)) = stack.pop() {
            let mut released = 0;
            for (_, child) in children {
                let Some(fin) = child.finish(code, &cause) else {
                    continue;
                };
                released += usize::from(fin.was_linked);
                if fin.had_after {
                    Node::release_user(&child);
                }
                if !fin.children.is_empty() {
                    stack.push((child, fin.children));
                }
            }
            Node::release_users(&parent, released);
        }
        true
    }

    /// Marks this node done and takes what must be handled outside the lock;
    /// wakes its waiters and dispatches its after-funcs. A node cancelled by
    /// its parent reports `was_linked` so the parent can release, in bulk, the
    /// users its children held (their slots went with the parent's slab).
    fn finish(&self, code: u8, cause: &Cause) -> Option<Finished> {
        let mut st = lock(&self.state);
        if self.done.load(Ordering::Relaxed) != LIVE {
            return None;
        }
        st.cause = Some(cause.clone());
        self.done.store(code, Ordering::Release);
        let was_linked = self.linked.swap(false, Ordering::AcqRel);
        let waiters = std::mem::take(&mut st.waiters);
        let extra = st.extra.take();
        let watcher = st.watcher.take();
        let children = std::mem::take(&mut st.children);
        drop(st);

        for (_, waker) in waiters {
            waker.wake();
        }
        if let Some(w) = watcher {
            w.stop();
        }
        let mut had_after = false;
        if let Some(extra) = extra {
            had_after = !extra.after.is_empty();
            for (_, (_, f)) in extra.after {
                run_after(f);
            }
        }
        Some(Finished {
            children,
            was_linked,
            had_after,
        })
    }

    /// Registers `waker` to be woken when the node is done, or refreshes the
    /// registration under `key`. Returns `None` when the node is already done.
    pub(crate) fn register(&self, key: Option<usize>, waker: &Waker) -> Option<usize> {
        let mut st = lock(&self.state);
        if self.done.load(Ordering::Relaxed) != LIVE {
            return None;
        }
        match key {
            Some(k) => {
                if let Some(w) = st.waiters.get_mut(k) {
                    w.clone_from(waker);
                }
                Some(k)
            }
            None => Some(st.waiters.insert(waker.clone())),
        }
    }

    /// Forgets a waiter that is no longer interested.
    pub(crate) fn unregister(&self, key: usize) {
        let mut st = lock(&self.state);
        if self.done.load(Ordering::Relaxed) == LIVE {
            st.waiters.try_remove(key);
        }
    }

    /// Registers `f` to run once the node is done. Returns `Err(f)` when the
    /// node is already done, so the caller runs it.
    pub(crate) fn add_after(&self, f: AfterFn) -> Result<u64, AfterFn> {
        let mut st = lock(&self.state);
        if self.done.load(Ordering::Relaxed) != LIVE {
            return Err(f);
        }
        let extra = st.extra();
        let id = extra.next_after_id;
        extra.next_after_id += 1;
        extra.after.insert((id, f));
        if extra.after.len() == 1 {
            // Pending after-funcs keep the node in the tree, as a registered
            // `AfterFunc` keeps a Go context in its parent's children.
            self.add_user();
        }
        Ok(id)
    }

    /// Removes the after-func `id` if it has not run. True when it was removed.
    pub(crate) fn stop_after(this: &Arc<Node>, id: u64) -> bool {
        let mut st = lock(&this.state);
        let Some(extra) = st.extra.as_mut() else {
            return false;
        };
        let Some(key) = extra.after.iter().find(|(_, (i, _))| *i == id).map(|(k, _)| k) else {
            return false;
        };
        let f = extra.after.remove(key);
        let now_empty = extra.after.is_empty();
        drop(st);
        drop(f);
        if now_empty {
            Node::release_user(this);
        }
        true
    }

    /// Attaches the task that will cancel this node; aborts it at once if the
    /// node is already done.
    pub(crate) fn set_watcher(&self, watcher: Watcher) {
        let mut st = lock(&self.state);
        if self.done.load(Ordering::Relaxed) != LIVE {
            drop(st);
            watcher.stop();
            return;
        }
        st.watcher = Some(watcher);
        self.watched.store(true, Ordering::Release);
    }

    /// Whether the caller's user is the only one: then nothing can observe a
    /// cancel of this node, and its last handle may skip it.
    #[inline]
    pub(crate) fn is_sole_user(&self) -> bool {
        self.users.load(Ordering::Acquire) == 1
    }

    /// The number of live children registered under this node.
    #[cfg(test)]
    pub(crate) fn child_count(&self) -> usize {
        lock(&self.state).children.len()
    }

    #[cfg(test)]
    pub(crate) fn users(&self) -> usize {
        self.users.load(Ordering::Relaxed)
    }

    /// Whether `ancestor` is this node or one of its ancestors. `parent` is
    /// immutable while the node is reachable, so the walk takes no lock.
    pub(crate) fn is_descendant_of(&self, ancestor: &Node) -> bool {
        let mut node = self;
        loop {
            if std::ptr::eq(node, ancestor) {
                return true;
            }
            match node.parent.as_deref() {
                Some(parent) => node = parent,
                None => return false,
            }
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        // Free a long chain of parents iteratively: recursive `Arc` drops of a
        // chain a million deep would overflow the stack.
        let mut parent = self.parent.take();
        while let Some(mut p) = parent {
            // Sole owner: detach its parent in place (no move of the node), so
            // dropping `p` below does not recurse.
            parent = Arc::get_mut(&mut p).and_then(|node| node.parent.take());
        }
    }
}

/// Runs an after-func off the cancelling thread: on the blocking pool when a
/// tokio runtime is at hand, else on a thread of its own.
pub(crate) fn run_after(f: AfterFn) {
    #[cfg(loom)]
    {
        f();
    }
    #[cfg(not(loom))]
    {
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn_blocking(f);
            }
            Err(_) => {
                std::thread::Builder::new()
                    .name("ctxkit-after-func".into())
                    // ctxkit: allow(bare_spawn) -- like Go's AfterFunc, which runs `f` in a goroutine of its own.
                    .spawn(f)
                    .map(drop)
                    .unwrap_or_else(|e| panic!("ctxkit: cannot start an after-func thread: {e}"));
            }
        }
    }
}
