//! Why a peer call failed.

use std::fmt;

use smp_protocol::ApiError;
use smp_transport::SocketError;

/// A failed peer call: the call was wrong, or the transport refused.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PeerError {
    /// The call does not fit the peer's state or arguments.
    Api(ApiError),
    /// The transport could not do it.
    Transport(SocketError),
}

impl fmt::Display for PeerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeerError::Api(err) => err.fmt(f),
            PeerError::Transport(err) => write!(f, "Steam networking refused: {err}"),
        }
    }
}

impl std::error::Error for PeerError {}

impl From<ApiError> for PeerError {
    fn from(err: ApiError) -> Self {
        PeerError::Api(err)
    }
}

impl From<SocketError> for PeerError {
    fn from(err: SocketError) -> Self {
        PeerError::Transport(err)
    }
}
