//! Which Godot `Error` each failure is.

use godot::global::Error;
use smp_peer::{ApiError, PeerError};

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
            | ApiError::SelfConnect,
        ) => Error::ERR_INVALID_PARAMETER,
        PeerError::Api(ApiError::HostRelays) => Error::ERR_UNAVAILABLE,
        PeerError::Transport(_) => transport,
    }
}
