//! The `grpc-timeout` header: how a deadline crosses a process boundary.
//!
//! gRPC sends a call's remaining time, not its deadline, as 1 to 8 ASCII
//! digits and a unit: `H` hours, `M` minutes, `S` seconds, `m` milliseconds,
//! `u` microseconds, `n` nanoseconds ("gRPC over HTTP/2", *Requests*). A
//! relative value needs no shared clock; each hop turns it back into a
//! deadline of its own on arrival. Plain HTTP services in ctxkit use the same
//! header, so one deadline bounds a chain of HTTP and gRPC calls alike.
//!
//! ```
//! use std::time::Duration;
//! use ctxkit::integrations::grpc::{format_grpc_timeout, parse_grpc_timeout};
//!
//! assert_eq!(parse_grpc_timeout("200m"), Some(Duration::from_millis(200)));
//! assert_eq!(format_grpc_timeout(Duration::from_millis(200)), "200000u");
//! assert_eq!(parse_grpc_timeout("soon"), None);
//! ```

use std::time::Duration;

use crate::{Ctx, Instant};

/// The header's name.
pub const GRPC_TIMEOUT: &str = "grpc-timeout";

/// The most digits the value may have.
const MAX_DIGITS: usize = 8;
const MAX_VALUE: u64 = 99_999_999;

/// Reads a `grpc-timeout` value. Anything malformed — empty, more than 8
/// digits, a sign, spaces, an unknown unit — gives `None`: a bad header is
/// ignored, never an error and never a panic.
///
/// ```
/// use std::time::Duration;
/// use ctxkit::integrations::grpc::parse_grpc_timeout;
///
/// assert_eq!(parse_grpc_timeout("3S"), Some(Duration::from_secs(3)));
/// assert_eq!(parse_grpc_timeout(b"15u"), Some(Duration::from_micros(15)));
/// assert_eq!(parse_grpc_timeout("123456789S"), None); // 9 digits
/// ```
pub fn parse_grpc_timeout(value: impl AsRef<[u8]>) -> Option<Duration> {
    let value = value.as_ref();
    let (&unit, digits) = value.split_last()?;
    if digits.is_empty() || digits.len() > MAX_DIGITS || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    Some(match unit {
        b'H' => Duration::from_secs(n * 3600),
        b'M' => Duration::from_secs(n * 60),
        b'S' => Duration::from_secs(n),
        b'm' => Duration::from_millis(n),
        b'u' => Duration::from_micros(n),
        b'n' => Duration::from_nanos(n),
        _ => return None,
    })
}

/// Writes `timeout` as a `grpc-timeout` value in the finest unit that fits in
/// 8 digits. Rounding is always down, so a deadline only ever shrinks on its
/// way downstream; past 99,999,999 hours it saturates.
///
/// ```
/// use std::time::Duration;
/// use ctxkit::integrations::grpc::format_grpc_timeout;
///
/// assert_eq!(format_grpc_timeout(Duration::from_nanos(1500)), "1500n");
/// assert_eq!(format_grpc_timeout(Duration::from_secs(30)), "30000000u");
/// assert_eq!(format_grpc_timeout(Duration::from_secs(3 * 3600)), "10800000m");
/// ```
pub fn format_grpc_timeout(timeout: Duration) -> String {
    const UNITS: [(u128, char); 6] = [
        (1, 'n'),
        (1_000, 'u'),
        (1_000_000, 'm'),
        (1_000_000_000, 'S'),
        (60_000_000_000, 'M'),
        (3_600_000_000_000, 'H'),
    ];
    let nanos = timeout.as_nanos();
    for (scale, unit) in UNITS {
        let n = nanos / scale;
        if n <= u128::from(MAX_VALUE) {
            return format!("{n}{unit}");
        }
    }
    format!("{MAX_VALUE}H")
}

