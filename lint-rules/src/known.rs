//! The paths of the crates the rules know about: spawners, channels,
//! timeouts, HTTP clients. Paths are canonical: re-exports are folded into
//! one spelling by [`canonical`].

/// Re-exports folded into one spelling.
const PREFIX_ALIASES: &[(&str, &str)] = &[
    ("crossbeam::channel::", "crossbeam_channel::"),
    ("futures_channel::", "futures::channel::"),
    ("futures_util::", "futures::"),
    ("async_std::channel::", "async_channel::"),
    ("core::", "std::"),
    ("alloc::", "std::"),
    ("tokio::sync::mpsc::bounded::", "tokio::sync::mpsc::"),
    ("tokio::sync::mpsc::unbounded::", "tokio::sync::mpsc::"),
    ("tokio::task::spawn", "tokio::spawn"),
    ("actix_web::rt::", "actix_rt::"),
];

/// Folds a re-exported path into its canonical spelling.
pub(crate) fn canonical(path: String) -> String {
    let path = match path.strip_prefix("::") {
        Some(p) => p.to_string(),
        None => path,
    };
    for (from, to) in PREFIX_ALIASES {
        if let Some(rest) = path.strip_prefix(from) {
            // `tokio::task::spawn_blocking` is not `tokio::spawn_blocking`.
            if *from == "tokio::task::spawn" && !rest.is_empty() {
                continue;
            }
            return format!("{to}{rest}");
        }
    }
    path
}

/// Free functions (and associated functions called by path) that detach a
/// task or thread, with the help to print.
pub(crate) const SPAWN_FNS: &[(&str, SpawnKind)] = &[
    ("tokio::spawn", SpawnKind::Task),
    ("tokio::task::spawn_local", SpawnKind::Local),
    ("tokio::task::spawn_blocking", SpawnKind::Blocking),
    ("tokio::runtime::Handle::spawn", SpawnKind::Task),
    ("tokio::runtime::Handle::spawn_blocking", SpawnKind::Blocking),
    ("tokio::runtime::Runtime::spawn", SpawnKind::Task),
    ("tokio::runtime::Runtime::spawn_blocking", SpawnKind::Blocking),
    ("std::thread::spawn", SpawnKind::Thread),
    ("async_std::task::spawn", SpawnKind::Task),
    ("async_std::task::spawn_local", SpawnKind::Local),
    ("async_std::task::spawn_blocking", SpawnKind::Blocking),
    ("smol::spawn", SpawnKind::Task),
    ("smol::unblock", SpawnKind::Blocking),
    ("async_global_executor::spawn", SpawnKind::Task),
    ("async_global_executor::spawn_local", SpawnKind::Local),
    ("async_global_executor::spawn_blocking", SpawnKind::Blocking),
    ("actix_rt::spawn", SpawnKind::Local),
];

/// What kind of unit of work a spawn starts; picks the help text.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum SpawnKind {
    Task,
    Local,
    Blocking,
    Thread,
}

pub(crate) fn spawn_fn(path: &str) -> Option<SpawnKind> {
    SPAWN_FNS.iter().find(|(p, _)| *p == path).map(|(_, k)| *k)
}

/// Types whose `spawn*` methods detach (receiver type → spawn kind).
pub(crate) const SPAWNER_TYPES: &[&str] = &[
    "tokio::runtime::Handle",
    "tokio::runtime::Runtime",
    "std::thread::Builder",
    "tokio::task::Builder",
    "async_std::task::Builder",
];

/// How a sender's `send` behaves.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum SendKind {
    /// `send(v).await` waits while the channel is full.
    Async,
    /// `send(v)` blocks the thread while the channel is full.
    Blocking,
    /// `send(v)` never waits (unbounded, broadcast, watch, oneshot).
    Never,
}

/// Whether a channel was made bounded or not, when the source shows it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    Unknown,
    Bounded,
    Unbounded,
}

