//! The transport contract: what every [`Sockets`] implementation must do, as the multiplayer
//! peer relies on it.
//!
//! Each check drives one side (a view of the local user) against a [`Responder`]: another
//! user whose behaviour is fixed per virtual port (echo, reject, burst then close), so that a
//! check needs no say over the other side. In process, the responder is pumped with the
//! checks; on real Steam it runs in another process, on another machine with another account
//! (see the README), and the same checks run unchanged.
//!
//! [`contract!`] turns the checks into tests for one [`Harness`].

pub mod checks;
pub mod responder;

use std::time::Duration;

pub use smp_transport::SteamId;
use smp_transport::{ConnectionId, ConnectionState, ReceivedMessage, Sockets, StatusChange};

pub use responder::Responder;

/// Where the checks run: the local user's sockets, the responder, and time.
pub trait Harness {
    /// A new view of the local user's sockets.
    fn view(&mut self) -> Box<dyn Sockets>;
    /// The responder's Steam id.
    fn responder(&self) -> SteamId;
    /// A Steam id nobody plays as.
    fn absent(&self) -> SteamId {
        SteamId::individual(9)
    }
    /// Lets time pass and data move, the responder's too when it runs in this process.
    fn step(&mut self);
    /// How long a bounded wait may take.
    fn patience(&self) -> Duration {
        Duration::from_secs(20)
    }
    /// How much time one step lets pass.
    fn step_length(&self) -> Duration {
        Duration::from_millis(1)
    }
}

/// Steps until `done` holds; panics with `what` once the harness's patience runs out.
pub fn wait(harness: &mut dyn Harness, what: &str, mut done: impl FnMut() -> bool) {
    let steps = harness.patience().as_micros() / harness.step_length().as_micros().max(1);
    for _ in 0..steps {
        if done() {
            return;
        }
        harness.step();
    }
    panic!(
        "timed out after {:?} waiting for {what}",
        harness.patience()
    );
}

/// Waits for the next status change of `sockets`.
pub fn next_change(
    harness: &mut dyn Harness,
    sockets: &mut dyn Sockets,
    what: &str,
) -> StatusChange {
    let mut change = None;
    wait(harness, what, || {
        change = sockets.next_status_change();
        change.is_some()
    });
    change.expect("waited for it")
}

/// Waits for the status change that ends a connection of `sockets`.
pub fn next_end(harness: &mut dyn Harness, sockets: &mut dyn Sockets, what: &str) -> StatusChange {
    let mut ended = None;
    wait(harness, what, || {
        while let Some(change) = sockets.next_status_change() {
            if change.state.has_ended() {
                ended = Some(change);
            }
        }
        ended.is_some()
    });
    ended.expect("waited for it")
}

/// Connects `sockets` to the responder's `port` with `lanes` lanes and waits until it is up.
pub fn dial(
    harness: &mut dyn Harness,
    sockets: &mut dyn Sockets,
    port: i32,
    lanes: u16,
) -> ConnectionId {
    let conn = sockets.connect(harness.responder(), port).expect("connect");
    sockets.configure_lanes(conn, lanes).expect("lanes");
    let mut state = ConnectionState::Connecting;
    wait(harness, &format!("a connection to port {port}"), || {
        while let Some(change) = sockets.next_status_change() {
            assert_eq!(change.conn, conn, "a change of a connection we do not have");
            state = change.state;
        }
        state != ConnectionState::Connecting && state != ConnectionState::FindingRoute
    });
    assert_eq!(state, ConnectionState::Connected, "port {port} refused us");
    conn
}

/// Waits until `sockets` received `count` messages, and returns them in arrival order.
pub fn receive_all(
    harness: &mut dyn Harness,
    sockets: &mut dyn Sockets,
    count: usize,
) -> Vec<ReceivedMessage> {
    let mut out = Vec::new();
    wait(harness, &format!("{count} messages"), || {
        sockets.receive(&mut out, usize::MAX);
        out.len() >= count
    });
    out
}

/// Calls `$callback!($($prefix)*; name, name, ...)` with the name of every check in
/// [`checks`]: the one list the tests and [`checks::ALL`] are made from.
#[macro_export]
macro_rules! with_every_check {
    ($($callback:ident)::+; $($prefix:tt)*) => {
        $($callback)::+! { $($prefix)*;
            connects_and_echoes,
            a_rejection_carries_the_reason,
            an_absent_user_fails,
            an_unheard_virtual_port_fails,
            connecting_to_ourselves_fails,
            reliable_messages_keep_their_lane_order,
            the_size_limit_is_steams,
            lanes_are_bounded,
            views_see_only_their_own,
            a_lingering_close_delivers_everything_first,
            reliable_data_sent_while_connecting_waits,
            quality_is_measured
        }
    };
}

/// Declares one test per check for the harness `$make` builds (a fresh one per test), in a
/// module named `$module`.
#[macro_export]
macro_rules! contract {
    ($module:ident, $make:expr) => {
        mod $module {
            $crate::with_every_check!($crate::contract_tests; $make);
        }
    };
}

/// The tests [`contract!`] declares.
#[doc(hidden)]
#[macro_export]
macro_rules! contract_tests {
    ($make:expr; $($check:ident),*) => {
        $(
            #[test]
            fn $check() {
                let mut harness = $make;
                $crate::checks::$check(&mut harness);
            }
        )*
    };
}

/// The checks as `(name, function)` pairs, for [`checks::ALL`].
#[doc(hidden)]
#[macro_export]
macro_rules! named_checks {
    (; $($check:ident),*) => {
        [$((stringify!($check), $crate::checks::$check as $crate::checks::Check)),*]
    };
}
