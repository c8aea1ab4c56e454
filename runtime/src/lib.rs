//! Go-style contexts for async Rust, built so that tasks cannot leak.
//!
//! A [`Ctx`] is handed down every call that does work on someone's behalf. It
//! carries a place in a cancellation tree, an optional deadline and typed
//! values. Cancelling a context cancels everything below it, with a
//! [`Cause`] that says why; a deadline cancels with
//! [`CtxError::DeadlineExceeded`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::time::Duration;
//! use ctxkit::{Cancelled, Ctx};
//!
//! async fn fetch(ctx: &Ctx, id: u64) -> Result<String, Cancelled> {
//!     ctx.check()?; // already cancelled? don't start
//!     ctx.run(async { tokio::time::sleep(Duration::from_secs(60)).await; format!("user {id}") })
//!         .await
//! }
//!
//! let (ctx, cancel) = Ctx::background().with_timeout(Duration::from_millis(10));
//! let err = fetch(&ctx, 42).await.unwrap_err();
//! assert!(err.is_deadline_exceeded());
//! cancel.cancel();
//! # }
//! ```
//!
//! The parts:
//! - [`Ctx`]: `with_cancel`, `with_timeout`, `with_deadline` (each with a
//!   `_cause` variant), `with_value`, `without_cancel`, `after_func`,
//!   `with_shutdown_signal`; and `is_done`, `err`, `cause`, `deadline`,
//!   `done`, `check`, `run`.
//! - [`CancelHandle`]: cancels its child; dropping it cancels too.
//! - [`Cancelled`]: the error of an interrupted operation, with its cause.
//! - Tracked tasks: [`Ctx::spawn`] runs a task under a child context and
//!   records it while it lives; [`Ctx::shutdown`] cancels, waits a grace
//!   period and reports the stragglers; [`Ctx::wait_tasks`] just waits.
//!   [`leaks`] and `#[ctxkit::test]` fail tests that leave tasks running;
//!   [`monitor`] and [`dump`] watch a live process; [`channel`] sends that
//!   hand the value back when cancelled.

mod cause;
mod ctx;
mod driver;
mod sync;
mod timer;
mod tree;
mod values;

#[cfg(not(loom))]
#[doc(hidden)]
#[path = "test_support.rs"]
pub mod __test_support;
#[cfg(not(loom))]
pub mod channel;
#[cfg(all(feature = "debug-http", not(loom)))]
pub mod debug;
#[cfg(not(loom))]
pub mod dump;
#[cfg(all(feature = "grpc", not(loom)))]
pub mod integrations;
#[cfg(not(loom))]
pub mod leaks;
#[cfg(not(loom))]
pub mod monitor;
#[cfg(not(loom))]
pub mod prelude;
#[cfg(not(loom))]
mod task;

#[cfg(all(test, loom))]
mod loom_tests;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
mod shield;

pub use cause::{Cancelled, Cause, CtxError};
pub use ctx::{AfterFunc, CancelHandle, Ctx, Done, DoneOwned, Run};
pub use ctxkit_macros::allow;
pub use ctxkit_macros::cancellable;
pub use ctxkit_macros::test;
pub use shield::shield;
#[cfg(not(loom))]
pub use task::{ShutdownReport, TaskHandle, TaskInfo};
/// The clock of deadlines: tokio's, so paused test time applies.
pub use tokio::time::Instant;
