//! Local mode's session APIs (legacy P2P and networking messages): a stranger's raw
//! connection sends any bytes, pieces and whole packets alike, while the game reads, accepts,
//! sends and closes.

use smp_steam::P2PSend;
use smp_steam::local::sessions::{
    LEGACY_P2P_VIRTUAL_PORT, MESSAGES_VIRTUAL_PORT, SessionApi, Sessions,
};
use smp_transport::memory::MemoryNetwork;
use smp_transport::{FaultConfig, SendFlags, Sockets, SteamId};

use crate::script::Script;

const GAME: SteamId = SteamId::individual(1);
const STRANGER: SteamId = SteamId::individual(2);

/// Runs the script in `data` against one user's sessions of either API.
pub fn run(data: &[u8]) {
    let mut script = Script::new(data);
    let (api, port) = match script.pick(2) {
        0 => (SessionApi::LegacyP2P, LEGACY_P2P_VIRTUAL_PORT),
        _ => (SessionApi::Messages, MESSAGES_VIRTUAL_PORT),
    };
    let mut net = MemoryNetwork::new();
    net.add_user(GAME, FaultConfig::default());
    net.add_user(STRANGER, FaultConfig::default());
    let mut sessions = Sessions::new(api, Box::new(net.sockets(GAME)));
    let mut raw = net.sockets(STRANGER);
    let Ok(conn) = raw.connect(GAME, port) else {
        return;
    };
    let mut events = Vec::new();
    while let Some(step) = script.next_step(7) {
        let channel = i32::from(script.pick(4));
        match step {
            0 | 1 => {
                let flags = if step == 0 {
                    SendFlags::RELIABLE
                } else {
                    SendFlags::UNRELIABLE
                };
                let message = script.bytes(4096);
                let _ = raw.send(conn, 0, flags, [&message, &[]]);
            }
            2 => {
                let _ = sessions.read(usize::from(script.pick(255)) * 64, channel);
                let _ = sessions.receive_messages(channel, 16);
            }
            3 => {
                sessions.accept(STRANGER);
            }
            4 => {
                let payload = script.bytes(2048);
                let _ = sessions.send(STRANGER, &payload, P2PSend::Reliable, channel);
                let _ =
                    sessions.send_message(STRANGER, &payload, u32::from(script.pick(16)), channel);
            }
            5 => {
                if script.pick(2) == 0 {
                    sessions.close_channel(STRANGER, channel);
                } else {
                    sessions.close_session(STRANGER);
                }
            }
            _ => script.advance(),
        }
        raw.pump(script.now);
        sessions.pump(script.now);
        let _ = sessions.state(STRANGER);
        let _ = sessions.available(channel);
        sessions.drain_events(&mut events);
        events.clear();
    }
}
