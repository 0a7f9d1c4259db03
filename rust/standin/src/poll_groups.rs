//! Poll groups, and the messages waiting in them: what `ISteamNetworkingSockets` keeps between
//! calls besides the emulation's own connections.

use std::collections::{HashMap, VecDeque};

use smp_transport::{ConnectionId, ListenSocketId, ReceivedMessage, Sockets, StatusChange};
use steamworks_sys as sys;

/// Poll groups and what waits in them. Steam holds a connection's messages until it joins a
/// poll group; those wait per connection here.
#[derive(Default)]
pub struct SocketsState {
    groups: HashMap<sys::HSteamNetPollGroup, VecDeque<ReceivedMessage>>,
    group_of: HashMap<ConnectionId, sys::HSteamNetPollGroup>,
    unsorted: HashMap<ConnectionId, VecDeque<ReceivedMessage>>,
    /// The listen socket each incoming connection arrived on, for its connection info.
    arrived_on: HashMap<ConnectionId, ListenSocketId>,
    last_group: sys::HSteamNetPollGroup,
    received: Vec<ReceivedMessage>,
    /// Messages sent so far: the last one's number.
    pub sent: i64,
    /// Messages handed out so far: the last one's number.
    pub received_count: i64,
}

impl SocketsState {
    /// Remembers where an incoming connection arrived.
    pub fn note_status(&mut self, change: &StatusChange) {
        if let Some(socket) = change.listen_socket {
            self.arrived_on.insert(change.conn, socket);
        }
    }

    /// Takes what arrived and puts each message in its connection's poll group.
    pub fn sort_incoming(&mut self, sockets: &mut dyn Sockets) {
        let mut received = std::mem::take(&mut self.received);
        sockets.receive(&mut received, usize::MAX);
        for message in received.drain(..) {
            match self.group_of.get(&message.conn) {
                Some(group) => self.groups.entry(*group).or_default().push_back(message),
                None => self
                    .unsorted
                    .entry(message.conn)
                    .or_default()
                    .push_back(message),
            }
        }
        self.received = received;
    }

    /// Up to `max` messages of `group`, oldest first; `None` for an unknown group.
    pub fn take(
        &mut self,
        group: sys::HSteamNetPollGroup,
        max: usize,
    ) -> Option<impl Iterator<Item = ReceivedMessage> + '_> {
        let queue = self.groups.get_mut(&group)?;
        let count = queue.len().min(max);
        Some(queue.drain(..count))
    }

    /// A new, empty poll group.
    pub fn create_group(&mut self) -> sys::HSteamNetPollGroup {
        self.last_group += 1;
        self.groups.insert(self.last_group, VecDeque::new());
        self.last_group
    }

    /// Destroys `group`: its connections belong to no group, and what waited in it is gone;
    /// false for an unknown group.
    pub fn destroy_group(&mut self, group: sys::HSteamNetPollGroup) -> bool {
        self.group_of.retain(|_, of| *of != group);
        self.groups.remove(&group).is_some()
    }

    /// Moves `conn` into `group`, with the messages that waited for a group;
    /// `k_HSteamNetPollGroup_Invalid` takes it out of its group. False for an unknown group.
    pub fn set_group(&mut self, conn: ConnectionId, group: sys::HSteamNetPollGroup) -> bool {
        if group == sys::k_HSteamNetPollGroup_Invalid {
            self.group_of.remove(&conn);
            return true;
        }
        let Some(queue) = self.groups.get_mut(&group) else {
            return false;
        };
        queue.extend(self.unsorted.remove(&conn).into_iter().flatten());
        self.group_of.insert(conn, group);
        true
    }

    /// The listen socket an incoming connection arrived on.
    pub fn arrived_on(&self, conn: ConnectionId) -> Option<ListenSocketId> {
        self.arrived_on.get(&conn).copied()
    }

    /// Forgets a connection and what waits for it.
    pub fn forget(&mut self, conn: ConnectionId) {
        self.unsorted.remove(&conn);
        self.arrived_on.remove(&conn);
        if let Some(group) = self.group_of.remove(&conn)
            && let Some(queue) = self.groups.get_mut(&group)
        {
            queue.retain(|message| message.conn != conn);
        }
    }
}
