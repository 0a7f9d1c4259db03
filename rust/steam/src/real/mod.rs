//! Steam itself, through Steamworks (the `steamworks` crate, SDK 1.64).
//!
//! Most calls go to Steam's flat C API directly (`steamworks::sys`): the crate's safe
//! wrappers panic on some inputs a game can pass and lack a few calls. The crate provides
//! initialization, callback registration and dispatch (manual dispatch, in
//! [`SteamApi::pump`] and every networking-sockets view's `pump`), and the two call results
//! (`CreateLobby`, `RequestLobbyList`), which only its wrappers can receive.

mod convert;
mod debug_output;
mod dispatch;
mod events;
mod init_error;
mod matchmaking;
mod messages;
mod networking;
mod p2p;
mod sockets;
mod user;

use std::ffi::{CStr, c_char};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::Mutex;
use smp_transport::Sockets;
use smp_transport::emulated::EmulatedSockets;
use steamworks::{CallbackHandle, Client, sys};

use crate::api::{NetworkingMessages, SteamApi};
use crate::event_queue::EventQueue;
use crate::p2p_transport::{self, P2PEndpoint};
use crate::types::{
    LobbyFilter, LobbyId, LobbyType, P2PSend, P2PSessionState, SteamEvent, SteamId,
};
pub use debug_output::STEAM_OUTPUT_TARGET;
use dispatch::Dispatcher;
use events::SharedQueue;
pub use init_error::InitError;
use matchmaking::Matchmaking;
use messages::Messages;
use networking::{Networking, SessionRequests};
use p2p::SteamP2P;
use sockets::NetworkingSockets;
use user::User;

/// Set while a [`RealSteam`] exists: Steam is initialized once per process.
static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// True when Steam is initialized in this process, as a client or a game server.
///
/// The pipe handles are process-wide and 0 until an init succeeds: with ours not yet
/// initialized, a non-zero pipe means another integration's. This only sees integrations that
/// share our `steam_api` library, which the dynamic loader ensures when they load it by the
/// same name (Linux by soname, Windows by module name).
fn steam_already_initialized() -> bool {
    // SAFETY: both only read a global of the Steam API library, initialized or not.
    unsafe { sys::SteamAPI_GetHSteamPipe() != 0 || sys::SteamGameServer_GetHSteamPipe() != 0 }
}

