//! Networking messages (`ISteamNetworkingMessages`): GodotSteam's functions and send flags.
//! Sessions work as the legacy P2P API's do: a user's first message asks for a session, and
//! what they send is readable once it is accepted.

use godot::prelude::*;
use smp_steam::messages::{ChannelMessage, SessionInfo};

use super::{Steam, user_id};
use crate::packet_peer::SteamPacketPeer;

/// Most messages one [method Steam.receiveMessagesOnChannel] call hands out, whatever it asks.
const MAX_MESSAGES_PER_CALL: i64 = 4096;

#[godot_api(secondary)]
impl Steam {
    /// [method sendMessageToUser] flags: unreliable; may be lost, arrive out of order or twice.
    #[constant]
    const NETWORKING_SEND_UNRELIABLE: i64 = 0;
    /// [method sendMessageToUser] flag: send at once, without waiting a few milliseconds to
    /// coalesce with later messages.
    #[constant]
    const NETWORKING_SEND_NO_NAGLE: i64 = 1;
    /// [method sendMessageToUser] flags: unreliable, sent at once (GodotSteam's spelling).
    #[constant]
    const NETWORKING_SEND_URELIABLE_NO_NAGLE: i64 = 1;
    /// [method sendMessageToUser] flag: an unreliable message that cannot go out at once (the
    /// session is not up yet, or congested) is dropped instead of queued.
    #[constant]
    const NETWORKING_SEND_NO_DELAY: i64 = 4;
    /// [method sendMessageToUser] flags: unreliable, dropped rather than queued, sent at once.
    #[constant]
    const NETWORKING_SEND_UNRELIABLE_NO_DELAY: i64 = 5;
    /// [method sendMessageToUser] flags: reliable, and in order on its channel; up to 524288
    /// bytes.
    #[constant]
    const NETWORKING_SEND_RELIABLE: i64 = 8;
    /// [method sendMessageToUser] flags: reliable, sent at once.
    #[constant]
    const NETWORKING_SEND_RELIABLE_NO_NAGLE: i64 = 9;
    /// [method sendMessageToUser] flag: Steam sends from the calling thread (no effect in local
    /// mode).
    #[constant]
    const NETWORKING_SEND_USE_CURRENT_THREAD: i64 = 16;
    /// [method sendMessageToUser] flag: a session that failed is started again instead of the
    /// send returning [constant RESULT_NO_CONNECTION]. Local mode always starts it again.
    #[constant]
    const NETWORKING_SEND_AUTORESTART_BROKEN_SESSION: i64 = 32;

    /// Sends [param data] to user [param remote_steam_id] on [param channel] (read there with
    /// [method receiveMessagesOnChannel] on the same channel), with [param flags], a sum of
    /// `NETWORKING_SEND_*` constants. The first message opens a session: the other end gets
    /// [signal network_messages_session_request]; if it cannot be reached we get
    /// [signal network_messages_session_failed]. Sending to a user accepts their session.
    ///
    /// Returns Steam's [code]EResult[/code]: [constant RESULT_OK] when sent (not yet
    /// received); [constant RESULT_INVALID_PARAM] for a message over 524288 bytes (524283
    /// unreliable in local mode) or to ourselves; [constant RESULT_NO_CONNECTION] when the user
    /// cannot be reached.
    #[func(rename = sendMessageToUser)]
    fn send_message_to_user(
        &mut self,
        remote_steam_id: i64,
        data: PackedByteArray,
        flags: i64,
        channel: i64,
    ) -> i64 {
        let Some(user) = user_id("sendMessageToUser", remote_steam_id) else {
            return i64::from(smp_steam::result::INVALID_PARAM);
        };
        let channel = i32::try_from(channel).unwrap_or(i32::MIN);
        let flags = u32::try_from(flags).unwrap_or(0);
        self.with_api("sendMessageToUser", 0, |api| {
            i64::from(api.networking_messages().send_message_to_user(
                user,
                data.as_slice(),
                flags,
                channel,
            ))
        })
    }

    /// Takes up to [param max_messages] (at most 4096) messages that arrived on
    /// [param channel] from accepted sessions, oldest first: an Array of Dictionaries with
    /// [code]payload[/code] (PackedByteArray), [code]size[/code], [code]identity[/code] (the
    /// sender's Steam id), [code]channel[/code], [code]flags[/code]
    /// ([constant NETWORKING_SEND_RELIABLE] or [constant NETWORKING_SEND_UNRELIABLE]),
    /// [code]message_number[/code], [code]time_received[/code] (µs, Steam's clock),
    /// [code]connection[/code], [code]receiver_user_data[/code] and
    /// [code]sender_user_data[/code] (0). Empty when none wait.
    #[func(rename = receiveMessagesOnChannel)]
    fn receive_messages_on_channel(&mut self, channel: i64, max_messages: i64) -> VarArray {
        let channel = i32::try_from(channel).unwrap_or(i32::MIN);
        let max = max_messages.clamp(0, MAX_MESSAGES_PER_CALL) as usize;
        let messages = self.with_api("receiveMessagesOnChannel", Vec::new(), |api| {
            api.networking_messages()
                .receive_messages_on_channel(channel, max)
        });
        messages.iter().map(message_dictionary).collect()
    }

