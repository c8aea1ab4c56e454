//! The names most code needs: `use ctxkit::prelude::*;`.
//!
//! ```
//! use ctxkit::prelude::*;
//! let (ctx, _cancel) = Ctx::background().with_cancel();
//! let (tx, _rx) = ctxkit::channel::bounded::<u8>(1);
//! # let _ = (ctx, tx);
//! ```

pub use crate::cause::{Cancelled, Cause, CtxError};
pub use crate::channel::{ReceiverExt, SenderExt};
pub use crate::ctx::{CancelHandle, Ctx};
