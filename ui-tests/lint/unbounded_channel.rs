// Fixture for `unbounded_channel`: parsed by the checker's tests, never compiled.
use crossbeam::channel::*;
use std::sync::mpsc;

fn unbounded() {
    let (a, b) = tokio::sync::mpsc::unbounded_channel::<u8>(); //~ unbounded_channel
    let (c, d) = mpsc::channel::<u8>(); //~ unbounded_channel
    let (e, f) = unbounded::<u8>(); //~ unbounded_channel
    let (g, h) = flume::unbounded::<u8>(); //~ unbounded_channel
    let (i, j) = async_channel::unbounded::<u8>(); //~ unbounded_channel
    let (k, l) = futures::channel::mpsc::unbounded::<u8>(); //~ unbounded_channel
    let (m, n) = crossbeam_channel::unbounded::<u8>(); //~ unbounded_channel
}

mod uses_tokio {
    use tokio::sync::mpsc;

    fn bounded() {
        let (a, b) = mpsc::channel::<u8>(16);
        let (c, d) = mpsc::unbounded_channel::<u8>(); //~ unbounded_channel
    }
}

// Bounded channels: nothing to report below.
fn bounded() {
    let (a, b) = tokio::sync::mpsc::channel::<u8>(16);
    let (c, d) = mpsc::sync_channel::<u8>(16);
    let (e, f) = bounded::<u8>(16);
    let (g, h) = flume::bounded::<u8>(16);
    let (i, j) = my_queue::unbounded::<u8>();
    let (k, l) = channel();
}

#[ctxkit::allow(unbounded_channel)]
fn allowed() {
    let (a, b) = tokio::sync::mpsc::unbounded_channel::<u8>();
}
