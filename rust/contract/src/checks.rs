//! The checks, each from the local side against the [`crate::Responder`].

use smp_transport::{ConnectionState, SendFlags, SocketError};

use crate::responder::{
    BURST_CLOSE_REASON, BURST_COUNT, BURST_FILLER, BURST_PORT, ECHO_LANES, ECHO_PORT, REJECT_DEBUG,
    REJECT_PORT, REJECT_REASON, UNHEARD_PORT,
};
use crate::{Harness, dial, next_end, receive_all, wait};

/// Steam's limit on one message (`k_cbMaxSteamNetworkingSocketsMessageSizeSend`).
pub const MAX_MESSAGE_SIZE: usize = 512 * 1024;

/// A check: it panics when the transport breaks the contract.
pub type Check = fn(&mut dyn Harness);

/// Every check, by name, for a harness that runs them one after the other.
pub const ALL: &[(&str, Check)] = &crate::with_every_check!(crate::named_checks;);

/// A connection to the echo port comes up, knows its remote, and carries data both ways.
pub fn connects_and_echoes(harness: &mut dyn Harness) {
    let mut sockets = harness.view();
    let conn = dial(harness, sockets.as_mut(), ECHO_PORT, ECHO_LANES);
    let info = sockets.connection_info(conn).expect("our connection");
    assert_eq!(
        (info.remote, info.state),
        (harness.responder(), ConnectionState::Connected)
    );
    sockets
        .send(conn, 0, SendFlags::RELIABLE, [b"pi", b"ng"])
        .unwrap();
    let got = receive_all(harness, sockets.as_mut(), 1);
    assert_eq!(
        (
            got[0].conn,
            got[0].lane,
            got[0].data.as_slice(),
            got[0].reliable
        ),
        (conn, 0, &b"ping"[..], true)
    );
}

/// A connection the remote rejects ends closed by the peer, with its reason and explanation,
/// and takes no more data.
pub fn a_rejection_carries_the_reason(harness: &mut dyn Harness) {
    let mut sockets = harness.view();
    let conn = sockets.connect(harness.responder(), REJECT_PORT).unwrap();
    let ended = next_end(harness, sockets.as_mut(), "the rejection");
    assert_eq!(
        (
            ended.conn,
            ended.state,
            ended.end_reason,
            ended.end_debug.as_str()
        ),
        (
            conn,
            ConnectionState::ClosedByPeer,
            REJECT_REASON,
            REJECT_DEBUG
        )
    );
    assert_eq!(
        sockets.send(conn, 0, SendFlags::RELIABLE, [b"x", b""]),
        Err(SocketError::InvalidState(ConnectionState::ClosedByPeer))
    );
}

/// A connection to someone not playing ends as a problem detected locally, explained.
pub fn an_absent_user_fails(harness: &mut dyn Harness) {
    let mut sockets = harness.view();
    let conn = sockets.connect(harness.absent(), ECHO_PORT).unwrap();
    let ended = next_end(harness, sockets.as_mut(), "the failure");
    assert_eq!(
        (ended.conn, ended.state),
        (conn, ConnectionState::ProblemDetectedLocally)
    );
    assert!(!ended.end_debug.is_empty());
}

/// A connection to a virtual port nobody listens on ends.
pub fn an_unheard_virtual_port_fails(harness: &mut dyn Harness) {
    let mut sockets = harness.view();
    let conn = sockets.connect(harness.responder(), UNHEARD_PORT).unwrap();
    let ended = next_end(harness, sockets.as_mut(), "the failure");
    assert_eq!(ended.conn, conn);
    assert!(
        sockets
            .send(conn, 0, SendFlags::RELIABLE, [b"x", b""])
            .is_err()
    );
}

/// We cannot connect to ourselves.
pub fn connecting_to_ourselves_fails(harness: &mut dyn Harness) {
    let mut sockets = harness.view();
    let me = sockets.identity();
    assert_ne!(me, harness.responder());
    assert!(matches!(
        sockets.connect(me, ECHO_PORT),
        Err(SocketError::InvalidParam(_))
    ));
}

/// Thousands of reliable messages on four lanes come back in order within each lane, whole.
pub fn reliable_messages_keep_their_lane_order(harness: &mut dyn Harness) {
    let mut sockets = harness.view();
    let conn = dial(harness, sockets.as_mut(), ECHO_PORT, ECHO_LANES);
    let count = 4000u32;
    let filler = [0xA5; 300];
    for n in 0..count {
        let lane = (n % u32::from(ECHO_LANES)) as u16;
        let size = (n % 300) as usize;
        sockets
            .send(
                conn,
                lane,
                SendFlags::RELIABLE,
                [&n.to_le_bytes(), &filler[..size]],
            )
            .unwrap();
        if n % 500 == 0 {
            harness.step();
        }
    }
    let got = receive_all(harness, sockets.as_mut(), count as usize);
    let number = |data: &[u8]| u32::from_le_bytes(data[..4].try_into().unwrap());
    for lane in 0..ECHO_LANES {
        let numbers: Vec<u32> = got
            .iter()
            .filter(|m| m.lane == lane)
            .map(|m| number(&m.data))
            .collect();
        let expected: Vec<u32> = (0..count)
            .filter(|n| n % u32::from(ECHO_LANES) == u32::from(lane))
            .collect();
        assert_eq!(numbers, expected, "lane {lane}");
    }
    assert!(
        got.iter()
            .all(|m| m.reliable && m.data.len() == 4 + (number(&m.data) % 300) as usize)
    );
}

