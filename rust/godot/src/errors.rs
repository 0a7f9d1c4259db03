//! Which Godot `Error` each failure is.

use godot::global::Error;
use smp_peer::{ApiError, PeerError};
use smp_transport::SocketError;

/// The Godot error for `err`; `transport` is what a transport refusal means for this call.
pub fn godot_error(err: &PeerError, transport: Error) -> Error {
    match err {
        PeerError::Api(ApiError::AlreadyActive) => Error::ERR_ALREADY_IN_USE,
        PeerError::Api(ApiError::NotActive | ApiError::NotConnected) => Error::ERR_UNCONFIGURED,
        PeerError::Api(
            ApiError::UnknownPeer(_)
            | ApiError::UnknownTarget(_)
            | ApiError::InvalidChannel { .. }
            | ApiError::TooLarge { .. }
            | ApiError::SelfConnect
            | ApiError::NotAUser(_),
        ) => Error::ERR_INVALID_PARAMETER,
        PeerError::Api(ApiError::HostRelays) => Error::ERR_UNAVAILABLE,
        // The transport's own limit, smaller than the session's (the legacy P2P API's).
        PeerError::Transport(SocketError::TooLarge { .. }) => Error::ERR_INVALID_PARAMETER,
        PeerError::Transport(_) => transport,
    }
}

/// Refuses to start a peer that is already active: pushes the message saying so and returns
/// `ERR_ALREADY_IN_USE`.
pub fn already_active(call: &str) -> Error {
    godot::global::godot_error!(
        "SteamMultiplayerPeer.{call}: the peer is already active; call close() first"
    );
    Error::ERR_ALREADY_IN_USE
}
