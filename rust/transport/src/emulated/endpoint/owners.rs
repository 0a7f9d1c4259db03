//! The views of an endpoint (its owners): their coming and going, what each receives, whom
//! each admits, and the faults their options ask for.

use smp_protocol::SteamId;

use super::{Endpoint, OwnerId, OwnerQueues, keys_where};
use crate::emulated::wire::Wire;
use crate::end_reason;
use crate::options::{ConfigOption, faults_with};
use crate::sockets::{ReceivedMessage, StatusChange};

impl<W: Wire> Endpoint<W> {
    /// Makes `owner`'s peer options set the faults (the latest owner to set any wins), or with
    /// `None` stops them; once no owner sets any, the faults the endpoint started with apply.
    pub fn set_owner_faults(&mut self, owner: OwnerId, options: &[ConfigOption]) {
        self.owner_faults.retain(|(held_by, _)| *held_by != owner);
        if let Some(faults) = faults_with(&self.base_faults, options) {
            self.owner_faults.push((owner, faults));
        }
        self.apply_owner_faults();
    }

    fn apply_owner_faults(&mut self) {
        let faults = self
            .owner_faults
            .last()
            .map_or(self.base_faults, |(_, faults)| *faults);
        self.conditioner.set_config(faults);
    }

    /// A new view of the endpoint, with its own listen sockets, connections and queues.
    pub fn add_owner(&mut self) -> OwnerId {
        let owner = OwnerId(self.next_owner);
        self.next_owner += 1;
        self.owners.insert(owner, OwnerQueues::default());
        owner
    }

    /// Closes everything `owner` holds and forgets it.
    pub fn remove_owner(&mut self, owner: OwnerId) {
        if self
            .owner_faults
            .iter()
            .any(|(held_by, _)| *held_by == owner)
        {
            self.owner_faults.retain(|(held_by, _)| *held_by != owner);
            self.apply_owner_faults();
        }
        for socket in keys_where(&self.listen_sockets, |socket| socket.owner == owner) {
            self.close_listen(owner, socket);
        }
        for conn in keys_where(&self.conns, |conn| conn.owner == owner) {
            self.close(
                owner,
                conn,
                end_reason::APP_GENERIC,
                "the peer was freed",
                false,
            );
        }
        self.owners.remove(&owner);
    }

    /// See [`crate::Sockets::receive`].
    pub fn receive(&mut self, owner: OwnerId, out: &mut Vec<ReceivedMessage>, max: usize) {
        if let Some(queues) = self.owners.get_mut(&owner) {
            let count = max.min(queues.messages.len());
            out.extend(queues.messages.drain(..count));
        }
    }

    /// See [`crate::Sockets::next_status_change`].
    pub fn next_status_change(&mut self, owner: OwnerId) -> Option<StatusChange> {
        self.owners.get_mut(&owner)?.status.pop_front()
    }

    /// See [`crate::Sockets::admit_only`]. The wire learns who may reach any listen socket.
    pub fn admit_only(&mut self, owner: OwnerId, remotes: Option<&[SteamId]>) {
        if let Some(queues) = self.owners.get_mut(&owner) {
            queues.admitted = remotes.map(<[SteamId]>::to_vec);
        }
        self.tell_wire_who_is_admitted();
    }

    pub(super) fn tell_wire_who_is_admitted(&mut self) {
        let mut union = Vec::new();
        for socket in self.listen_sockets.values() {
            match self.owners.get(&socket.owner).map(|q| &q.admitted) {
                Some(Some(remotes)) => union.extend_from_slice(remotes),
                _ => return self.wire.admit_only(None),
            }
        }
        self.wire.admit_only(Some(&union));
    }
}