/// The time left before `ctx`'s deadline, formatted for `grpc-timeout`;
/// `None` when the context has no deadline. A deadline already passed gives
/// `"0n"`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// use std::time::Duration;
/// let (ctx, _cancel) = ctxkit::Ctx::background().with_timeout(Duration::from_secs(2));
/// assert_eq!(ctxkit::integrations::grpc::grpc_timeout_of(&ctx).as_deref(), Some("2000000u"));
/// # }
/// ```
pub fn grpc_timeout_of(ctx: &Ctx) -> Option<String> {
    remaining(ctx).map(format_grpc_timeout)
}

/// The time left before `ctx`'s deadline, zero once it has passed.
pub(crate) fn remaining(ctx: &Ctx) -> Option<Duration> {
    Some(ctx.deadline()?.saturating_duration_since(Instant::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_parses() {
        assert_eq!(parse_grpc_timeout("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_grpc_timeout("2M"), Some(Duration::from_secs(120)));
        assert_eq!(parse_grpc_timeout("2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_grpc_timeout("2m"), Some(Duration::from_millis(2)));
        assert_eq!(parse_grpc_timeout("2u"), Some(Duration::from_micros(2)));
        assert_eq!(parse_grpc_timeout("2n"), Some(Duration::from_nanos(2)));
        assert_eq!(parse_grpc_timeout("0m"), Some(Duration::ZERO));
        assert_eq!(parse_grpc_timeout("00000007S"), Some(Duration::from_secs(7)));
    }

    #[test]
    fn the_largest_value_does_not_overflow() {
        assert_eq!(
            parse_grpc_timeout("99999999H"),
            Some(Duration::from_secs(99_999_999 * 3600))
        );
    }

    #[test]
    fn malformed_values_are_ignored() {
        for bad in [
            "",
            "S",
            "m",
            "10",
            "10s",
            "10x",
            "10 S",
            " 10S",
            "10S ",
            "-5S",
            "+5S",
            "1.5S",
            "123456789n",
            "0x10S",
            "10SS",
            "٣S",
            "10\u{0}S",
        ] {
            assert_eq!(parse_grpc_timeout(bad), None, "{bad:?}");
        }
        assert_eq!(parse_grpc_timeout([0xff, b'S']), None);
        assert_eq!(parse_grpc_timeout([b'1', 0xff]), None);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A cheap exhaustive sweep of short inputs over the interesting bytes.
        let alphabet = [b'0', b'9', b'H', b'n', b'S', b'-', b' ', 0, 0x80, 0xff];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    let _ = parse_grpc_timeout([a, b, c]);
                }
            }
        }
        let _ = parse_grpc_timeout([b'9'; 9]);
        let _ = parse_grpc_timeout([b'9'; 4096]);
    }

    #[test]
    fn format_picks_the_finest_unit_that_fits() {
        assert_eq!(format_grpc_timeout(Duration::ZERO), "0n");
        assert_eq!(format_grpc_timeout(Duration::from_nanos(99_999_999)), "99999999n");
        assert_eq!(format_grpc_timeout(Duration::from_nanos(100_000_000)), "100000u");
        assert_eq!(format_grpc_timeout(Duration::from_millis(200)), "200000u");
        assert_eq!(format_grpc_timeout(Duration::from_secs(100)), "100000m");
        assert_eq!(format_grpc_timeout(Duration::from_secs(200_000)), "200000S");
        assert_eq!(format_grpc_timeout(Duration::from_secs(200_000_000)), "3333333M");
        assert_eq!(format_grpc_timeout(Duration::from_secs(u64::MAX)), "99999999H");
    }

    #[test]
    fn format_rounds_down_and_round_trips() {
        for d in [
            Duration::from_nanos(1),
            Duration::from_nanos(123_456_789),
            Duration::from_millis(1_234_567),
            Duration::from_secs(86_400 * 365),
        ] {
            let back = parse_grpc_timeout(format_grpc_timeout(d)).unwrap();
            assert!(back <= d, "{d:?} became {back:?}");
            assert!(
                d - back < d / 100_000 + Duration::from_nanos(1),
                "{d:?} became {back:?}"
            );
        }
    }
}
