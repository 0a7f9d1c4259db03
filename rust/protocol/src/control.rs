//! The control messages, tagged and versioned.
//!
//! `Hello` opens every connection and says who the sender is; `Welcome` is the host's answer to a
//! client and carries the peer id the host assigned. In a full mesh the host then tells each
//! client about the others: `PeerJoined` for every client it admits, `PeerLeft` for every one
//! that goes. All travel reliably, in order, on lane 0.

use crate::header::control_tag;
use crate::ids::{PeerId, SteamId};

/// Marks our handshake, so a foreign protocol on the same port is told apart from a bug.
pub const PROTOCOL_MAGIC: [u8; 4] = *b"GSMP";

/// Bumped whenever the wire format changes; peers of different versions refuse each other.
pub const PROTOCOL_VERSION: u8 = 2;

const TYPE_HELLO: u8 = 1;
const TYPE_WELCOME: u8 = 2;
const TYPE_PEER_JOINED: u8 = 3;
const TYPE_PEER_LEFT: u8 = 4;
const HELLO_LEN: usize = 19;
const WELCOME_LEN: usize = 6;
const MEMBER_LEN: usize = 13;
const FLAG_HOST: u8 = 1;
const FLAG_RELAYS: u8 = 1;

/// The first message on a connection, sent by both sides.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Hello {
    /// True when the sender is the host (peer id 1).
    pub is_host: bool,
    /// The sender's peer id; a client's is only a proposal until the host welcomes it.
    pub peer_id: PeerId,
    /// The Steam id of the host of the sender's session, so peers of different sessions refuse each other.
    pub session_host: SteamId,
}

/// The host's answer to a client's `Hello`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Welcome {
    /// The peer id the host gives the client.
    pub peer_id: PeerId,
    /// True when the host relays between clients (star), so clients must not connect to each other.
    pub host_relays: bool,
}

/// A client of the session, as the host names it to the other clients.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Member {
    /// Its peer id, which the host assigned.
    pub peer_id: PeerId,
    /// Its Steam id.
    pub steam_id: SteamId,
}

/// A control message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Control {
    /// See [`Hello`].
    Hello(Hello),
    /// See [`Welcome`].
    Welcome(Welcome),
    /// From the host in a full mesh: this client is in the session (admitted before us, or
    /// since); connect to it.
    PeerJoined(Member),
    /// From the host in a full mesh: this client has left the session.
    PeerLeft(Member),
}

/// Why a control message was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ControlError {
    /// Shorter than its type requires (or, for a type of fixed length, longer).
    Truncated,
    /// A control type this version does not know.
    UnknownType(u8),
    /// Not our protocol at all (GodotSteam's peer sends 4 raw bytes, for one).
    ForeignProtocol,
    /// Our protocol, another version.
    Version(u8),
}

/// An encoded control message, kept on the stack.
#[derive(Clone, Copy, Debug)]
pub struct ControlBytes {
    bytes: [u8; HELLO_LEN],
    len: u8,
}

impl ControlBytes {
    /// The bytes to send.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl Control {
    /// Encodes the message.
    pub fn encode(&self) -> ControlBytes {
        let mut bytes = [0u8; HELLO_LEN];
        let len = match *self {
            Control::Hello(hello) => {
                bytes[0] = control_tag(TYPE_HELLO);
                bytes[1..5].copy_from_slice(&PROTOCOL_MAGIC);
                bytes[5] = PROTOCOL_VERSION;
                bytes[6] = if hello.is_host { FLAG_HOST } else { 0 };
                bytes[7..11].copy_from_slice(&hello.peer_id.to_le_bytes());
                bytes[11..19].copy_from_slice(&hello.session_host.0.to_le_bytes());
                HELLO_LEN
            }
            Control::Welcome(welcome) => {
                bytes[0] = control_tag(TYPE_WELCOME);
                bytes[1..5].copy_from_slice(&welcome.peer_id.to_le_bytes());
                bytes[5] = if welcome.host_relays { FLAG_RELAYS } else { 0 };
                WELCOME_LEN
            }
            Control::PeerJoined(member) => encode_member(&mut bytes, TYPE_PEER_JOINED, member),
            Control::PeerLeft(member) => encode_member(&mut bytes, TYPE_PEER_LEFT, member),
        };
        ControlBytes {
            bytes,
            len: len as u8,
        }
    }

