//! Outcomes at the clients: users' connection states, client retries
//! scheduled into future ticks, and the service-level indicators.

use super::*;

impl State {
    #[inline(never)]
    pub(super) fn outcomes(&mut self) {
        let dt = self.dt;
        let nr = self.users.len();
        let ur = self.user_rates();
        // Per class: attempts, successes, failures (fast/slow) across regions.
        let mut att = [0.0; NCLASS];
        let mut okn = [0.0; NCLASS];
        // Answered and delivered now (not held in a buffer downstream).
        let mut deln = [0.0; NCLASS];
        let mut fastn = [0.0; NCLASS];
        // Fast failures' summed round trips, ms: a refusal still crosses the
        // network between the user and the edge.
        let mut fast_ms = [0.0; NCLASS];
        // Answered requests' latency, in total and its fixed part.
        let mut ok_lat = [0.0; NCLASS];
        let mut ok_fix = [0.0; NCLASS];
        // Answered requests in a slow tail, and their summed extra delay.
        let mut ok_slow = [0.0; NCLASS];
        let mut ok_slow_ms = [0.0; NCLASS];
        let mut region_ok_api = [0.0; MAX_REGIONS];
        // Share of this region's connection attempts that succeed: whether a
        // user who gave up would get back in now.
        let mut region_connect_ok = [1.0f64; MAX_REGIONS];
        // Share of the region's accepted sends that reach their recipients
        // now: below 1 while sessions hold events for a stalled dependency.
        let mut region_delivered = [1.0f64; MAX_REGIONS];
        let mut region_feature = [[1.0f64; 4]; MAX_REGIONS];
        // Success share by region and class (before refusals): where retries are born.
        let mut region_ok = [[1.0f64; NCLASS]; MAX_REGIONS];
        let mut region_unav = [[0.0f64; NCLASS]; MAX_REGIONS];
        let mut timeout_ms = [0.0; NCLASS];
        for r in 0..nr {
            let (edge, voice) = self.region_entry[r];
            let mut a_api = 0.0;
            let mut rates = ur;
            // API calls answered in time for the user: not failed and
            // not slower than `SLOW_ANSWER_MS`.
            let mut good_api = 0.0;
            for k in 0..NCLASS {
                let entry = if k == RequestClass::VoiceJoin.lane() {
                    voice
                } else {
                    edge
                };
                let c = &self.comps[entry];
                let a = self.att[r][k];
                let refuse = self.refused[r][k];
                let ok = c.ok[k] * (1.0 - refuse);
                let tail = c.tail(k);
                let slow_answers = percentile::share_slower_than(
                    SLOW_ANSWER_MS,
                    c.fix[k],
                    c.lat[k] - c.fix[k] - tail.mean_ms(),
                    tail,
                );
                // Answered in time, as the users meet it (`Comp::uok`): a
                // failing split member that carries few users affects few.
                let good = if c.uok[k] == c.ok[k] && c.ulat[k] == c.lat[k] {
                    ok * (1.0 - slow_answers)
                } else {
                    let fix = c.fix[k].min(c.ulat[k]);
                    let variable = (c.ulat[k] - fix - tail.mean_ms()).max(0.0);
                    let slow_u = percentile::share_slower_than(SLOW_ANSWER_MS, fix, variable, tail);
                    c.uok[k] * (1.0 - refuse) * (1.0 - slow_u)
                };
                region_ok[r][k] = c.ok[k];
                region_unav[r][k] = c.unavail[k];
                att[k] += a;
                okn[k] += a * ok;
                deln[k] += a * c.del[k] * (1.0 - refuse);
                let fast = a * (refuse + (1.0 - refuse) * c.fast[k]);
                fastn[k] += fast;
                // The entry's own network latency is the user's round trip
                // to the edge: the least any answer, refusals included,
                // takes. (Where behind the edge a request was refused is not
                // tracked; the round trips beyond are a few tens of ms.)
                fast_ms[k] += fast * c.p.base_latency_ms;
                // Answers' latency; fast failures (at that round trip) and
                // timeouts (the rest, at the deadline) enter the
                // percentiles as shares.
                ok_lat[k] += a * ok * c.lat[k];
                ok_fix[k] += a * ok * c.fix[k];
                ok_slow[k] += a * ok * tail.share;
                ok_slow_ms[k] += a * ok * tail.mean_ms();
                timeout_ms[k] = c.p.deadline_ms;
                if RequestClass::ALL[k].is_api() {
                    a_api += a;
                    good_api += a * good;
                }
                match RequestClass::ALL[k] {
                    RequestClass::Presence => rates.heartbeat_ok = c.ok[k],
                    RequestClass::GatewayConnect => {
                        rates.connect_ok = ok;
                        region_connect_ok[r] = ok;
                    }
                    RequestClass::MessageSend => {
                        region_feature[r][0] = region_feature[r][0].min(good);
                        if c.ok[k] > 0.0 {
                            region_delivered[r] = (c.del[k] / c.ok[k]).clamp(0.0, 1.0);
                        }
                    }
                    RequestClass::MessageRead => {
                        region_feature[r][0] = region_feature[r][0].min(good)
                    }
                    RequestClass::VoiceJoin => region_feature[r][1] = good,
                    RequestClass::Search => region_feature[r][2] = good,
                    RequestClass::Upload => region_feature[r][3] = good,
                }
            }
            region_ok_api[r] = if a_api > 0.0 { good_api / a_api } else { 1.0 };
            users::advance(
                &mut self.users[r],
                &mut self.reconnect_stages[r],
                &rates,
                dt,
            );
        }
        self.client_retries(&region_ok, &region_unav, &att, &okn, &fastn, timeout_ms);
        // Indicators.
        let ratio = |a: f64, b: f64, d: f64| if b > 0.0 { a / b } else { d };
        let (mut a_api, mut ok_api, mut fast_api, mut fast_ms_api) = (0.0, 0.0, 0.0, 0.0);
        let (mut lat_ok_api, mut fix_ok_api) = (0.0, 0.0);
        let (mut slow_ok_api, mut slow_ms_ok_api) = (0.0, 0.0);
        for k in (0..NCLASS).filter(|&k| RequestClass::ALL[k].is_api()) {
            a_api += att[k];
            ok_api += okn[k];
            fast_api += fastn[k];
            fast_ms_api += fast_ms[k];
            lat_ok_api += ok_lat[k];
            fix_ok_api += ok_fix[k];
            slow_ok_api += ok_slow[k];
            slow_ms_ok_api += ok_slow_ms[k];
        }
        // The q-quantile over `n` attempts of which `okv` answered (total
        // latency `lat`, fixed part `fix`, `slow` of them in a slow tail
        // adding `slow_ms` in total) and `fastv` failed fast (their round
        // trips summing to `fast_ms`).
        let pct = |q: f64, n: f64, okv: f64, fastv: f64, sums: [f64; 5], deadline: f64| {
            let [lat, fix, slow, slow_ms, fast_ms] = sums;
            if n <= 0.0 {
                return 0.0;
            }
            let (mean, fixed) = if okv > 0.0 {
                (lat / okv, (fix / okv).min(lat / okv))
            } else {
                (0.0, 0.0)
            };
            let tail = if slow > 0.0 && okv > 0.0 {
                Tail {
                    share: slow / okv,
                    ms: slow_ms / slow,
                }
            } else {
                Tail::NONE
            };
            let variable = mean - fixed - tail.mean_ms();
            let refused = Refused {
                share: fastv / n,
                ms: if fastv > 0.0 { fast_ms / fastv } else { 0.0 },
            };
            percentile::quantile(q, refused, okv / n, fixed, variable, tail, deadline)
        };
        let send = RequestClass::MessageSend.lane();
        let read = RequestClass::MessageRead.lane();
        // The slowest database's mean query time: what a dashboard's "DB query time" shows first.
        // When no query reaches any database (every caller is held back
        // upstream, as in the 2022 cascade's second wave), the time a query
        // would take now, as an idle component's error rate is the one a
        // call would meet: not 0 ms, which would read as a fast database in
        // the middle of an outage.
        let (mut db_lat, mut idle_lat): (f64, f64) = (0.0, 0.0);
        for &i in &self.role_comps[ROLE_DATABASE] {
            let c = &self.comps[i];
            if c.down {
                continue;
            }
            if c.throughput > 0.0 {
                db_lat = db_lat.max(c.latency);
            } else {
                idle_lat = idle_lat.max(c.latency);
            }
        }
        if db_lat == 0.0 {
            db_lat = idle_lat;
        }
        let mut s = Sli {
            api_success: ratio(ok_api, a_api, 1.0),
            // Percentiles of fast failures, answers (a fixed part plus an
            // exponential tail) and timeouts: see `sim::percentile`.
            api_latency_p95_ms: pct(
                0.95,
                a_api,
                ok_api,
                fast_api,
                [
                    lat_ok_api,
                    fix_ok_api,
                    slow_ok_api,
                    slow_ms_ok_api,
                    fast_ms_api,
                ],
                timeout_ms[1].max(timeout_ms[0]),
            ),
            ws_connect_rate: ratio(okn[2], att[2], 1.0),
            voice_success: ratio(okn[3], att[3], 1.0),
            // Messages, not attempts: of the sends that met their fate now
            // (every attempt but the failed ones the clients will try
            // again), the share accepted *and* in their recipients' clients.
            // A send that fails and is retried in time is delivered; one
            // given up, refused, or buffered behind a stalled session is not.
            // While every send fails and waits for its retry, none met its
            // fate and none arrives: that is 0, not "no data" (only no
            // sends at all is).
            delivery_rate: ratio(
                deln[send],
                att[send] - self.retrying[send],
                if att[send] > 0.0 { 0.0 } else { 1.0 },
            )
            .clamp(0.0, 1.0),
            delivery_latency_p99_ms: pct(
                0.99,
                att[send],
                okn[send],
                fastn[send],
                [
                    ok_lat[send],
                    ok_fix[send],
                    ok_slow[send],
                    ok_slow_ms[send],
                    fast_ms[send],
                ],
                timeout_ms[send],
            ),
            // The same for message loads (reads) as users meet them.
            message_load_p99_ms: pct(
                0.99,
                att[read],
                okn[read],
                fastn[read],
                [
                    ok_lat[read],
                    ok_fix[read],
                    ok_slow[read],
                    ok_slow_ms[read],
                    fast_ms[read],
                ],
                timeout_ms[read],
            ),
            db_query_ms: db_lat,
            ..Sli::default()
        };
        let mut total_att = 0.0;
        let mut retries = 0.0;
        for k in 0..NCLASS {
            total_att += att[k];
            retries += (att[k] - self.first[k]).max(0.0);
        }
        s.request_rate = total_att;
        s.retry_share = ratio(retries, total_att, 0.0);
        // Users in a voice call at any moment (seed 000: 4M concurrent voice
        // users = 200M × 0.000011 joins/s × 30-minute calls).
        let in_voice = (self.scenario.traffic.per_user.voice_join * VOICE_CALL_S).min(1.0);
        for r in 0..nr {
            let u = self.users[r];
            // Connected users are affected if their API calls fail, or (the
            // ones in voice) if their voice joins fail. Users who gave up and
            // closed the app are affected only while the platform would still
            // fail them if they came back: once their region connects and
            // answers again they are away, not affected (the `offline` count
            // still shows them), so an incident's blast radius ends when the
            // service is restored rather than when the last user returns.
            // Connected users whose events are held (a stalled session)
            // do not see new messages: they are affected too.
            let ok_api = region_ok_api[r];
            let connect_ok = region_connect_ok[r];
            let delivered = region_delivered[r];
            region_feature[r][0] *= delivered;
            let voice_bad = in_voice * (1.0 - region_feature[r][1]);
            let affected = u.reconnecting
                + u.offline * (1.0 - connect_ok * ok_api)
                + u.connected * (1.0 - ok_api.min(delivered) * (1.0 - voice_bad));
            s.users_affected_by_region[r] = affected;
            s.users_affected += affected;
            for f in 0..4 {
                let feature_ok = region_feature[r][f];
                s.users_affected_by_feature[f] += u.reconnecting
                    + u.offline * (1.0 - connect_ok * feature_ok)
                    + u.connected * (1.0 - feature_ok);
            }
        }
        self.sli = s;
        if !self.blind {
            self.sli_shown = s;
            self.sli_as_of = self.now_ms;
        }
    }
}
