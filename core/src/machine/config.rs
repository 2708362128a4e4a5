//! The machine's settings: deadlines, retries, recovery at the start.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How long the host may stay silent (order sheet open, or after our grant answer) before `TIMEOUT`.
    pub host_silence_ms: u64,
    /// A hand-off settles by then (the host waits ~30 s for `processProductGrant`).
    pub grant_deadline_ms: u64,
    /// One POST gives up after this long.
    pub attempt_timeout_ms: u64,
    /// Retry backoff: base × 2^(attempt−1), capped.
    pub retry_base_ms: u64,
    pub retry_max_ms: u64,
    /// Recover at the start on a host, and when the page comes back from the back/forward cache (the client's
    /// default; off here so that a test sees only what it asks for).
    pub recover_on_start: bool,
}

pub const DEFAULT_HOST_SILENCE_MS: u64 = 5 * 60 * 1000;

/// How many confirmed orderIds the machine remembers (the most recent): the host asking again about one of them
/// (a second `processProductGrant`, a pending order, a late stored outbox) is answered without a second hand-off.
/// An older one asked about again costs one more idempotent hand-off, never a lost or doubled grant; without the
/// cap a long session kept every orderId it ever sold (issue 27).
pub const CONFIRMED_KEPT: usize = 32;

impl Default for Config {
    #[inline]
    fn default() -> Self {
        Config {
            host_silence_ms: DEFAULT_HOST_SILENCE_MS,
            grant_deadline_ms: 25_000,
            attempt_timeout_ms: 8_000,
            retry_base_ms: 500,
            retry_max_ms: 4_000,
            recover_on_start: false,
        }
    }
}
