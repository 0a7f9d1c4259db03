//! What a pump does: wire events in through the conditioner, probes out, and the timeouts
//! that end connections.

use std::time::Instant;

use smp_protocol::{ConnectionId, SteamId};

use super::{CONNECT_TIMEOUT, CONNECTED_TIMEOUT, Conn, Endpoint};
use crate::emulated::traffic::PROBE_LANE;
use crate::emulated::wire::{LinkId, WIRE_VERSION, Wire, WireEvent};
use crate::end_reason;
use crate::sockets::{ConnectionState, ReceivedMessage};

impl<W: Wire> Endpoint<W> {
    /// See [`crate::Sockets::pump`].
    pub fn pump(&mut self, now: Instant) {
        let mut arrived = std::mem::take(&mut self.arrived);
        let mut released = std::mem::take(&mut self.released);
        self.wire.poll(now, &mut arrived);
        for event in arrived.drain(..) {
            let link = event.link();
            let delivery = self.conditioner.admit(event, now, &mut released);
            if let Some(conn) = self
                .by_link
                .get(&link)
                .and_then(|id| self.conns.get_mut(id))
            {
                conn.traffic.delivery(delivery.delivered, delivery.lost);
            }
        }
        self.conditioner.release(now, &mut released);
        for event in released.drain(..) {
            self.on_wire_event(event, now);
        }
        self.arrived = arrived;
        self.released = released;
        self.expire(now);
        self.probe(now);
        // What the events above made us send (probe answers, data queued for a connection
        // that just opened) leaves now, not a frame later.
        self.wire.flush_all();
    }

    /// Sends each connected connection's probe when it is due.
    fn probe(&mut self, now: Instant) {
        let clock_us = self.clock_us(now);
        for conn in self.conns.values_mut() {
            let (ConnectionState::Connected, Some(link)) = (conn.state, conn.link) else {
                continue;
            };
            if let Some(probe) = conn.traffic.tick(now, clock_us) {
                self.wire
                    .send_message(link, PROBE_LANE, false, [&probe, &[]]);
                conn.traffic.sent(probe.len());
            }
        }
    }

    fn clock_us(&self, now: Instant) -> u64 {
        let elapsed = now.saturating_duration_since(self.epoch).as_micros();
        u64::try_from(elapsed).unwrap_or(u64::MAX)
    }

    fn on_wire_event(&mut self, event: WireEvent, now: Instant) {
        let conn = self.by_link.get(&event.link()).copied();
        match (event, conn) {
            (
                WireEvent::Opened {
                    link,
                    from,
                    virtual_port,
                    version,
                },
                None,
            ) => {
                self.on_opened(link, from, virtual_port, version, now);
            }
            (WireEvent::Accepted { .. }, Some(id)) => {
                let conn = self.conns.get_mut(&id).expect("linked");
                if conn.state == ConnectionState::Connecting && conn.listen.is_none() {
                    let link = conn.link.expect("linked");
                    for (lane, data) in std::mem::take(&mut conn.queued) {
                        self.wire.send_message(link, lane, true, [&data, &[]]);
                    }
                    self.set_state(id, ConnectionState::Connected, 0, "");
                }
            }
            (
                WireEvent::Message {
                    lane,
                    reliable,
                    data,
                    ..
                },
                Some(id),
            ) => {
                let clock_us = self.clock_us(now);
                let conn = self.conns.get_mut(&id).expect("linked");
                if conn.state != ConnectionState::Connected {
                    return;
                }
                conn.deadline = Some(now + CONNECTED_TIMEOUT);
                conn.traffic.received(data.len());
                if lane == PROBE_LANE {
                    if let (Some(answer), Some(link)) =
                        (conn.traffic.on_probe(&data, clock_us), conn.link)
                    {
                        self.wire
                            .send_message(link, PROBE_LANE, false, [&answer, &[]]);
                        conn.traffic.sent(answer.len());
                    }
                    return;
                }
                if let Some(queues) = self.owners.get_mut(&conn.owner) {
                    queues.messages.push_back(ReceivedMessage {
                        conn: id,
                        lane,
                        reliable,
                        data,
                    });
                }
            }
            (
                WireEvent::Closed {
                    link,
                    reason,
                    debug,
                },
                Some(id),
            ) => {
                self.unlink(link, id);
                self.set_state(id, ConnectionState::ClosedByPeer, reason, &debug);
            }
            (WireEvent::Lost { link, debug }, Some(id)) => {
                self.unlink(link, id);
                self.set_state(
                    id,
                    ConnectionState::ProblemDetectedLocally,
                    end_reason::MISC_TIMEOUT,
                    &debug,
                );
            }
            _ => {}
        }
    }

    fn on_opened(
        &mut self,
        link: LinkId,
        from: SteamId,
        virtual_port: i32,
        version: u8,
        now: Instant,
    ) {
        if version != WIRE_VERSION {
            let debug =
                format!("local mode wire version {version}; this instance speaks {WIRE_VERSION}");
            self.wire
                .send_close(link, end_reason::REMOTE_BAD_PROTOCOL_VERSION, &debug, false);
            return;
        }
        let Some((socket, owner)) = self
            .listen_sockets
            .iter()
            .find(|(_, socket)| socket.virtual_port == virtual_port)
            .map(|(&id, socket)| (id, socket.owner))
        else {
            let debug = format!(
                "{} does not listen on virtual port {virtual_port}",
                self.identity
            );
            self.wire
                .send_close(link, end_reason::MISC_GENERIC, &debug, false);
            return;
        };
        let id = ConnectionId(self.next_handle());
        let deadline = Some(now + CONNECT_TIMEOUT);
        self.conns.insert(
            id,
            Conn::new(owner, from, Some(link), Some(socket), deadline),
        );
        self.by_link.insert(link, id);
        self.set_state(id, ConnectionState::Connecting, 0, "");
    }

    /// Ends connections that took too long to connect, or have heard nothing for too long.
    fn expire(&mut self, now: Instant) {
        let mut expired = Vec::new();
        for (&id, conn) in &mut self.conns {
            let timeout = match conn.state {
                ConnectionState::Connecting => CONNECT_TIMEOUT,
                ConnectionState::Connected => CONNECTED_TIMEOUT,
                _ => continue,
            };
            match conn.deadline {
                None => conn.deadline = Some(now + timeout),
                Some(deadline) if now >= deadline => expired.push((id, conn.state)),
                Some(_) => {}
            }
        }
        for (id, state) in expired {
            let (close, debug) = if state == ConnectionState::Connecting {
                let debug = format!("no answer within {} s", CONNECT_TIMEOUT.as_secs());
                ("timed out connecting", debug)
            } else {
                let debug = format!("nothing heard for {} s", CONNECTED_TIMEOUT.as_secs());
                ("timed out: nothing heard", debug)
            };
            if let Some(link) = self.conns[&id].link {
                self.unlink(link, id);
                self.wire
                    .send_close(link, end_reason::MISC_TIMEOUT, close, true);
            }
            self.set_state(
                id,
                ConnectionState::ProblemDetectedLocally,
                end_reason::MISC_TIMEOUT,
                &debug,
            );
        }
    }
}
