//! Which view owns which listen socket and connection, and the status changes waiting for each
//! view. Steam reports every connection of the process through one callback; the hub hands each
//! change to the view that owns the connection, so several peers can live in one process and a
//! freed peer leaves nothing behind. Pure bookkeeping: no Steam calls.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use parking_lot::Mutex;
use smp_protocol::ConnectionId;
use smp_transport::{ConnectionState, ListenSocketId, StatusChange};

/// The hub, shared by the status-change callback and every view.
pub type SharedHub = Arc<Mutex<Hub>>;

/// One view of the networking sockets.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct OwnerId(u64);

/// A connection a view holds.
struct Held {
    owner: OwnerId,
    /// The listen socket it arrived on; `None` for connections the view dialled.
    listen_socket: Option<ListenSocketId>,
    /// How many lanes it has: 1 until configured.
    lanes: u16,
}

/// What [`Hub::route`] did with a status change.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Routed {
    /// Queued for the view that owns the connection.
    Delivered(OwnerId),
    /// No view holds the connection and Steam still does: the caller must close it, or it
    /// would stay open (an incoming request nobody answers, a connection of a freed peer).
    Close(ConnectionId),
    /// No view holds the connection and Steam has destroyed it already (the callback that
    /// follows our own close): nothing to do.
    Ignored,
}

/// Everything a view held when it went away, for the caller to close in Steam.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Holdings {
    /// Its listen sockets.
    pub listen_sockets: Vec<ListenSocketId>,
    /// Its connections, dialled or arrived.
    pub conns: Vec<ConnectionId>,
}

/// Owners, what they hold, and their waiting status changes.
#[derive(Default)]
pub struct Hub {
    next_owner: u64,
    changes: HashMap<OwnerId, VecDeque<StatusChange>>,
    listen_sockets: HashMap<ListenSocketId, OwnerId>,
    conns: HashMap<ConnectionId, Held>,
}

impl Hub {
    /// A new view, holding nothing yet.
    pub fn add_owner(&mut self) -> OwnerId {
        self.next_owner += 1;
        let owner = OwnerId(self.next_owner);
        self.changes.insert(owner, VecDeque::new());
        owner
    }

    /// Forgets `owner` and what it holds; its waiting changes are dropped.
    pub fn remove_owner(&mut self, owner: OwnerId) -> Holdings {
        self.changes.remove(&owner);
        let mut holdings = Holdings::default();
        self.listen_sockets.retain(|&socket, &mut held_by| {
            let ours = held_by == owner;
            if ours {
                holdings.listen_sockets.push(socket);
            }
            !ours
        });
        self.conns.retain(|&conn, held| {
            let ours = held.owner == owner;
            if ours {
                holdings.conns.push(conn);
            }
            !ours
        });
        holdings
    }

    /// `owner` listens on `socket`: connections arriving there are its.
    pub fn add_listen_socket(&mut self, owner: OwnerId, socket: ListenSocketId) {
        self.listen_sockets.insert(socket, owner);
    }

    /// Forgets `owner`'s listen socket and the connections that arrived on it, returning those
    /// for the caller to close (Steam closes them with the socket anyway); `None` when the
    /// socket is not `owner`'s.
    pub fn remove_listen_socket(
        &mut self,
        owner: OwnerId,
        socket: ListenSocketId,
    ) -> Option<Vec<ConnectionId>> {
        if self.listen_sockets.get(&socket) != Some(&owner) {
            return None;
        }
        self.listen_sockets.remove(&socket);
        let mut arrived = Vec::new();
        self.conns.retain(|&conn, held| {
            let on_socket = held.listen_socket == Some(socket);
            if on_socket {
                arrived.push(conn);
            }
            !on_socket
        });
        Some(arrived)
    }

    /// `owner` dialled `conn`.
    pub fn add_connection(&mut self, owner: OwnerId, conn: ConnectionId) {
        self.conns.insert(
            conn,
            Held {
                owner,
                listen_socket: None,
                lanes: 1,
            },
        );
    }

    /// Forgets `owner`'s connection; false when it is not `owner`'s.
    pub fn remove_connection(&mut self, owner: OwnerId, conn: ConnectionId) -> bool {
        if !self.holds(owner, conn) {
            return false;
        }
        self.conns.remove(&conn);
        true
    }

    /// True when `conn` is `owner`'s.
    pub fn holds(&self, owner: OwnerId, conn: ConnectionId) -> bool {
        self.conns
            .get(&conn)
            .is_some_and(|held| held.owner == owner)
    }