    /// Decodes a message whose first byte is a control tag.
    pub fn decode(message: &[u8]) -> Result<Control, ControlError> {
        let tag = *message.first().ok_or(ControlError::Truncated)?;
        if tag == control_tag(TYPE_HELLO) {
            if message.len() < 6 || message[1..5] != PROTOCOL_MAGIC {
                return Err(if message.len() >= 5 {
                    ControlError::ForeignProtocol
                } else {
                    ControlError::Truncated
                });
            }
            if message[5] != PROTOCOL_VERSION {
                return Err(ControlError::Version(message[5]));
            }
            if message.len() < HELLO_LEN {
                return Err(ControlError::Truncated);
            }
            Ok(Control::Hello(Hello {
                is_host: message[6] & FLAG_HOST != 0,
                peer_id: i32::from_le_bytes(message[7..11].try_into().expect("4 bytes")),
                session_host: SteamId(u64::from_le_bytes(
                    message[11..19].try_into().expect("8 bytes"),
                )),
            }))
        } else if tag == control_tag(TYPE_WELCOME) {
            if message.len() < WELCOME_LEN {
                return Err(ControlError::Truncated);
            }
            Ok(Control::Welcome(Welcome {
                peer_id: i32::from_le_bytes(message[1..5].try_into().expect("4 bytes")),
                host_relays: message[5] & FLAG_RELAYS != 0,
            }))
        } else if tag == control_tag(TYPE_PEER_JOINED) || tag == control_tag(TYPE_PEER_LEFT) {
            // Exactly its length: these come after the handshake, from a peer of our version.
            if message.len() != MEMBER_LEN {
                return Err(ControlError::Truncated);
            }
            let member = Member {
                peer_id: i32::from_le_bytes(message[1..5].try_into().expect("4 bytes")),
                steam_id: SteamId(u64::from_le_bytes(
                    message[5..MEMBER_LEN].try_into().expect("8 bytes"),
                )),
            };
            Ok(if tag == control_tag(TYPE_PEER_JOINED) {
                Control::PeerJoined(member)
            } else {
                Control::PeerLeft(member)
            })
        } else {
            Err(ControlError::UnknownType(tag & 0x3F))
        }
    }
}

fn encode_member(bytes: &mut [u8; HELLO_LEN], control_type: u8, member: Member) -> usize {
    bytes[0] = control_tag(control_type);
    bytes[1..5].copy_from_slice(&member.peer_id.to_le_bytes());
    bytes[5..MEMBER_LEN].copy_from_slice(&member.steam_id.0.to_le_bytes());
    MEMBER_LEN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_and_welcome_round_trip() {
        let hello = Control::Hello(Hello {
            is_host: true,
            peer_id: 1,
            session_host: SteamId::individual(9),
        });
        assert_eq!(Control::decode(hello.encode().as_slice()), Ok(hello));
        let welcome = Control::Welcome(Welcome {
            peer_id: i32::MAX,
            host_relays: true,
        });
        assert_eq!(Control::decode(welcome.encode().as_slice()), Ok(welcome));
    }

    #[test]
    fn mesh_members_round_trip_at_exactly_their_length() {
        let member = Member {
            peer_id: 77,
            steam_id: SteamId::individual(3),
        };
        for message in [Control::PeerJoined(member), Control::PeerLeft(member)] {
            let bytes = message.encode();
            assert_eq!(bytes.as_slice().len(), MEMBER_LEN);
            assert_eq!(Control::decode(bytes.as_slice()), Ok(message));
            let mut longer = bytes.as_slice().to_vec();
            longer.push(0);
            assert_eq!(Control::decode(&longer), Err(ControlError::Truncated));
            assert_eq!(
                Control::decode(&bytes.as_slice()[..MEMBER_LEN - 1]),
                Err(ControlError::Truncated)
            );
        }
    }

    #[test]
    fn other_versions_and_protocols_are_named() {
        let mut bytes = Control::Hello(Hello {
            is_host: false,
            peer_id: 5,
            session_host: SteamId(1),
        })
        .encode()
        .as_slice()
        .to_vec();
        bytes[5] = PROTOCOL_VERSION + 1;
        assert_eq!(
            Control::decode(&bytes),
            Err(ControlError::Version(PROTOCOL_VERSION + 1))
        );
        bytes[1] = b'X';
        assert_eq!(Control::decode(&bytes), Err(ControlError::ForeignProtocol));
        assert_eq!(Control::decode(&bytes[..3]), Err(ControlError::Truncated));
        assert_eq!(
            Control::decode(&[control_tag(40)]),
            Err(ControlError::UnknownType(40))
        );
    }
}
