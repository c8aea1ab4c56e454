//! [`RequestId`]: the value that names one request across services and logs.

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The header a request id travels in.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request a context serves. `CtxLayer`
/// takes it from the `x-request-id` header or makes one, and stores it as a
/// context value; outgoing helpers pass it on.
///
/// ```
/// use ctxkit::integrations::RequestId;
///
/// let ctx = ctxkit::Ctx::background().with_value(RequestId::new("req-7"));
/// assert_eq!(ctx.value::<RequestId>().unwrap().as_str(), "req-7");
/// assert_ne!(RequestId::generate(), RequestId::generate());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RequestId(Box<str>);

impl RequestId {
    /// A request id with the given text.
    pub fn new(id: impl Into<Box<str>>) -> RequestId {
        RequestId(id.into())
    }

    /// A fresh id: 16 hex digits, unique within the process and unlikely to
    /// repeat across processes.
    pub fn generate() -> RequestId {
        static SEED: OnceLock<u64> = OnceLock::new();
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let seed = *SEED.get_or_init(|| RandomState::new().hash_one(std::process::id()));
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        RequestId(format!("{:016x}", mix(seed.wrapping_add(n))).into())
    }

    /// Reads an id sent by a client: 1 to 128 visible ASCII characters, or
    /// `None`, so a hostile header cannot flood logs or break them.
    pub fn from_header(value: &[u8]) -> Option<RequestId> {
        let ok = !value.is_empty() && value.len() <= 128 && value.iter().all(u8::is_ascii_graphic);
        ok.then(|| RequestId(String::from_utf8_lossy(value).into()))
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// splitmix64's finaliser: a bijection, so distinct counters stay distinct.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestId({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_ids_must_be_short_visible_ascii() {
        assert_eq!(RequestId::from_header(b"abc-123").unwrap().as_str(), "abc-123");
        assert!(RequestId::from_header(b"").is_none());
        assert!(RequestId::from_header(b"a b").is_none());
        assert!(RequestId::from_header(b"a\nb").is_none());
        assert!(RequestId::from_header(&[b'a'; 129]).is_none());
        assert!(RequestId::from_header(&[0xc3, 0xa9]).is_none());
    }

    #[test]
    fn generated_ids_are_distinct() {
        let ids: std::collections::HashSet<_> = (0..10_000).map(|_| RequestId::generate()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|id| id.as_str().len() == 16));
    }
}