    /// How many lanes `owner`'s connection has; `None` when it is not `owner`'s.
    pub fn lanes(&self, owner: OwnerId, conn: ConnectionId) -> Option<u16> {
        self.conns
            .get(&conn)
            .filter(|held| held.owner == owner)
            .map(|held| held.lanes)
    }

    /// Records that `owner`'s connection now has `lanes` lanes.
    pub fn set_lanes(&mut self, owner: OwnerId, conn: ConnectionId, lanes: u16) {
        if let Some(held) = self.conns.get_mut(&conn).filter(|held| held.owner == owner) {
            held.lanes = lanes;
        }
    }

    /// Hands a status change to the view that owns the connection: the one holding it, or for
    /// a connection new to us, the one owning the listen socket it arrived on, which then
    /// holds it.
    pub fn route(&mut self, change: StatusChange) -> Routed {
        let owner = match self.conns.get(&change.conn) {
            Some(held) => held.owner,
            None if change.state == ConnectionState::None => return Routed::Ignored,
            None => {
                let arrived_on = change
                    .listen_socket
                    .and_then(|socket| self.listen_sockets.get(&socket).copied());
                let Some(owner) = arrived_on else {
                    return Routed::Close(change.conn);
                };
                self.conns.insert(
                    change.conn,
                    Held {
                        owner,
                        listen_socket: change.listen_socket,
                        lanes: 1,
                    },
                );
                owner
            }
        };
        // Every owner anything refers to has a queue: `remove_owner` forgets both at once.
        if let Some(queue) = self.changes.get_mut(&owner) {
            queue.push_back(change);
        }
        Routed::Delivered(owner)
    }

