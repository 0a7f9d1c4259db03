//! Well-formed inputs for the decoders' targets, made with our own encoders, so that libFuzzer
//! starts from every kind of message rather than from nothing: a decoder this small yields no
//! new coverage from random bytes, and its corpus would otherwise stay empty.

use smp_protocol::control::{Control, Hello, Member, Welcome};
use smp_protocol::header::DataHeader;
use smp_protocol::{SteamId, TransferMode};
use smp_transport::local::codec;

/// The seeds of target `name`; none for the state machines, whose input is a script.
pub fn of(name: &str) -> Vec<Vec<u8>> {
    match name {
        "header" => headers(),
        "control" => controls(),
        "local_stream" => vec![stream()],
        _ => Vec::new(),
    }
}

fn headers() -> Vec<Vec<u8>> {
    [
        TransferMode::Reliable,
        TransferMode::Unreliable,
        TransferMode::UnreliableOrdered,
    ]
    .into_iter()
    .map(|mode| {
        let header = DataHeader {
            channel: 3,
            mode,
            sequence: 513,
        };
        let mut message = header.encode().as_slice().to_vec();
        message.extend_from_slice(b"payload");
        message
    })
    .collect()
}

fn controls() -> Vec<Vec<u8>> {
    let member = Member {
        peer_id: 77,
        steam_id: SteamId::individual(9),
    };
    [
        Control::Hello(Hello {
            is_host: true,
            peer_id: 1,
            session_host: SteamId::individual(1),
        }),
        Control::Welcome(Welcome {
            peer_id: 77,
            host_relays: false,
        }),
        Control::PeerJoined(member),
        Control::PeerLeft(member),
    ]
    .iter()
    .map(|control| control.encode().as_slice().to_vec())
    .collect()
}

/// One stream holding a frame of every kind.
fn stream() -> Vec<u8> {
    let mut out = Vec::new();
    codec::encode_open(&mut out, 2, SteamId::individual(5), 0);
    codec::encode_accept(&mut out);
    codec::encode_message(&mut out, 1, true, [b"head", b"tail"]);
    codec::encode_close(&mut out, 1000, "bye");
    out
}
