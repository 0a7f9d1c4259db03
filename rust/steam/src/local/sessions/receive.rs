//! What arrives on a session's connection: pieces put back together, and packets held until
//! the game accepts the session.

use std::collections::VecDeque;

use log::debug;
use smp_transport::ReceivedMessage;

use super::{Arrived, REQUEST_AGAIN, Sessions};
use crate::local::frame::parse;
use crate::types::SteamEvent;

impl Sessions {
    /// Takes one message of a session's connection: the packet it completes becomes readable,
    /// or waits for the game to accept the session (which it is asked to, again now and then).
    pub(super) fn on_message(
        &mut self,
        message: ReceivedMessage,
        events: &mut VecDeque<SteamEvent>,
    ) {
        let Some(&remote) = self.by_conn.get(&message.conn) else {
            return;
        };
        let Some((channel, more, end)) = parse(&message.data) else {
            debug!("dropped a malformed packet from {remote}");
            return;
        };
        // The piece's bytes start the message: cut the trailer off, keep the buffer.
        let mut payload = message.data;
        payload.truncate(end);
        let session = self.sessions.entry(remote).or_default();
        // A connection the remote dialled is up once data arrives on it.
        if session.conn == Some(message.conn) && !session.connected {
            session.connected = true;
        }
        let max_buffered = self.api.max_buffered();
        let complete = if message.reliable {
            let partial: usize = session.partial.values().map(Vec::len).sum();
            if partial + payload.len() > max_buffered {
                debug!(
                    "dropped a packet from {remote} that grew past {} bytes",
                    self.api.max_size(true)
                );
                session.partial.clear();
                return;
            }
            match session.partial.remove(&channel) {
                None if !more => payload,
                earlier => {
                    let mut buffer = earlier.unwrap_or_default();
                    buffer.extend_from_slice(&payload);
                    if more {
                        session.partial.insert(channel, buffer);
                        return;
                    }
                    buffer
                }
            }
        } else {
            payload
        };
        session.channels.insert(channel);
        session.received += 1;
        let arrived = Arrived {
            from: remote,
            data: complete,
            reliable: message.reliable,
            number: session.received,
            at: self.now,
        };
        if session.accepted {
            self.readable.entry(channel).or_default().push_back(arrived);
            return;
        }
        let held: usize = session.held.iter().map(|(_, held)| held.data.len()).sum();
        if held + arrived.data.len() > max_buffered {
            debug!("dropped a packet from {remote}: too much waits for the session to be accepted");
            return;
        }
        session.held.push((channel, arrived));
        if session
            .requested_at
            .is_none_or(|at| self.now >= at + REQUEST_AGAIN)
        {
            session.requested_at = Some(self.now);
            events.push_back(self.api.request(remote));
        }
    }
}
