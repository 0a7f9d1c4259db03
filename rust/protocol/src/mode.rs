//! Godot's transfer modes and connection statuses, with Godot's numeric values.

/// How a packet travels: Godot's `MultiplayerPeer.TransferMode`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TransferMode {
    /// May be lost or arrive out of order; never delivered twice.
    Unreliable = 0,
    /// May be lost; never delivered after a newer packet of the same channel.
    UnreliableOrdered = 1,
    /// Delivered exactly once, in order within its channel.
    Reliable = 2,
}

impl TransferMode {
    /// The mode for Godot's integer value, if it names one.
    pub const fn from_godot(value: i64) -> Option<Self> {
        match value {
            0 => Some(TransferMode::Unreliable),
            1 => Some(TransferMode::UnreliableOrdered),
            2 => Some(TransferMode::Reliable),
            _ => None,
        }
    }

    /// True when the transport must retransmit the packet.
    pub const fn is_reliable(self) -> bool {
        matches!(self, TransferMode::Reliable)
    }
}

/// Godot's `MultiplayerPeer.ConnectionStatus`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ConnectionStatus {
    /// Not hosting, not connected.
    Disconnected = 0,
    /// A client waiting for the host to admit it.
    Connecting = 1,
    /// Hosting, or a client the host admitted.
    Connected = 2,
}
