//! The bounded queue both backends keep their [`SteamEvent`]s in until the game drains them.

use std::collections::VecDeque;

use log::warn;

use crate::types::SteamEvent;

/// Events kept for a game that never dispatches them.
pub(crate) const MAX_QUEUED_EVENTS: usize = 4096;

/// Events waiting for [`crate::SteamApi::drain_events`], oldest first, at most
/// [`MAX_QUEUED_EVENTS`]: past that the oldest are dropped.
#[derive(Default)]
pub(crate) struct EventQueue {
    events: VecDeque<SteamEvent>,
    warned: bool,
}

impl EventQueue {
    /// Queues `event`, dropping the oldest when full.
    pub(crate) fn push(&mut self, event: SteamEvent) {
        if self.events.len() >= MAX_QUEUED_EVENTS {
            self.events.pop_front();
            if !self.warned {
                self.warned = true;
                warn!(
                    "Steam callbacks are piling up: call Steam.run_callbacks() every frame, or enable embedded callbacks"
                );
            }
        }
        self.events.push_back(event);
    }

    /// Moves every queued event into `out`, oldest first.
    pub(crate) fn drain_into(&mut self, out: &mut Vec<SteamEvent>) {
        out.extend(self.events.drain(..));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::SteamId;

    #[test]
    fn the_queue_is_bounded_and_keeps_the_newest() {
        let mut queue = EventQueue::default();
        for n in 0..MAX_QUEUED_EVENTS + 10 {
            queue.push(SteamEvent::P2PSessionRequest {
                remote: SteamId(n as u64),
            });
        }
        let mut out = Vec::new();
        queue.drain_into(&mut out);
        assert_eq!(out.len(), MAX_QUEUED_EVENTS);
        assert_eq!(
            out[0],
            SteamEvent::P2PSessionRequest {
                remote: SteamId(10)
            }
        );
        queue.drain_into(&mut out);
        assert_eq!(out.len(), MAX_QUEUED_EVENTS);
    }
}