    /// Accepts the networking-messages session of user [param remote_steam_id], usually after
    /// [signal network_messages_session_request]: what they sent and send becomes readable.
    /// Returns [code]false[/code] when the user has no session with us.
    #[func(rename = acceptSessionWithUser)]
    fn accept_session_with_user(&mut self, remote_steam_id: i64) -> bool {
        let Some(user) = user_id("acceptSessionWithUser", remote_steam_id) else {
            return false;
        };
        self.with_api("acceptSessionWithUser", false, |api| {
            api.networking_messages().accept_session_with_user(user)
        })
    }

    /// Ends the networking-messages session with user [param remote_steam_id]: their unread
    /// messages are dropped, and what they send next asks for a session again. Returns
    /// [code]false[/code] when there was none.
    #[func(rename = closeSessionWithUser)]
    fn close_session_with_user(&mut self, remote_steam_id: i64) -> bool {
        let Some(user) = user_id("closeSessionWithUser", remote_steam_id) else {
            return false;
        };
        self.with_api("closeSessionWithUser", false, |api| {
            api.networking_messages().close_session_with_user(user)
        })
    }

    /// Closes [param channel] of the session with user [param remote_steam_id]; closing the last
    /// open channel closes the session. Returns [code]false[/code] when there was no such
    /// session or channel.
    #[func(rename = closeChannelWithUser)]
    fn close_channel_with_user(&mut self, remote_steam_id: i64, channel: i64) -> bool {
        let Some(user) = user_id("closeChannelWithUser", remote_steam_id) else {
            return false;
        };
        let channel = i32::try_from(channel).unwrap_or(i32::MIN);
        self.with_api("closeChannelWithUser", false, |api| {
            api.networking_messages()
                .close_channel_with_user(user, channel)
        })
    }

    /// The session with user [param remote_steam_id], for debugging: always
    /// [code]connection_state[/code] (an [code]ESteamNetworkingConnectionState[/code], 0 when
    /// there is no session); with [param get_connection] also [code]identity[/code],
    /// [code]user_data[/code], [code]listen_socket[/code], [code]remote_address[/code],
    /// [code]remote_pop[/code], [code]pop_relay[/code], [code]end_reason[/code],
    /// [code]end_debug[/code], [code]debug_description[/code] and [code]info_flags[/code]; with
    /// [param get_status] also [code]state[/code], [code]ping[/code] (ms),
    /// [code]local_quality[/code], [code]remote_quality[/code], packets and bytes per second
    /// each way, [code]send_rate[/code], [code]pending_unreliable[/code],
    /// [code]pending_reliable[/code], [code]sent_unacknowledged_reliable[/code] and
    /// [code]queue_time[/code] (µs), zeros until the session is up, as
    /// [method SteamPacketPeer.get_connection_quality] has them. GodotSteam's keys.
    #[func(rename = getSessionConnectionInfo)]
    fn get_session_connection_info(
        &mut self,
        remote_steam_id: i64,
        get_connection: bool,
        get_status: bool,
    ) -> VarDictionary {
        let Some(user) = user_id("getSessionConnectionInfo", remote_steam_id) else {
            return session_dictionary(None, get_connection, get_status);
        };
        let info = self.with_api("getSessionConnectionInfo", None, |api| {
            api.networking_messages().session_connection_info(user)
        });
        session_dictionary(info.as_ref(), get_connection, get_status)
    }
}

fn message_dictionary(message: &ChannelMessage) -> Variant {
    let mut out = VarDictionary::new();
    out.set("payload", &PackedByteArray::from(message.data.as_slice()));
    out.set("size", message.data.len() as i64);
    out.set("connection", 0);
    out.set("identity", message.sender.0 as i64);
    out.set("receiver_user_data", 0);
    out.set("time_received", message.time_received_usec);
    out.set("message_number", message.message_number);
    out.set("channel", i64::from(message.channel));
    out.set(
        "flags",
        i64::from(message.reliable) * Steam::NETWORKING_SEND_RELIABLE,
    );
    out.set("sender_user_data", 0);
    out.to_variant()
}

fn session_dictionary(
    info: Option<&SessionInfo>,
    get_connection: bool,
    get_status: bool,
) -> VarDictionary {
    let mut out = VarDictionary::new();
    let state = info.map_or(0, |info| info.state as i64);
    out.set("connection_state", state);
    let Some(info) = info else {
        return out;
    };
    if get_connection {
        out.set("identity", info.remote.0 as i64);
        out.set("user_data", 0);
        out.set("listen_socket", 0);
        out.set("remote_address", "");
        out.set("remote_pop", 0);
        out.set("pop_relay", 0);
        out.set("end_reason", i64::from(info.end_reason));
        out.set("end_debug", info.end_debug.as_str());
        out.set("debug_description", info.description.as_str());
        out.set("info_flags", i64::from(info.flags));
    }
    if get_status {
        out.set("state", state);
        let quality = SteamPacketPeer::quality_dictionary(Some(info.quality.unwrap_or_default()));
        out.extend_dictionary(&quality, true);
    }
    out
}
