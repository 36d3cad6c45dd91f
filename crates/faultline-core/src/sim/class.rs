//! Request classes: the seven kinds of work users send, each a fixed "lane"
//! on every dependency edge (so per-edge traffic is a `[f64; 7]`, no maps).
//!
//! Per-user rates come from the seeds: 14 B messages/day (seed 000) is about
//! 162 k sends/s on average; the gateway heartbeat interval of 41.25 s (seed
//! 002) sets the presence rate; the rest are documented where they are set in
//! `scenarios/steady_state.toml`.

use serde::{Deserialize, Serialize};

/// Number of request classes (lanes per edge).
pub const NCLASS: usize = 7;

/// A kind of user request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestClass {
    /// Posting a message (a write).
    MessageSend,
    /// Loading messages (a read).
    MessageRead,
    /// Opening a WebSocket to the gateway (connect or reconnect).
    GatewayConnect,
    /// Joining a voice channel.
    VoiceJoin,
    /// Searching message history.
    Search,
    /// Uploading a file or image.
    Upload,
    /// Presence updates and heartbeats of connected sessions.
    Presence,
}

impl RequestClass {
    /// All classes in lane order.
    pub const ALL: [RequestClass; NCLASS] = [
        RequestClass::MessageSend,
        RequestClass::MessageRead,
        RequestClass::GatewayConnect,
        RequestClass::VoiceJoin,
        RequestClass::Search,
        RequestClass::Upload,
        RequestClass::Presence,
    ];

    /// The lane index of this class.
    pub fn lane(self) -> usize {
        self as usize
    }

    /// The identifier used in data files, e.g. `"message_send"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestClass::MessageSend => "message_send",
            RequestClass::MessageRead => "message_read",
            RequestClass::GatewayConnect => "gateway_connect",
            RequestClass::VoiceJoin => "voice_join",
            RequestClass::Search => "search",
            RequestClass::Upload => "upload",
            RequestClass::Presence => "presence",
        }
    }

    /// Parses a data-file identifier.
    pub fn parse(s: &str) -> Option<RequestClass> {
        RequestClass::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// True for the classes counted in the "API success" indicator (REST calls).
    pub fn is_api(self) -> bool {
        matches!(
            self,
            RequestClass::MessageSend
                | RequestClass::MessageRead
                | RequestClass::Search
                | RequestClass::Upload
        )
    }

    /// True for writes (refused in read-only mode).
    pub fn is_write(self) -> bool {
        matches!(self, RequestClass::MessageSend | RequestClass::Upload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_are_dense_and_names_round_trip() {
        for (i, c) in RequestClass::ALL.into_iter().enumerate() {
            assert_eq!(c.lane(), i);
            assert_eq!(RequestClass::parse(c.as_str()), Some(c));
        }
    }
}
