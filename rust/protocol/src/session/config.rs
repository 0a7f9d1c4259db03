//! The settings a session is made with, fixed for its life.

use std::time::Duration;

/// Settings fixed for the life of a session.
#[derive(Clone, Debug)]
pub struct Config {
    /// Transfer channels `0..channels`; at most [`MAX_CHANNELS`](crate::header::MAX_CHANNELS).
    pub channels: usize,
    /// True on a host that lets Godot relay between clients (star); false for a full mesh.
    pub server_relay: bool,
    /// The longest a connection may take from opening to a completed handshake.
    pub handshake_timeout: Duration,
    /// How often an unanswered `Hello` is sent again.
    pub hello_interval: Duration,
    /// The largest message the transport carries, header included.
    pub max_message_size: usize,
    /// How much data a remote may send before its handshake completes.
    pub max_early_bytes: usize,
    /// How long a connection request from a user not (yet) admitted waits for it to be; also
    /// how long a client the host says has left may keep its connection with us.
    pub admission_grace: Duration,
    /// The most connections that may wait for their handshake (or their admission) at once;
    /// more are refused, so that a flood of attempts cannot grow memory without bound.
    pub max_pending: usize,
    /// In a full mesh, a client connects by itself to every other client its host introduces
    /// (the default); without it, the game connects them with `add_peer`.
    pub auto_mesh: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            channels: 4,
            server_relay: false,
            handshake_timeout: Duration::from_secs(10),
            hello_interval: Duration::from_secs(1),
            max_message_size: 512 * 1024,
            max_early_bytes: 8 * 1024 * 1024,
            admission_grace: Duration::from_secs(5),
            max_pending: 64,
            auto_mesh: true,
        }
    }
}
