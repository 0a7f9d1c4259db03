//! Why the session closes a connection. The code travels to the remote as Steam's end reason,
//! in the range Steam leaves to applications (1000 to 1999), so both sides can say what happened.

/// A reason the session closes a connection.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CloseReason {
    /// The peer closed, left the session, or its session ended.
    Closed = 1000,
    /// The remote disconnected this peer on purpose (`disconnect_peer`): the host, or another
    /// client dropping their mesh link.
    Kicked = 1001,
    /// The host refuses new connections (`refuse_new_connections`).
    Refused = 1002,
    /// The remote speaks another protocol or another version of ours.
    Incompatible = 1003,
    /// The handshake did not complete in time.
    HandshakeTimeout = 1004,
    /// Both sides dialled each other; the other connection is kept.
    Duplicate = 1005,
    /// The remote belongs to another session, claims to be a second host, or holds a taken id.
    WrongSession = 1006,
    /// The host relays between clients (`server_relay`), so clients do not connect to each other.
    NoMesh = 1007,
    /// The remote sent more than allowed before its handshake completed.
    Overflow = 1008,
    /// The peer was started from a lobby, and the remote is not one of its members.
    NotInLobby = 1009,
    /// A client's session ended because its host left; its other connections close with this.
    HostLeft = 1010,
    /// Too many connections were already waiting for their handshake: a flood is refused.
    Busy = 1011,
}

impl CloseReason {
    const ALL: [CloseReason; 12] = [
        CloseReason::Closed,
        CloseReason::Kicked,
        CloseReason::Refused,
        CloseReason::Incompatible,
        CloseReason::HandshakeTimeout,
        CloseReason::Duplicate,
        CloseReason::WrongSession,
        CloseReason::NoMesh,
        CloseReason::Overflow,
        CloseReason::NotInLobby,
        CloseReason::HostLeft,
        CloseReason::Busy,
    ];

    /// The end-reason code sent to the remote.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The reason for an end-reason code, if it is one of ours.
    pub fn from_code(code: i32) -> Option<Self> {
        CloseReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// A short explanation for logs, written from the side that receives it.
    pub const fn describe(self) -> &'static str {
        match self {
            CloseReason::Closed => "the remote closed the connection",
            CloseReason::Kicked => "the remote disconnected this peer (disconnect_peer)",
            CloseReason::Refused => "the host refuses new connections",
            CloseReason::Incompatible => "the remote runs an incompatible protocol version",
            CloseReason::HandshakeTimeout => "the handshake timed out",
            CloseReason::Duplicate => "a duplicate connection was dropped",
            CloseReason::WrongSession => "the remote belongs to another session",
            CloseReason::NoMesh => "the host relays between clients (server_relay)",
            CloseReason::Overflow => "too much data arrived before the handshake",
            CloseReason::NotInLobby => "the remote is not a member of the lobby",
            CloseReason::HostLeft => "the session's host left",
            CloseReason::Busy => "the remote had too many connection attempts waiting",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_sit_in_the_app_range() {
        for reason in CloseReason::ALL {
            assert!((1000..2000).contains(&reason.code()));
            assert_eq!(CloseReason::from_code(reason.code()), Some(reason));
        }
        assert_eq!(CloseReason::from_code(5003), None);
    }
}
