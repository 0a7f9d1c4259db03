//! The contract against Steam itself, for both transports the peer runs on: the networking
//! sockets and the legacy P2P API. It needs two machines with Steam clients and two accounts,
//! so it runs only when asked (`STEAM_TESTS=1`): one machine runs the responder, the other
//! the checks. The README's "Testing on Steam" says how.

use std::time::{Duration, Instant};

use smp_contract::{Harness, Responder, SteamId, checks};
use smp_steam::SteamApi;
use smp_steam::real::RealSteam;
use smp_transport::Sockets;

/// Valve's test app, which every account can run.
const SPACEWAR: u32 = 480;

#[derive(Clone, Copy, Debug)]
enum Transport {
    Sockets,
    LegacyP2P,
}

fn open(steam: &mut RealSteam, transport: Transport) -> Box<dyn Sockets> {
    match transport {
        Transport::Sockets => steam.open_sockets(),
        Transport::LegacyP2P => steam.open_p2p_sockets(),
    }
    .expect("a transport on Steam")
}

/// The local side on Steam, against a responder on another machine.
struct OnSteam<'a> {
    steam: &'a mut RealSteam,
    transport: Transport,
    /// Keeps the transport pumped, as a peer's poll does.
    pumped: Box<dyn Sockets>,
    responder: SteamId,
}

impl Harness for OnSteam<'_> {
    fn view(&mut self) -> Box<dyn Sockets> {
        open(self.steam, self.transport)
    }

    fn responder(&self) -> SteamId {
        self.responder
    }

    fn absent(&self) -> SteamId {
        // An account number far beyond any that exists.
        SteamId::individual(u32::MAX - 7)
    }

    fn step(&mut self) {
        std::thread::sleep(self.step_length());
        self.steam.pump();
        self.pumped.pump(Instant::now());
    }

    fn patience(&self) -> Duration {
        // Routes through Valve's relays take seconds to find, failures longer.
        Duration::from_secs(60)
    }

    fn step_length(&self) -> Duration {
        Duration::from_millis(5)
    }
}

#[test]
fn steam() {
    if std::env::var("STEAM_TESTS").as_deref() != Ok("1") {
        println!(
            "the Steam contract did not run: it needs STEAM_TESTS=1 and two machines with Steam \
             clients (see the README's \"Testing on Steam\")"
        );
        return;
    }
    let app = std::env::var("STEAM_APP_ID").map_or(SPACEWAR, |id| id.parse().expect("an app id"));
    let mut steam = RealSteam::init(app).expect("Steam initializes (is the client running?)");
    println!("this account: {}", steam.steam_id());
    match std::env::var("STEAM_CONTRACT_RESPONDER") {
        Ok(responder) => {
            let responder = SteamId(responder.parse().expect("the responder's Steam id"));
            for transport in [Transport::Sockets, Transport::LegacyP2P] {
                let pumped = open(&mut steam, transport);
                let mut harness = OnSteam {
                    steam: &mut steam,
                    transport,
                    pumped,
                    responder,
                };
                for (name, check) in checks::ALL {
                    println!("{transport:?}: {name}");
                    check(&mut harness);
                }
            }
        }
        Err(_) => respond(&mut steam),
    }
}

/// Answers the checks on both transports until `STEAM_CONTRACT_MINUTES` (default 30) pass.
fn respond(steam: &mut RealSteam) {
    let minutes: u64 =
        std::env::var("STEAM_CONTRACT_MINUTES").map_or(30, |m| m.parse().expect("minutes"));
    let mut responders = [Transport::Sockets, Transport::LegacyP2P]
        .map(|transport| Responder::new(open(steam, transport)).expect("the responder's ports"));
    println!(
        "responding as {} for {minutes} minutes; on the other machine run the checks with \
         STEAM_CONTRACT_RESPONDER={}",
        steam.steam_id(),
        steam.steam_id().0
    );
    let until = Instant::now() + Duration::from_secs(minutes * 60);
    while Instant::now() < until {
        steam.pump();
        for responder in &mut responders {
            responder.poll(Instant::now());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}
