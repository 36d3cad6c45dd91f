//! The log's account of retry storms: a `retries` event when the clients'
//! retries come to 15% of all requests, and one when they have calmed
//! down.
//!
//! A storm is load no action added and no failing dependency explains: the
//! failures the clients retry come back as more requests, which fail in
//! turn ("Metastable Failures in Distributed Systems", HotOS 2021: retry
//! amplification keeps a system overloaded after its trigger is gone). So
//! the storm becomes the load cause of the request classes it is made of,
//! and a component overloaded by it after the trigger has eased (the 2022
//! cascade's second wave) names the storm, not a spike that is over.

use super::*;
use crate::scenario::duration_in_words;
use crate::sim::event::STORM_BEGINS_PREFIX;
use crate::units;

/// Share of all requests that are retries at which a storm begins: the
/// retries add more than a sixth to what users ask for, enough to overload
/// a service near its evening peak. The 2017 Redis failover's API errors
/// brought 16% within two seconds and overloaded Push, Guilds and the
/// routers in that tick; the 2022 spike brought 28% within one. The 2017
/// presence herd's retries (under 14%, beside a reconnect herd) stay
/// under it.
const STORM_BEGINS: f64 = 0.15;

/// Share under which a storm is calming down ...
const STORM_ENDS: f64 = 0.1;

/// ... and how long it must stay under it to be over, ms: unjittered
/// retries come back in waves, and the lull between two is not the end.
const STORM_CALM_MS: u64 = 60_000;

/// A class whose own requests are at least this share retries is part of
/// the storm (its load is the storm's).
const CLASS_IN_STORM: f64 = 0.5;

impl State {
    /// Logs the start and end of a retry storm (see the module docs), and
    /// names the trouble the retried requests meet. Runs just before
    /// `health`, so that a service the storm overloads in this very tick
    /// names it.
    pub(super) fn storm_news(&mut self) {
        let share = self.sli.retry_share;
        match self.storm_event {
            None if share > STORM_BEGINS => {
                let message = format!(
                    "{STORM_BEGINS_PREFIX} the clients' retries are {} of all requests, {:.1}× what users ask for; every failure they retry comes back as load",
                    units::percent(100.0 * share),
                    1.0 / (1.0 - share).max(1e-9),
                );
                // What the retried requests meet.
                let cause = self.entry_trouble().or_else(|| self.oldest_trouble());
                let ev = self.push_event(EventKind::Retries, None, message, cause);
                self.storm_event = Some(ev);
                self.storm_calm_ms = 0;
                let shares = self.class_retry_shares();
                for (cause, share) in self.load_cause.iter_mut().zip(shares) {
                    if share >= CLASS_IN_STORM {
                        *cause = Some(ev);
                    }
                }
            }
            Some(began) => {
                if share >= STORM_ENDS {
                    self.storm_calm_ms = 0;
                    return;
                }
                self.storm_calm_ms += self.scenario.tick_ms;
                if self.storm_calm_ms < STORM_CALM_MS {
                    return;
                }
                let lasted = self.now_ms.saturating_sub(self.events[began].t_ms);
                let message = format!(
                    "Retry storm over after {}: retries are {} of requests",
                    duration_in_words(lasted),
                    units::percent(100.0 * share),
                );
                self.push_event(EventKind::Retries, None, message, Some(began));
                self.storm_event = None;
            }
            None => {}
        }
    }
}
