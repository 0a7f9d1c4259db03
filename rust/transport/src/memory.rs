//! An in-process network: many users in one process, deterministic, for tests.
//!
//! Frames cross instantly, in order; what the users see of time, loss and reordering comes
//! from their [`FaultConfig`]s and the `now` they pump with.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use rustc_hash::FxHashMap;
use smp_protocol::SteamId;

use crate::emulated::wire::WIRE_VERSION;
use crate::emulated::{EmulatedSockets, Endpoint, LinkId, SharedEndpoint, Wire, WireEvent};
use crate::fault::FaultConfig;

#[derive(Default)]
struct Switch {
    /// Present users and what waits for them.
    inboxes: FxHashMap<SteamId, Vec<WireEvent>>,
    /// Each link's two ends.
    links: FxHashMap<LinkId, (SteamId, SteamId)>,
    next_link: u64,
}

impl Switch {
    fn deliver(&mut self, from: SteamId, link: LinkId, event: WireEvent) {
        let Some(&(a, b)) = self.links.get(&link) else {
            return;
        };
        let to = if from == a { b } else { a };
        if let Some(inbox) = self.inboxes.get_mut(&to) {
            inbox.push(event);
        }
    }
}

/// The wire of one user of a [`MemoryNetwork`].
pub struct MemoryWire {
    me: SteamId,
    switch: Arc<Mutex<Switch>>,
}

impl Wire for MemoryWire {
    fn open(&mut self, remote: SteamId, virtual_port: i32) -> Result<LinkId, String> {
        let mut switch = self.switch.lock();
        let link = LinkId(switch.next_link);
        let Some(inbox) = switch.inboxes.get_mut(&remote) else {
            return Err(format!("{remote} is not on this network"));
        };
        inbox.push(WireEvent::Opened {
            link,
            from: self.me,
            virtual_port,
            version: WIRE_VERSION,
        });
        switch.next_link += 1;
        switch.links.insert(link, (self.me, remote));
        Ok(link)
    }

    fn send_accept(&mut self, link: LinkId) {
        self.switch
            .lock()
            .deliver(self.me, link, WireEvent::Accepted { link });
    }

    fn send_message(&mut self, link: LinkId, lane: u16, reliable: bool, parts: [&[u8]; 2]) {
        let data = parts.concat();
        let event = WireEvent::Message {
            link,
            lane,
            reliable,
            data,
        };
        self.switch.lock().deliver(self.me, link, event);
    }

    fn send_close(&mut self, link: LinkId, reason: i32, debug: &str, _discard: bool) {
        let mut switch = self.switch.lock();
        let debug = debug.to_owned();
        switch.deliver(
            self.me,
            link,
            WireEvent::Closed {
                link,
                reason,
                debug,
            },
        );
        switch.links.remove(&link);
    }

    fn poll(&mut self, _now: Instant, events: &mut Vec<WireEvent>) {
        if let Some(inbox) = self.switch.lock().inboxes.get_mut(&self.me) {
            events.append(inbox);
        }
    }
}

/// Users joined by memory.
#[derive(Default)]
pub struct MemoryNetwork {
    switch: Arc<Mutex<Switch>>,
    endpoints: HashMap<SteamId, SharedEndpoint<MemoryWire>>,
}

impl MemoryNetwork {
    /// An empty network.
    pub fn new() -> Self {
        MemoryNetwork::default()
    }

    /// Adds the user `user`, receiving with `faults`.
    pub fn add_user(&mut self, user: SteamId, faults: FaultConfig) {
        self.switch.lock().inboxes.insert(user, Vec::new());
        let wire = MemoryWire {
            me: user,
            switch: Arc::clone(&self.switch),
        };
        let endpoint = Endpoint::new(user, wire, faults);
        self.endpoints.insert(user, Arc::new(Mutex::new(endpoint)));
    }

    /// A new view of `user`'s sockets, as a peer would hold.
    ///
    /// # Panics
    /// When `user` was never added.
    pub fn sockets(&self, user: SteamId) -> EmulatedSockets<MemoryWire> {
        EmulatedSockets::new(Arc::clone(&self.endpoints[&user]))
    }

    /// Takes `user` off the network at once, as if its process died: its links are lost.
    pub fn remove_user(&mut self, user: SteamId) {
        let mut switch = self.switch.lock();
        switch.inboxes.remove(&user);
        let links: Vec<(LinkId, SteamId)> = switch
            .links
            .iter()
            .filter_map(|(&link, &(a, b))| match (a == user, b == user) {
                (true, _) => Some((link, b)),
                (_, true) => Some((link, a)),
                _ => None,
            })
            .collect();
        for (link, other) in links {
            switch.links.remove(&link);
            if let Some(inbox) = switch.inboxes.get_mut(&other) {
                let debug = format!("{user} vanished");
                inbox.push(WireEvent::Lost { link, debug });
            }
        }
        drop(switch);
        self.endpoints.remove(&user);
    }
}