    /// The oldest status change waiting for `owner`.
    pub fn next_change(&mut self, owner: OwnerId) -> Option<StatusChange> {
        self.changes.get_mut(&owner)?.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smp_protocol::SteamId;

    const ALICE: SteamId = SteamId::individual(1);

    fn change(
        conn: u32,
        listen_socket: Option<u32>,
        old_state: ConnectionState,
        state: ConnectionState,
    ) -> StatusChange {
        StatusChange {
            conn: ConnectionId(conn),
            remote: ALICE,
            listen_socket: listen_socket.map(ListenSocketId),
            old_state,
            state,
            end_reason: 0,
            end_debug: String::new(),
        }
    }

    fn request(conn: u32, socket: u32) -> StatusChange {
        change(
            conn,
            Some(socket),
            ConnectionState::None,
            ConnectionState::Connecting,
        )
    }

    #[test]
    fn a_dialled_connection_reports_to_its_owner_only() {
        let mut hub = Hub::default();
        let (a, b) = (hub.add_owner(), hub.add_owner());
        hub.add_connection(a, ConnectionId(7));
        let connected = change(
            7,
            None,
            ConnectionState::Connecting,
            ConnectionState::Connected,
        );
        assert_eq!(hub.route(connected.clone()), Routed::Delivered(a));
        assert_eq!(hub.next_change(b), None);
        assert_eq!(hub.next_change(a), Some(connected));
        assert_eq!(hub.next_change(a), None);
        assert!(hub.holds(a, ConnectionId(7)));
        assert!(!hub.holds(b, ConnectionId(7)));
    }

    #[test]
    fn a_request_goes_to_the_owner_of_its_listen_socket_which_then_holds_it() {
        let mut hub = Hub::default();
        let (a, b) = (hub.add_owner(), hub.add_owner());
        hub.add_listen_socket(a, ListenSocketId(1));
        hub.add_listen_socket(b, ListenSocketId(2));
        assert_eq!(hub.route(request(10, 2)), Routed::Delivered(b));
        assert_eq!(hub.route(request(11, 1)), Routed::Delivered(a));
        assert_eq!(hub.next_change(b).unwrap().conn, ConnectionId(10));
        assert_eq!(hub.next_change(a).unwrap().conn, ConnectionId(11));
        assert!(hub.holds(b, ConnectionId(10)));
        assert_eq!(hub.lanes(b, ConnectionId(10)), Some(1));
        // Later changes follow the connection, even without the listen socket.
        let ended = change(
            10,
            None,
            ConnectionState::Connecting,
            ConnectionState::ClosedByPeer,
        );
        assert_eq!(hub.route(ended), Routed::Delivered(b));
    }

    #[test]
    fn what_no_view_holds_is_closed_unless_steam_destroyed_it_already() {
        let mut hub = Hub::default();
        let a = hub.add_owner();
        hub.add_listen_socket(a, ListenSocketId(1));
        // A request on a listen socket that is not ours any more.
        assert_eq!(hub.route(request(5, 9)), Routed::Close(ConnectionId(5)));
        // A change for a connection of a view already gone.
        let connected = change(
            6,
            None,
            ConnectionState::Connecting,
            ConnectionState::Connected,
        );
        assert_eq!(hub.route(connected), Routed::Close(ConnectionId(6)));
        // The echo of our own close, even on a listen socket we still have.
        let closed = change(
            7,
            Some(1),
            ConnectionState::Connecting,
            ConnectionState::None,
        );
        assert_eq!(hub.route(closed), Routed::Ignored);
        assert!(!hub.holds(a, ConnectionId(7)));
        assert_eq!(hub.next_change(a), None);
    }

    #[test]
    fn a_closed_connection_is_forgotten_and_only_its_owner_can_close_it() {
        let mut hub = Hub::default();
        let (a, b) = (hub.add_owner(), hub.add_owner());
        hub.add_connection(a, ConnectionId(3));
        assert!(!hub.remove_connection(b, ConnectionId(3)));
        assert!(hub.remove_connection(a, ConnectionId(3)));
        assert!(!hub.remove_connection(a, ConnectionId(3)));
        let closed = change(3, None, ConnectionState::Connected, ConnectionState::None);
        assert_eq!(hub.route(closed), Routed::Ignored);
    }

    #[test]
    fn lanes_belong_to_the_owner() {
        let mut hub = Hub::default();
        let (a, b) = (hub.add_owner(), hub.add_owner());
        hub.add_connection(a, ConnectionId(3));
        assert_eq!(hub.lanes(a, ConnectionId(3)), Some(1));
        hub.set_lanes(b, ConnectionId(3), 4);
        assert_eq!(hub.lanes(a, ConnectionId(3)), Some(1));
        assert_eq!(hub.lanes(b, ConnectionId(3)), None);
        hub.set_lanes(a, ConnectionId(3), 4);
        assert_eq!(hub.lanes(a, ConnectionId(3)), Some(4));
        assert_eq!(hub.lanes(a, ConnectionId(4)), None);
    }

    #[test]
    fn closing_a_listen_socket_gives_back_what_arrived_on_it() {
        let mut hub = Hub::default();
        let (a, b) = (hub.add_owner(), hub.add_owner());
        hub.add_listen_socket(a, ListenSocketId(1));
        hub.add_listen_socket(a, ListenSocketId(2));
        hub.add_connection(a, ConnectionId(20));
        hub.route(request(21, 1));
        hub.route(request(22, 2));
        assert_eq!(hub.remove_listen_socket(b, ListenSocketId(1)), None);
        assert_eq!(
            hub.remove_listen_socket(a, ListenSocketId(1)),
            Some(vec![ConnectionId(21)])
        );
        assert_eq!(hub.remove_listen_socket(a, ListenSocketId(1)), None);
        assert!(hub.holds(a, ConnectionId(20)));
        assert!(hub.holds(a, ConnectionId(22)));
        // New requests there have no owner now.
        assert_eq!(hub.route(request(23, 1)), Routed::Close(ConnectionId(23)));
    }

    #[test]
    fn a_removed_owner_gives_back_everything_and_a_new_one_starts_clean() {
        let mut hub = Hub::default();
        let (a, b) = (hub.add_owner(), hub.add_owner());
        hub.add_listen_socket(a, ListenSocketId(1));
        hub.add_listen_socket(b, ListenSocketId(2));
        hub.add_connection(a, ConnectionId(30));
        hub.route(request(31, 1));
        hub.add_connection(b, ConnectionId(32));
        let mut holdings = hub.remove_owner(a);
        holdings.conns.sort();
        assert_eq!(
            holdings,
            Holdings {
                listen_sockets: vec![ListenSocketId(1)],
                conns: vec![ConnectionId(30), ConnectionId(31)],
            }
        );
        assert_eq!(hub.next_change(a), None, "its waiting changes are gone");
        assert_eq!(hub.route(request(33, 1)), Routed::Close(ConnectionId(33)));
        assert!(hub.holds(b, ConnectionId(32)));
        // A peer opened again (a new view) is a new owner and sees nothing of the old one.
        let again = hub.add_owner();
        assert_ne!(again, a);
        hub.add_listen_socket(again, ListenSocketId(3));
        assert_eq!(hub.route(request(34, 3)), Routed::Delivered(again));
        assert_eq!(hub.remove_owner(a), Holdings::default());
    }
}