/// A C string Steam returned, "" for null, invalid UTF-8 replaced.
///
/// # Safety
///
/// `ptr` is null or points to a NUL-terminated string that stays valid during this call.
unsafe fn owned_str(ptr: *const c_char) -> String {
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: see above.
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

/// Steam, initialized through Steamworks: the [`SteamApi`] of a game running under the Steam
/// client. At most one exists per process; dropping it shuts Steam down (once every clone of
/// its client is gone).
pub struct RealSteam {
    // Unregisters our callbacks, before the client can shut Steam down.
    _callbacks: Vec<CallbackHandle>,
    user: User,
    matchmaking: Matchmaking,
    networking: Networking,
    messages: Messages,
    sockets: NetworkingSockets,
    /// The peers' legacy transport, made on first use.
    p2p_transport: Option<P2PEndpoint<SteamP2P>>,
    queue: SharedQueue,
    dispatcher: Dispatcher,
    client: Client,
}

impl RealSteam {
    /// Initializes Steam for `app_id`, or with 0 for the app Steam launched us as (or the one
    /// in `steam_appid.txt`).
    ///
    /// Fails with [`InitError::OtherIntegration`] when another Steam integration already
    /// initialized Steam in this process, and with [`InitError::Steam`] when Steam itself
    /// refuses (no Steam client running, for one).
    pub fn init(app_id: u32) -> Result<RealSteam, InitError> {
        if INITIALIZED.swap(true, Ordering::SeqCst) {
            return Err(InitError::AlreadyInitialized);
        }
        let steam = Self::init_unclaimed(app_id);
        if steam.is_err() {
            INITIALIZED.store(false, Ordering::SeqCst);
        }
        steam
    }

    fn init_unclaimed(app_id: u32) -> Result<RealSteam, InitError> {
        if steam_already_initialized() {
            return Err(if Dispatcher::still_in_use() {
                InitError::StillInUse
            } else {
                InitError::OtherIntegration
            });
        }
        let client = if app_id == 0 {
            Client::init()
        } else {
            Client::init_app(app_id)
        }
        .map_err(|e| {
            let (status, message) = convert::init_failure(e);
            InitError::Steam { status, message }
        })?;
        let queue: SharedQueue = Arc::new(Mutex::new(EventQueue::default()));
        let user = User::new(&client).ok_or(InitError::MissingInterface("ISteamUser"))?;
        let matchmaking = Matchmaking::new(&client, &queue)
            .ok_or(InitError::MissingInterface("ISteamMatchmaking"))?;
        let requests = SessionRequests::default();
        let networking = Networking::new(&client, requests.clone())
            .ok_or(InitError::MissingInterface("ISteamNetworking"))?;
        let messages = Messages::new(&client)
            .ok_or(InitError::MissingInterface("ISteamNetworkingMessages"))?;
        let dispatcher = Dispatcher::new(&client);
        let sockets = NetworkingSockets::new(&client, &dispatcher)
            .ok_or(InitError::MissingInterface("ISteamNetworkingSockets"))?;
        Ok(RealSteam {
            _callbacks: events::register(&client, &queue, &requests)
                .into_iter()
                .chain(messages::register(&client, &queue))
                .collect(),
            user,
            matchmaking,
            networking,
            messages,
            sockets,
            p2p_transport: None,
            queue,
            dispatcher,
            client,
        })
    }

    /// The Steamworks client, for what this backend does not cover: [`SteamApi::pump`]
    /// dispatches the callbacks registered on it too. Never call `Client::process_callbacks`
    /// on it: that runs the crate's `LobbyChatUpdate` decoder, which panics on combined
    /// member-state flags. Nor use its networking-sockets wrappers: their status-change
    /// handler and ours replace each other.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

impl Drop for RealSteam {
    fn drop(&mut self) {
        INITIALIZED.store(false, Ordering::SeqCst);
    }
}

impl SteamApi for RealSteam {
    fn steam_id(&self) -> SteamId {
        self.user.steam_id()
    }

    fn logged_on(&self) -> bool {
        self.user.logged_on()
    }

    fn persona_name(&self) -> String {
        self.user.persona_name()
    }

    fn is_subscribed(&self) -> bool {
        self.user.is_subscribed()
    }

    fn is_running_on_steam_deck(&self) -> bool {
        self.user.is_running_on_steam_deck()
    }

    fn friend_persona_name(&mut self, user: SteamId) -> String {
        self.user.friend_persona_name(user)
    }

    fn activate_invite_dialog(&mut self, lobby: LobbyId) {
        self.user.activate_invite_dialog(lobby);
    }

    fn create_lobby(&mut self, kind: LobbyType, max_members: u32) {
        self.matchmaking.create_lobby(kind, max_members);
    }

    fn join_lobby(&mut self, lobby: LobbyId) {
        self.matchmaking.join_lobby(lobby);
    }

    fn leave_lobby(&mut self, lobby: LobbyId) {
        self.matchmaking.leave_lobby(lobby);
    }

    fn lobby_owner(&self, lobby: LobbyId) -> SteamId {
        self.matchmaking.owner(lobby)
    }

    fn set_lobby_owner(&mut self, lobby: LobbyId, owner: SteamId) -> bool {
        self.matchmaking.set_owner(lobby, owner)
    }

    fn lobby_member_count(&self, lobby: LobbyId) -> usize {
        self.matchmaking.member_count(lobby)
    }

    fn lobby_member(&self, lobby: LobbyId, index: usize) -> SteamId {
        self.matchmaking.member(lobby, index)
    }

    fn set_lobby_data(&mut self, lobby: LobbyId, key: &str, value: &str) -> bool {
        self.matchmaking.set_data(lobby, key, value)
    }

    fn lobby_data(&self, lobby: LobbyId, key: &str) -> String {
        self.matchmaking.data(lobby, key)
    }

    fn delete_lobby_data(&mut self, lobby: LobbyId, key: &str) -> bool {
        self.matchmaking.delete_data(lobby, key)
    }

    fn all_lobby_data(&self, lobby: LobbyId) -> Vec<(String, String)> {
        self.matchmaking.all_data(lobby)
    }

    fn set_lobby_member_data(&mut self, lobby: LobbyId, key: &str, value: &str) {
        self.matchmaking.set_member_data(lobby, key, value);
    }

    fn lobby_member_data(&self, lobby: LobbyId, member: SteamId, key: &str) -> String {
        self.matchmaking.member_data(lobby, member, key)
    }

    fn set_lobby_joinable(&mut self, lobby: LobbyId, joinable: bool) -> bool {
        self.matchmaking.set_joinable(lobby, joinable)
    }

    fn set_lobby_type(&mut self, lobby: LobbyId, kind: LobbyType) -> bool {
        self.matchmaking.set_type(lobby, kind)
    }

    fn set_lobby_member_limit(&mut self, lobby: LobbyId, limit: u32) -> bool {
        self.matchmaking.set_member_limit(lobby, limit)
    }

    fn lobby_member_limit(&self, lobby: LobbyId) -> u32 {
        self.matchmaking.member_limit(lobby)
    }

    fn request_lobby_list(&mut self, filter: LobbyFilter) {
        self.matchmaking.request_lobby_list(filter);
    }

    fn send_lobby_chat_message(&mut self, lobby: LobbyId, message: &str) -> bool {
        self.matchmaking.send_chat_message(lobby, message)
    }

    fn send_p2p_packet(
        &mut self,
        remote: SteamId,
        data: &[u8],
        send: P2PSend,
        channel: i32,
    ) -> bool {
        self.networking.send(remote, data, send, channel)
    }

    fn available_p2p_packet_size(&mut self, channel: i32) -> Option<usize> {
        self.networking.available(channel)
    }

    fn read_p2p_packet(&mut self, max_size: usize, channel: i32) -> Option<(Vec<u8>, SteamId)> {
        self.networking.read(max_size, channel)
    }

    fn accept_p2p_session(&mut self, remote: SteamId) -> bool {
        self.networking.accept(remote)
    }

    fn close_p2p_session(&mut self, remote: SteamId) -> bool {
        self.networking.close_session(remote)
    }

    fn close_p2p_channel(&mut self, remote: SteamId, channel: i32) -> bool {
        self.networking.close_channel(remote, channel)
    }

    fn p2p_session_state(&self, remote: SteamId) -> Option<P2PSessionState> {
        self.networking.state(remote)
    }

    fn allow_p2p_packet_relay(&mut self, allow: bool) -> bool {
        self.networking.allow_relay(allow)
    }

    fn networking_messages(&mut self) -> &mut dyn NetworkingMessages {
        &mut self.messages
    }

    fn init_relay_network_access(&mut self) {
        self.networking.init_relay_network_access();
    }

    fn relay_network_status(&self) -> i32 {
        self.networking.relay_network_status()
    }

    fn open_sockets(&self) -> Result<Box<dyn Sockets>, String> {
        let view = self.sockets.open(self.user.steam_id())?;
        Ok(Box::new(view))
    }

    fn hook_debug_output(&mut self, verbose: bool) {
        debug_output::hook(&self.client, verbose);
    }

    fn open_p2p_sockets(&mut self) -> Result<Box<dyn Sockets>, String> {
        let (identity, networking, dispatcher) =
            (self.user.steam_id(), &self.networking, &self.dispatcher);
        let endpoint = self.p2p_transport.get_or_insert_with(|| {
            p2p_transport::endpoint(SteamP2P::new(
                identity,
                networking.clone(),
                dispatcher.clone(),
            ))
        });
        Ok(Box::new(EmulatedSockets::new(endpoint.clone())))
    }

    fn pump(&mut self) {
        self.dispatcher.run();
    }

    fn drain_events(&mut self, events: &mut Vec<SteamEvent>) {
        self.queue.lock().drain_into(events);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::InitStatus;

    /// Runs against whatever Steam this machine has: with no client (every machine we test
    /// on), init fails with Steam's message; where a client runs and the app is known, it
    /// succeeds and a second init is refused.
    #[test]
    fn init_without_a_steam_client_fails_cleanly() {
        assert!(!steam_already_initialized());
        match RealSteam::init(0) {
            Err(InitError::Steam { status, message }) => {
                assert_ne!(status, InitStatus::Ok);
                assert!(!message.is_empty());
                assert!(!steam_already_initialized());
                // A failed init leaves the way open for another attempt.
                assert!(!matches!(
                    RealSteam::init(0),
                    Err(InitError::AlreadyInitialized)
                ));
            }
            Err(other) => panic!("unexpected init failure: {other}"),
            Ok(steam) => {
                assert!(matches!(
                    RealSteam::init(0),
                    Err(InitError::AlreadyInitialized)
                ));
                let mut events = Vec::new();
                let mut steam = steam;
                steam.pump();
                steam.drain_events(&mut events);
                assert!(steam.open_sockets().is_ok());
            }
        }
    }
}
