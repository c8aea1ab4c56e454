//! Fixed: an order pipeline with a deadline per order and per stage.
//!
//! Each order gets a context with an overall deadline ("order deadline",
//! 300ms). Validation runs under a short child timeout; payment under a
//! shorter one than the order's ("payment provider too slow", 100ms), with
//! `send_within` to queue the charge and `ctx.run(..)` to wait for the
//! answer; fulfilment runs under the order's context itself, so it gets the
//! time that is left. A stalled gateway now fails the orders it holds, with
//! a cause that names the stage, and the queued charges come back to their
//! orders. `shutdown` confirms nothing is left.
//!
//! The bug is in `leaky.rs`. Run with `cargo run --example order_pipeline`.

use std::time::Duration;

use ctxkit::prelude::*;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

type Error = Box<dyn std::error::Error + Send + Sync>;

struct Charge {
    order: u32,
    reply: oneshot::Sender<Result<(), String>>,
}

async fn validate(order: u32) -> Result<(), String> {
    tokio::time::sleep(Duration::from_millis(5)).await;
    if order == 0 {
        return Err("order 0 is not a valid order".to_string());
    }
    Ok(())
}

async fn fulfil(_order: u32) {
    tokio::time::sleep(Duration::from_millis(20)).await;
}

async fn pay(ctx: &Ctx, order: u32, gateway: &mpsc::Sender<Charge>) -> Result<(), Error> {
    let (ctx, _cancel) = ctx.with_timeout_cause(Duration::from_millis(100), "payment provider too slow");
    let (reply, answer) = oneshot::channel();
    if let Err(e) = gateway.send_within(&ctx, Charge { order, reply }).await {
        return Err(e.to_string().into());
    }
    ctx.run(answer).await??.map_err(Error::from)
}

async fn process_order(ctx: &Ctx, order: u32, gateway: &mpsc::Sender<Charge>) -> Result<String, Error> {
    let (validation, _cancel) = ctx.with_timeout_cause(Duration::from_millis(50), "validation too slow");
    validation.run(validate(order)).await??;
    pay(ctx, order, gateway).await?;
    let left = ctx
        .deadline()
        .map(|d| d.saturating_duration_since(Instant::now()))
        .unwrap_or_default();
    ctx.run(fulfil(order)).await?;
    Ok(format!(
        "fulfilled, with {left:.0?} of the order's time left for fulfilment"
    ))
}

#[tokio::main]
async fn main() {
    let tasks = ctxkit_examples::TaskCount::start();
    let (root, _stop) = Ctx::background().with_cancel();
    let (gateway, mut charges) = ctxkit::channel::bounded::<Charge>(2);
    drop(root.spawn_named("payment-gateway", |ctx| async move {
        let mut answered = 0;
        while let Ok(Some(charge)) = charges.recv_within(&ctx).await {
            if answered < 2 {
                answered += 1;
                let _ = charge.reply.send(Ok(()));
            } else {
                println!("gateway: no answer from the provider for order {}", charge.order);
                // The provider stopped answering; the charge waits with it,
                // until the gateway itself is shut down.
                ctx.done().await;
                drop(charge);
            }
        }
    }));

    let orders: Vec<_> = (1..=8)
        .map(|order| {
            let gateway = gateway.clone();
            root.spawn_named("order", move |ctx| async move {
                let (ctx, _cancel) = ctx.with_timeout_cause(Duration::from_millis(300), "order deadline");
                let result = process_order(&ctx, order, &gateway).await;
                (order, result)
            })
        })
        .collect();
    for order in orders {
        match order.await {
            Ok((order, Ok(done))) => println!("order {order}: {done}"),
            Ok((order, Err(e))) => println!("order {order}: failed: {e}"),
            Err(e) => println!("an order task failed: {e}"),
        }
    }

    let report = root.shutdown("example done", Duration::from_secs(1)).await;
    println!("{report}");
    ctxkit_examples::report_leaked(tasks.live(Duration::from_millis(500)).await);
}
