//! One module per rule: its registry entry and doc (`INFO`), and the hooks
//! the checker's walk calls.

pub(crate) mod bare_spawn;
pub(crate) mod cancel_unsafe_await;
pub(crate) mod ctx_in_struct;
pub(crate) mod ctx_not_first;
pub(crate) mod discarded_cancel;
pub(crate) mod fresh_root_ctx;
pub(crate) mod unbounded_channel;
pub(crate) mod uncancellable_loop;
pub(crate) mod untimed_http;
pub(crate) mod untimed_send;
