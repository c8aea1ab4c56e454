//! Leaky: an order pipeline with no stage timeouts.
//!
//! Each order is `tokio::spawn`ed through validation, payment and
//! fulfilment. Payment goes to a gateway over a queue
//! (`gateway.send(charge).await`) and waits for its answer. The gateway
//! answers the first two charges and then stalls, as a hung connection to a payment
//! provider does: the next order waits for an answer for ever, and the ones
//! after it wait for ever for room in the gateway's queue. No stage has a
//! deadline, so nothing ever fails them, and nobody learns why.
//!
//! The fix is in `fixed.rs`. Run with `cargo run --example order_pipeline_leaky`.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

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

async fn process_order(order: u32, gateway: mpsc::Sender<Charge>) -> Result<(), String> {
    validate(order).await?;
    let (reply, answer) = oneshot::channel();
    gateway
        .send(Charge { order, reply })
        .await
        .map_err(|_| "payment gateway is gone".to_string())?;
    answer
        .await
        .map_err(|_| "payment gateway dropped the charge".to_string())??;
    fulfil(order).await;
    Ok(())
}

#[tokio::main]
async fn main() {
    let tasks = ctxkit_examples::TaskCount::start();
    let (gateway, mut charges) = mpsc::channel::<Charge>(2);
    tokio::spawn(async move {
        let mut stalled = Vec::new();
        let mut answered = 0;
        while let Some(charge) = charges.recv().await {
            if answered < 2 {
                answered += 1;
                let _ = charge.reply.send(Ok(()));
            } else {
                println!("gateway: no answer from the provider for order {}", charge.order);
                // The provider stopped answering; the charge waits with it.
                stalled.push(charge);
                std::future::pending::<()>().await;
            }
        }
    });

    for order in 1..=8 {
        let gateway = gateway.clone();
        tokio::spawn(async move {
            let result = process_order(order, gateway).await;
            println!("order {order}: {result:?}");
        });
    }

    tokio::time::sleep(Duration::from_millis(300)).await;
    let left = tasks.live(Duration::ZERO).await;
    println!(
        "after 300ms, orders still in the pipeline: {}",
        left.saturating_sub(1)
    );
    ctxkit_examples::report_leaked(left);
}
