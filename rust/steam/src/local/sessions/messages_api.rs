//! The networking-messages sessions as the `Steam` singleton's calls use them.

use smp_protocol::SteamId;

use super::Sessions;
use crate::api::NetworkingMessages;
use crate::messages::{ChannelMessage, SessionInfo};

impl NetworkingMessages for Sessions {
    fn send_message_to_user(
        &mut self,
        remote: SteamId,
        data: &[u8],
        flags: u32,
        channel: i32,
    ) -> i32 {
        self.send_message(remote, data, flags, channel)
    }

    fn receive_messages_on_channel(&mut self, channel: i32, max: usize) -> Vec<ChannelMessage> {
        self.receive_messages(channel, max)
    }

    fn accept_session_with_user(&mut self, remote: SteamId) -> bool {
        self.accept(remote)
    }

    fn close_session_with_user(&mut self, remote: SteamId) -> bool {
        self.close_session(remote)
    }

    fn close_channel_with_user(&mut self, remote: SteamId, channel: i32) -> bool {
        self.close_channel(remote, channel)
    }

    fn session_connection_info(&self, remote: SteamId) -> Option<SessionInfo> {
        self.session_info(remote)
    }
}