/// A message of Steam's maximum size goes and comes back intact; one byte more is refused.
pub fn the_size_limit_is_steams(harness: &mut dyn Harness) {
    let mut sockets = harness.view();
    let conn = dial(harness, sockets.as_mut(), ECHO_PORT, ECHO_LANES);
    let big: Vec<u8> = (0..MAX_MESSAGE_SIZE).map(|i| (i * 7) as u8).collect();
    sockets
        .send(conn, 1, SendFlags::RELIABLE, [&big[..10], &big[10..]])
        .unwrap();
    assert_eq!(
        sockets.send(conn, 1, SendFlags::RELIABLE, [&big, b"!"]),
        Err(SocketError::TooLarge {
            size: MAX_MESSAGE_SIZE + 1,
            max: MAX_MESSAGE_SIZE
        })
    );
    let got = receive_all(harness, sockets.as_mut(), 1);
    assert!(got[0].data == big, "512 KiB come back intact");
}

/// Lanes beyond those configured are refused, and a connection has at least one.
pub fn lanes_are_bounded(harness: &mut dyn Harness) {
    let mut sockets = harness.view();
    let conn = dial(harness, sockets.as_mut(), ECHO_PORT, ECHO_LANES);
    assert!(matches!(
        sockets.send(conn, ECHO_LANES, SendFlags::RELIABLE, [b"x", b""]),
        Err(SocketError::InvalidParam(_))
    ));
    assert!(sockets.configure_lanes(conn, 0).is_err());
}

/// Views of one user see only what they created; dropping a view closes it all.
pub fn views_see_only_their_own(harness: &mut dyn Harness) {
    let mut first = harness.view();
    let conn = dial(harness, first.as_mut(), ECHO_PORT, ECHO_LANES);
    let listen = first.listen(7).expect("a listen socket");
    let mut second = harness.view();
    assert!(second.connection_info(conn).is_none());
    assert!(second.quality(conn).is_none());
    assert!(
        second
            .send(conn, 0, SendFlags::RELIABLE, [b"x", b""])
            .is_err()
    );
    second.close_listen(listen);
    assert!(
        second.listen(7).is_err(),
        "port 7 still belongs to the first view"
    );
    drop(first);
    let mut third = harness.view();
    third
        .listen(7)
        .expect("dropping the first view closed its listen socket");
}

/// Data sent before a lingering close all arrives before the close.
pub fn a_lingering_close_delivers_everything_first(harness: &mut dyn Harness) {
    let mut sockets = harness.view();
    let conn = sockets.connect(harness.responder(), BURST_PORT).unwrap();
    sockets.configure_lanes(conn, 2).unwrap();
    let mut messages = Vec::new();
    let mut connected = false;
    let mut ended = None;
    wait(harness, "the burst, then the close", || {
        sockets.receive(&mut messages, usize::MAX);
        while let Some(change) = sockets.next_status_change() {
            connected |= change.state == ConnectionState::Connected;
            if change.state.has_ended() {
                ended = Some((change, messages.len()));
            }
        }
        ended.is_some()
    });
    assert!(connected, "the connection came up before it closed");
    let (change, before_close) = ended.expect("waited for it");
    assert_eq!((change.conn, change.end_reason), (conn, BURST_CLOSE_REASON));
    assert_eq!(
        before_close, BURST_COUNT as usize,
        "every message came before the close"
    );
    assert!(
        messages
            .iter()
            .all(|m| m.data.len() == 4 + BURST_FILLER && m.lane < 2)
    );
}

/// Reliable data sent while connecting is delivered once connected; unreliable data is not.
pub fn reliable_data_sent_while_connecting_waits(harness: &mut dyn Harness) {
    let mut sockets = harness.view();
    let conn = sockets.connect(harness.responder(), ECHO_PORT).unwrap();
    sockets
        .send(conn, 0, SendFlags::RELIABLE, [b"early", b""])
        .unwrap();
    // Steam drops it or refuses it; either way it never arrives.
    let _ = sockets.send(conn, 0, SendFlags::UNRELIABLE, [b"dropped", b""]);
    let got = receive_all(harness, sockets.as_mut(), 1);
    assert_eq!(got[0].data, b"early");
    for _ in 0..50 {
        harness.step();
    }
    let mut later = Vec::new();
    sockets.receive(&mut later, usize::MAX);
    assert!(
        later.is_empty(),
        "unreliable data sent while connecting is dropped"
    );
}

/// A connection in use reports its ping, its quality and its rates.
pub fn quality_is_measured(harness: &mut dyn Harness) {
    let mut sockets = harness.view();
    let conn = dial(harness, sockets.as_mut(), ECHO_PORT, ECHO_LANES);
    let mut echoes = Vec::new();
    let mut measured = false;
    wait(harness, "a ping and rates", || {
        sockets
            .send(conn, 0, SendFlags::UNRELIABLE, [&[7; 100], b""])
            .unwrap();
        sockets.receive(&mut echoes, usize::MAX);
        let quality = sockets
            .quality(conn)
            .expect("a connected connection has a quality");
        measured |= quality.ping_ms >= 0 && quality.in_packets_per_sec > 0.0;
        measured
    });
    let quality = sockets.quality(conn).unwrap();
    assert!(quality.out_bytes_per_sec > 0.0, "{quality:?}");
    // -1: a transport that cannot tell what it lost (the legacy P2P API).
    assert!(
        quality.quality_local == -1.0 || (0.0..=1.0).contains(&quality.quality_local),
        "{quality:?}"
    );
}