pub(crate) const SENDER_TYPES: &[(&str, SendKind)] = &[
    ("tokio::sync::mpsc::Sender", SendKind::Async),
    ("tokio::sync::mpsc::UnboundedSender", SendKind::Never),
    ("tokio::sync::broadcast::Sender", SendKind::Never),
    ("tokio::sync::watch::Sender", SendKind::Never),
    ("tokio::sync::oneshot::Sender", SendKind::Never),
    ("async_channel::Sender", SendKind::Async),
    ("futures::channel::mpsc::Sender", SendKind::Async),
    ("futures::channel::mpsc::UnboundedSender", SendKind::Never),
    ("futures::channel::oneshot::Sender", SendKind::Never),
    ("flume::Sender", SendKind::Blocking),
    ("crossbeam_channel::Sender", SendKind::Blocking),
    ("std::sync::mpsc::Sender", SendKind::Never),
    ("std::sync::mpsc::SyncSender", SendKind::Blocking),
    ("kanal::Sender", SendKind::Blocking),
    ("kanal::AsyncSender", SendKind::Async),
];

pub(crate) fn sender_kind(ty: &str) -> Option<SendKind> {
    SENDER_TYPES.iter().find(|(p, _)| *p == ty).map(|(_, k)| *k)
}

/// Channel constructors: path → (sender type, receiver type, flavor).
pub(crate) const CHANNEL_FNS: &[(&str, &str, &str, Flavor)] = &[
    (
        "tokio::sync::mpsc::channel",
        "tokio::sync::mpsc::Sender",
        "tokio::sync::mpsc::Receiver",
        Flavor::Bounded,
    ),
    (
        "tokio::sync::mpsc::unbounded_channel",
        "tokio::sync::mpsc::UnboundedSender",
        "tokio::sync::mpsc::UnboundedReceiver",
        Flavor::Unbounded,
    ),
    (
        "tokio::sync::broadcast::channel",
        "tokio::sync::broadcast::Sender",
        "tokio::sync::broadcast::Receiver",
        Flavor::Bounded,
    ),
    (
        "tokio::sync::watch::channel",
        "tokio::sync::watch::Sender",
        "tokio::sync::watch::Receiver",
        Flavor::Bounded,
    ),
    (
        "tokio::sync::oneshot::channel",
        "tokio::sync::oneshot::Sender",
        "tokio::sync::oneshot::Receiver",
        Flavor::Bounded,
    ),
    (
        "async_channel::bounded",
        "async_channel::Sender",
        "async_channel::Receiver",
        Flavor::Bounded,
    ),
    (
        "async_channel::unbounded",
        "async_channel::Sender",
        "async_channel::Receiver",
        Flavor::Unbounded,
    ),
    (
        "flume::bounded",
        "flume::Sender",
        "flume::Receiver",
        Flavor::Bounded,
    ),
    (
        "flume::unbounded",
        "flume::Sender",
        "flume::Receiver",
        Flavor::Unbounded,
    ),
    (
        "crossbeam_channel::bounded",
        "crossbeam_channel::Sender",
        "crossbeam_channel::Receiver",
        Flavor::Bounded,
    ),
    (
        "crossbeam_channel::unbounded",
        "crossbeam_channel::Sender",
        "crossbeam_channel::Receiver",
        Flavor::Unbounded,
    ),
    (
        "std::sync::mpsc::channel",
        "std::sync::mpsc::Sender",
        "std::sync::mpsc::Receiver",
        Flavor::Unbounded,
    ),
    (
        "std::sync::mpsc::sync_channel",
        "std::sync::mpsc::SyncSender",
        "std::sync::mpsc::Receiver",
        Flavor::Bounded,
    ),
    (
        "futures::channel::mpsc::channel",
        "futures::channel::mpsc::Sender",
        "futures::channel::mpsc::Receiver",
        Flavor::Bounded,
    ),
    (
        "futures::channel::mpsc::unbounded",
        "futures::channel::mpsc::UnboundedSender",
        "futures::channel::mpsc::UnboundedReceiver",
        Flavor::Unbounded,
    ),
    (
        "kanal::bounded",
        "kanal::Sender",
        "kanal::Receiver",
        Flavor::Bounded,
    ),
    (
        "kanal::unbounded",
        "kanal::Sender",
        "kanal::Receiver",
        Flavor::Unbounded,
    ),
    (
        "kanal::bounded_async",
        "kanal::AsyncSender",
        "kanal::AsyncReceiver",
        Flavor::Bounded,
    ),
    (
        "kanal::unbounded_async",
        "kanal::AsyncSender",
        "kanal::AsyncReceiver",
        Flavor::Unbounded,
    ),
];

