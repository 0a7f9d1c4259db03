//! A flood of connection attempts: memory stays bounded, and the session still admits players.

use std::time::Duration;

use super::{Net, steam};
use crate::event::Action;
use crate::ids::ConnectionId;
use crate::reason::CloseReason;
use crate::session::Config;

/// Feeds the host 1000 connection requests from strangers who never say hello.
fn flood(net: &mut Net, first_conn: u32) -> (usize, usize) {
    let now = net.now;
    for n in 0..1000 {
        let conn = ConnectionId(first_conn + n);
        net.sessions[0].on_connection_request(conn, steam(10 + n as usize), now);
    }
    let (mut accepted, mut busy) = (0, 0);
    while let Some(action) = net.sessions[0].poll_action() {
        match action {
            Action::Accept(_) => accepted += 1,
            Action::Close {
                reason: CloseReason::Busy,
                ..
            } => busy += 1,
            _ => {}
        }
    }
    (accepted, busy)
}

#[test]
fn a_flood_of_connection_attempts_is_refused_past_the_limit() {
    let config = Config::default();
    let limit = config.max_pending;
    let mut net = Net::new(2, config.clone());
    net.host(0);
    assert_eq!(flood(&mut net, 10_000), (limit, 1000 - limit));
    assert_eq!(net.sessions[0].drops().refused_flood, (1000 - limit) as u64);

    // The strangers' handshakes time out; the host then takes new attempts again.
    net.now += config.handshake_timeout + Duration::from_secs(1);
    let now = net.now;
    net.sessions[0].on_tick(now);
    while net.sessions[0].poll_action().is_some() {}
    assert_eq!(flood(&mut net, 20_000).0, limit);
}

#[test]
fn a_player_gets_in_once_a_flood_has_timed_out() {
    let config = Config::default();
    let mut net = Net::new(2, config.clone());
    net.host(0);
    flood(&mut net, 10_000);
    net.now += config.handshake_timeout + Duration::from_secs(1);
    let now = net.now;
    net.sessions[0].on_tick(now);
    net.client(1, 0);
    net.run();
    assert!(net.sessions[1].unique_id() > 1, "the player has its id");
    assert!(
        net.sessions[0].peer_ids().any(|id| id > 1),
        "the player was admitted"
    );
}
