//! Channels that lose nothing: `send_within` and `recv_within`.

use std::time::Duration;

use ctxkit::channel::{self, SendError};
use ctxkit::prelude::*;

#[tokio::test]
async fn a_send_with_room_delivers() {
    let (tx, mut rx) = channel::bounded::<u32>(2);
    let (ctx, _cancel) = Ctx::background().with_cancel();
    tx.send_within(&ctx, 7).await.unwrap();
    assert_eq!(rx.recv_within(&ctx).await.unwrap(), Some(7));
}

#[tokio::test]
async fn a_cancelled_send_hands_back_the_value() {
    let (tx, mut rx) = channel::bounded::<String>(1);
    tx.try_send("queued".into()).unwrap();
    let (ctx, cancel) = Ctx::background().with_cancel();
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    let send = tokio::spawn({
        let (tx, ctx) = (tx.clone(), ctx.clone());
        async move { tx.send_within(&ctx, "payload".to_string()).await }
    });
    tokio::task::yield_now().await;
    cancel.cancel_with("client went away");
    let err = send.await.unwrap().unwrap_err();
    assert!(!err.is_closed());
    let cancelled = err.cancelled().unwrap().clone();
    assert_eq!(cancelled.err(), CtxError::Canceled);
    assert_eq!(cancelled.cause().to_string(), "client went away");
    assert!(matches!(&err, SendError::Cancelled(v, _) if v == "payload"));
    assert_eq!(err.into_inner(), "payload");
    // Nothing half-sent: only the message queued before is there.
    assert_eq!(rx.recv().await.as_deref(), Some("queued"));
    assert!(rx.try_recv().is_err());
}

#[tokio::test(start_paused = true)]
async fn a_send_past_its_deadline_hands_back_the_value() {
    let (tx, _rx) = channel::bounded::<u8>(1);
    tx.try_send(1).unwrap();
    let (ctx, _cancel) = Ctx::background().with_timeout(Duration::from_secs(5));
    let err = tx.send_within(&ctx, 2).await.unwrap_err();
    assert!(err.cancelled().unwrap().is_deadline_exceeded());
    assert_eq!(err.into_inner(), 2);
}

#[tokio::test]
async fn a_send_on_a_done_context_sends_nothing_even_with_room() {
    let (tx, mut rx) = channel::bounded::<u8>(4);
    let (ctx, cancel) = Ctx::background().with_cancel();
    cancel.cancel();
    assert_eq!(tx.send_within(&ctx, 3).await.unwrap_err().into_inner(), 3);
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn a_send_to_a_closed_channel_says_so_and_hands_back_the_value() {
    let (tx, rx) = channel::bounded::<Vec<u8>>(1);
    drop(rx);
    let err = tx.send_within(&Ctx::background(), vec![1, 2]).await.unwrap_err();
    assert!(err.is_closed());
    assert!(err.cancelled().is_none());
    assert_eq!(err.to_string(), "send on a closed channel, value returned");
    assert_eq!(err.into_inner(), vec![1, 2]);
}

#[tokio::test]
async fn a_waiting_send_completes_once_there_is_room() {
    let (tx, mut rx) = channel::bounded::<u8>(1);
    tx.try_send(1).unwrap();
    let (ctx, _cancel) = Ctx::background().with_cancel();
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    let send = tokio::spawn(async move { tx.send_within(&ctx, 2).await });
    assert_eq!(rx.recv().await, Some(1));
    send.await.unwrap().unwrap();
    assert_eq!(rx.recv().await, Some(2));
}

#[tokio::test]
async fn recv_within_ends_with_the_context() {
    let (_tx, mut rx) = channel::bounded::<u8>(1);
    let (ctx, cancel) = Ctx::background().with_cancel();
    // ctxkit: allow(bare_spawn) -- a helper task the test itself joins or ends
    let recv = tokio::spawn(async move { rx.recv_within(&ctx).await });
    tokio::task::yield_now().await;
    cancel.cancel_with("stop listening");
    let err = recv.await.unwrap().unwrap_err();
    assert_eq!(err.cause().to_string(), "stop listening");
}

#[tokio::test]
async fn recv_within_reports_a_closed_channel_as_none() {
    let (tx, mut rx) = channel::bounded::<u8>(1);
    tx.try_send(5).unwrap();
    drop(tx);
    let ctx = Ctx::background();
    assert_eq!(rx.recv_within(&ctx).await.unwrap(), Some(5));
    assert_eq!(rx.recv_within(&ctx).await.unwrap(), None);
}

#[tokio::test]
async fn send_errors_are_std_errors_with_the_cancellation_as_source() {
    let (tx, _rx) = channel::bounded::<u8>(1);
    let (ctx, cancel) = Ctx::background().with_cancel();
    cancel.cancel_with("bye");
    let err = tx.send_within(&ctx, 1).await.unwrap_err();
    let source = std::error::Error::source(&err).unwrap();
    assert_eq!(source.to_string(), "context canceled: bye");
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.to_string().contains("value returned"));
}