pub(crate) fn channel_fn(path: &str) -> Option<(&'static str, &'static str, Flavor)> {
    CHANNEL_FNS
        .iter()
        .find(|(p, ..)| *p == path)
        .map(|(_, s, r, f)| (*s, *r, *f))
}

/// Unbounded constructors → the bounded constructor's last segment (and
/// whether it takes the capacity).
pub(crate) const UNBOUNDED_FNS: &[(&str, &str)] = &[
    ("tokio::sync::mpsc::unbounded_channel", "channel"),
    ("async_channel::unbounded", "bounded"),
    ("flume::unbounded", "bounded"),
    ("crossbeam_channel::unbounded", "bounded"),
    ("std::sync::mpsc::channel", "sync_channel"),
    ("futures::channel::mpsc::unbounded", "channel"),
    ("kanal::unbounded", "bounded"),
    ("kanal::unbounded_async", "bounded_async"),
];

pub(crate) fn unbounded_fn(path: &str) -> Option<&'static str> {
    UNBOUNDED_FNS.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

/// Functions that bound the future passed to them.
pub(crate) fn is_timeout_fn(path: &str) -> bool {
    matches!(
        path.rsplit("::").next(),
        Some("timeout" | "timeout_at" | "with_timeout")
    )
}

/// Futures that, raced in a `select!`, give the other branches a way out:
/// a context's end or a timer.
pub(crate) fn is_timer_fn(path: &str) -> bool {
    matches!(
        path.rsplit("::").next(),
        Some("sleep" | "sleep_until" | "delay_for" | "delay_until" | "timeout" | "timeout_at")
    )
}

/// The `ctxkit::Ctx` type, or a lone `Ctx` no import explains.
pub(crate) fn is_ctx_type(path: &str, imported: bool) -> bool {
    if imported {
        path.starts_with("ctxkit::") && path.ends_with("::Ctx")
    } else {
        path == "Ctx"
    }
}

/// Paths that only reqwest's default client requests go through.
pub(crate) const HTTP_NO_TIMEOUT_FNS: &[&str] = &[
    "reqwest::get",
    "reqwest::Client::new",
    "reqwest::Client::default",
    "hyper::Client::new",
    "hyper::client::Client::new",
];

/// Types whose request methods have no timeout of their own.
pub(crate) const HYPER_CLIENT_TYPES: &[&str] = &[
    "hyper::Client",
    "hyper::client::Client",
    "hyper_util::client::legacy::Client",
    "hyper::client::conn::http1::SendRequest",
    "hyper::client::conn::http2::SendRequest",
    "hyper::client::conn::SendRequest",
];

/// Everything a glob import can resolve to.
pub(crate) fn is_known_path(path: &str) -> bool {
    spawn_fn(path).is_some()
        || SPAWNER_TYPES.contains(&path)
        || sender_kind(path).is_some()
        || channel_fn(path).is_some()
        || CHANNEL_FNS.iter().any(|(_, _, r, _)| *r == path)
        || HTTP_NO_TIMEOUT_FNS.contains(&path)
        || HYPER_CLIENT_TYPES.contains(&path)
        || matches!(
            path,
            "tokio::time::timeout"
                | "tokio::time::timeout_at"
                | "tokio::time::sleep"
                | "tokio::select"
                | "futures::select"
                | "ctxkit::Ctx"
                | "reqwest::Client"
                | "reqwest::Client::builder"
        )
}

/// A lone type name that is probably a channel's sender.
pub(crate) fn looks_like_sender(name: &str) -> bool {
    name.ends_with("Sender") || name.ends_with("Tx")
}
