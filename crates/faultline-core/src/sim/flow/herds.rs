//! The log's account of users losing their connections in numbers, and of
//! the herd that follows: a `users` event when regions' users start
//! dropping, and one when their reconnect herd is over.
//!
//! A herd is load that no action added: reconnecting users' connect
//! attempts arrive at the gateways, the sessions and the guild service
//! behind them (seed 004: "the sessions' reconnect herd"). So the event that
//! starts the biggest herd going becomes the load cause of the
//! gateway-connect lane: a component the herd overloads, with no failing
//! dependency to blame, names it as its cause (`State::blame`), and the
//! debrief's "how it spread" follows the cascade through the users and
//! back into the platform.

use super::*;
use crate::scenario::duration_in_words;
use crate::sim::event::HERD_BEGINS_PREFIX;
use crate::units;

/// Share of a region's users reconnecting at which the log says they are
/// losing their connections: a million of the 200M evening users. Natural
/// churn keeps under a hundredth of that reconnecting (they reconnect at
/// once); a region-wide drop passes it within seconds, before the
/// reconnects it brings have overloaded anything behind the gateways.
const HERD_BEGINS: f64 = 0.005;

/// Share still reconnecting at which the herd is over. Well below
/// [`HERD_BEGINS`], so that a herd hovering near the threshold is one
/// story, not a line every few seconds.
const HERD_ENDS: f64 = 0.001;

/// Heartbeat failures below this share do not explain a drop: users who
/// lost their session servers (a crash) dropped with them instead.
const HEARTBEATS_NOTICED: f64 = 0.01;

impl State {
    /// Logs the start and end of the regions' reconnect herds (see the
    /// module docs). Runs after `health`, so a herd names this tick's
    /// trouble. Regions whose herds begin (or end) in the same tick share
    /// one line.
    pub(super) fn connection_news(&mut self) {
        let (mut begun, mut ended) = (Vec::new(), Vec::new());
        for r in 0..self.users.len() {
            let share = self.reconnecting_share(r);
            match self.herd_event[r] {
                None if share > HERD_BEGINS => begun.push(r),
                Some(_) if share < HERD_ENDS => ended.push(r),
                _ => {}
            }
        }
        if let Some(&biggest) = self.most_reconnecting(&begun) {
            let (why, cause) = self.why_users_drop(biggest);
            let where_ = self.region_names(&begun);
            let reconnecting: f64 = begun.iter().map(|&r| self.users[r].reconnecting).sum();
            let message = format!(
                "{HERD_BEGINS_PREFIX} in {where_} ({why}): {} reconnecting",
                units::count(reconnecting)
            );
            let ev = self.push_event(EventKind::Users, None, message, cause);
            for &r in &begun {
                self.herd_event[r] = Some(ev);
            }
            // The herd blamed for connect load is the biggest one going.
            let going: Vec<usize> = (0..self.users.len())
                .filter(|&r| self.herd_event[r].is_some())
                .collect();
            if let Some(&r) = self.most_reconnecting(&going) {
                self.load_cause[RequestClass::GatewayConnect.lane()] = self.herd_event[r];
            }
        }
        if let Some(&biggest) = self.most_reconnecting(&ended) {
            let (mut connected, mut offline, mut population) = (0.0, 0.0, 0.0);
            for &r in &ended {
                let u = self.users[r];
                connected += u.connected;
                offline += u.offline;
                population += u.connected + u.reconnecting + u.offline;
            }
            let message = format!(
                "Reconnect herd over in {}: {} of their users connected, {} gave up for now and come back over about {}",
                self.region_names(&ended),
                units::percent(100.0 * connected / population.max(1.0)),
                units::count(offline),
                duration_in_words(self.scenario.traffic.return_ms as u64),
            );
            let cause = self.herd_event[biggest];
            self.push_event(EventKind::Users, None, message, cause);
            for &r in &ended {
                self.herd_event[r] = None;
            }
        }
    }

    /// The names of `regions`, joined ("Europe, Asia-Pacific"), or "every
    /// region".
    fn region_names(&self, regions: &[usize]) -> String {
        if regions.len() == self.users.len() && regions.len() > 1 {
            return "every region".to_string();
        }
        regions
            .iter()
            .map(|&r| self.scenario.topology.regions[r].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Share of region `r`'s users reconnecting.
    fn reconnecting_share(&self, r: usize) -> f64 {
        let u = self.users[r];
        let population = u.connected + u.reconnecting + u.offline;
        if population > 0.0 {
            u.reconnecting / population
        } else {
            0.0
        }
    }

    /// The region of `regions` with the most users reconnecting (the
    /// first on a tie).
    fn most_reconnecting<'a>(&self, regions: &'a [usize]) -> Option<&'a usize> {
        regions.iter().fold(None, |best, r| match best {
            Some(b) if self.users[*b].reconnecting >= self.users[*r].reconnecting => Some(b),
            _ => Some(r),
        })
    }

    /// Why region `r`'s users are dropping, in words, and the event to
    /// blame: heartbeats failing at the region's entry (the trouble met
    /// there, `State::trouble_met_at`), or their session servers crashing
    /// within the last heartbeat interval.
    fn why_users_drop(&self, r: usize) -> (String, Option<usize>) {
        let (entry, _) = self.region_entry[r];
        let failing = (1.0 - self.comps[entry].ok[RequestClass::Presence.lane()]).clamp(0.0, 1.0);
        let recent = self.scenario.traffic.heartbeat_ms;
        if let Some((s, at)) = self.sessions_crashed {
            if failing < HEARTBEATS_NOTICED && self.now_ms.saturating_sub(at) as f64 <= recent {
                let c = &self.comps[s];
                return (
                    format!("{} servers crashed under them", self.name(s)),
                    c.health_event.or(c.cause),
                );
            }
        }
        (
            format!(
                "{} of heartbeats failing at {}",
                units::percent(100.0 * failing),
                self.name(entry)
            ),
            self.trouble_met_at(entry),
        )
    }
}
