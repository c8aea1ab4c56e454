//! Loom models of the cancel tree: every interleaving of the real code, run
//! with `RUSTFLAGS="--cfg loom" cargo test -p ctxkit --lib --release loom`.
//! The tree-restructuring paths (drops with children, parent and child
//! cancelled at once, concurrent creation) are modelled too.

use loom::future::block_on;
use loom::thread;

use crate::{Ctx, CtxError};

fn model(f: impl Fn() + Send + Sync + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(f);
}

#[test]
fn loom_cancel_races_done_registration() {
    model(|| {
        let (ctx, cancel) = Ctx::background().with_cancel();
        let canceller = thread::spawn(move || cancel.cancel_with("bye"));
        block_on(ctx.done());
        assert_eq!(ctx.err(), Some(CtxError::Canceled));
        assert_eq!(ctx.cause().unwrap().to_string(), "bye");
        canceller.join().unwrap();
    });
}

#[test]
fn loom_cancel_at_root_wakes_a_waiter_on_a_grandchild() {
    model(|| {
        let (root, cancel) = Ctx::background().with_cancel();
        let (child, _c1) = root.with_cancel();
        let (grandchild, _c2) = child.with_cancel();
        let waiter = thread::spawn(move || {
            block_on(grandchild.done());
            grandchild.cause().unwrap().to_string()
        });
        cancel.cancel_with("root");
        assert_eq!(waiter.join().unwrap(), "root");
    });
}

#[test]
fn loom_parent_and_child_cancelled_at_once() {
    model(|| {
        let (root, keep) = Ctx::background().with_cancel();
        let (parent, parent_cancel) = root.with_cancel();
        let (child, child_cancel) = parent.with_cancel();
        let (grandchild, _c) = child.with_cancel();
        let a = thread::spawn(move || parent_cancel.cancel_with("parent"));
        let b = thread::spawn(move || child_cancel.cancel_with("child"));
        a.join().unwrap();
        b.join().unwrap();
        let child_cause = child.cause().unwrap().to_string();
        assert!(child_cause == "parent" || child_cause == "child");
        assert_eq!(grandchild.cause().unwrap().to_string(), child_cause);
        assert_eq!(parent.cause().unwrap().to_string(), "parent");
        drop((child, grandchild, parent));
        // Nothing left registered under the root.
        assert_eq!(root.node_for_test().child_count(), 0);
        assert_eq!(root.node_for_test().users(), 2);
        drop(keep);
    });
}

#[test]
fn loom_drop_node_with_children_while_parent_cancelled() {
    model(|| {
        let (root, cancel) = Ctx::background().with_cancel();
        let (mid, mid_cancel) = root.with_cancel();
        let (leaf, _leaf_cancel) = mid.with_cancel();
        let dropper = thread::spawn(move || {
            mid_cancel.disarm();
            drop(mid);
        });
        let canceller = thread::spawn(move || cancel.cancel_with("root"));
        // The leaf keeps `mid` in the tree, so the cancel must reach it.
        block_on(leaf.done());
        assert_eq!(leaf.cause().unwrap().to_string(), "root");
        dropper.join().unwrap();
        canceller.join().unwrap();
    });
}

#[test]
fn loom_dropping_a_child_while_parent_cancels_leaves_nothing_registered() {
    model(|| {
        let (root, keep) = Ctx::background().with_cancel();
        let (parent, parent_cancel) = root.with_cancel();
        let (child, child_cancel) = parent.with_cancel();
        let dropper = thread::spawn(move || {
            child_cancel.disarm();
            drop(child);
        });
        parent_cancel.cancel();
        dropper.join().unwrap();
        assert_eq!(parent.node_for_test().child_count(), 0);
        assert_eq!(parent.node_for_test().users(), 1);
        drop(parent);
        assert_eq!(root.node_for_test().child_count(), 0);
        assert_eq!(root.node_for_test().users(), 2);
        drop(keep);
    });
}

#[test]
fn loom_concurrent_child_creation_under_one_parent() {
    model(|| {
        let (parent, cancel) = Ctx::background().with_cancel();
        let spawn_child = |parent: Ctx| {
            thread::spawn(move || {
                let (child, child_cancel) = parent.with_cancel();
                let alive = !child.is_done();
                drop(child_cancel);
                (alive, child.err())
            })
        };
        let a = spawn_child(parent.clone());
        let b = spawn_child(parent.clone());
        for t in [a, b] {
            let (_, err) = t.join().unwrap();
            assert_eq!(err, Some(CtxError::Canceled));
        }
        assert_eq!(parent.node_for_test().child_count(), 0);
        assert_eq!(parent.node_for_test().users(), 2);
        cancel.cancel();
    });
}

#[test]
fn loom_child_created_while_parent_cancels_is_cancelled_either_way() {
    model(|| {
        let (parent, cancel) = Ctx::background().with_cancel();
        let p = parent.clone();
        let creator = thread::spawn(move || {
            let (child, child_cancel) = p.with_cancel();
            block_on(child.done());
            child_cancel.disarm();
            child.cause().unwrap().to_string()
        });
        cancel.cancel_with("parent");
        assert_eq!(creator.join().unwrap(), "parent");
        assert_eq!(parent.node_for_test().child_count(), 0);
    });
}

#[test]
fn loom_dropping_the_last_handle_still_cancels_live_descendants() {
    model(|| {
        let (parent, keep) = Ctx::background().with_cancel();
        let (child, handle) = parent.with_cancel();
        let (grandchild, gc_handle) = child.with_cancel();
        gc_handle.disarm();
        let a = thread::spawn(move || drop(handle));
        let b = thread::spawn(move || drop(child));
        a.join().unwrap();
        b.join().unwrap();
        // The grandchild is a user of the child, so the handle was never the
        // sole user and its drop had to cancel.
        assert_eq!(grandchild.cause().unwrap().to_string(), "cancel handle dropped");
        drop(grandchild);
        assert_eq!(parent.node_for_test().child_count(), 0);
        assert_eq!(parent.node_for_test().users(), 2);
        drop(keep);
    });
}
