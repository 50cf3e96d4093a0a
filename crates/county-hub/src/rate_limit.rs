//! Per-township request budget, a token bucket in this instance's memory. Behind a load
//! balancer each instance grants the full budget, so the county's limit is this times the
//! number of instances; it is there to stop a runaway hall, not to meter fairly.

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::errors::ApiError;

pub struct RateLimiter {
    buckets: DefaultKeyedRateLimiter<String>,
}

impl RateLimiter {
    /// `per_second` requests a second, and as many at once after a quiet spell.
    pub fn new(per_second: NonZeroU32) -> Self {
        Self { buckets: governor::RateLimiter::keyed(Quota::per_second(per_second)) }
    }

    /// Counts one request of the township, or says how many seconds it must wait.
    pub fn check(&self, township: &str) -> Result<(), ApiError> {
        self.buckets.check_key(&township.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::rate_limited(wait.as_secs_f64().ceil().max(1.0) as u64)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_township_has_its_own_bucket() {
        let limiter = RateLimiter::new(NonZeroU32::new(2).unwrap());
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_err());
        assert!(limiter.check("b").is_ok());
    }
}
