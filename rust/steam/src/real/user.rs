//! The local user (`ISteamUser`), friends (`ISteamFriends`), and what `ISteamApps` and
//! `ISteamUtils` say of the app and the machine.

use steamworks::{Client, sys};

use super::owned_str;
use crate::types::{LobbyId, SteamId};

/// `ISteamUser`, `ISteamFriends`, `ISteamApps` and `ISteamUtils`, through the flat API.
pub struct User {
    /// Valid while `_client` keeps Steam initialized.
    user: *mut sys::ISteamUser,
    /// Valid while `_client` keeps Steam initialized.
    friends: *mut sys::ISteamFriends,
    /// Valid while `_client` keeps Steam initialized.
    apps: *mut sys::ISteamApps,
    /// Valid while `_client` keeps Steam initialized.
    utils: *mut sys::ISteamUtils,
    _client: Client,
}

impl User {
    /// The interfaces of an initialized `client`; `None` if Steam does not provide them.
    pub fn new(client: &Client) -> Option<Self> {
        // SAFETY: Steam is initialized (we hold a client), which is all the accessors need.
        let (user, friends, apps, utils) = unsafe {
            (
                sys::SteamAPI_SteamUser_v023(),
                sys::SteamAPI_SteamFriends_v018(),
                sys::SteamAPI_SteamApps_v009(),
                sys::SteamAPI_SteamUtils_v010(),
            )
        };
        let all = !user.is_null() && !friends.is_null() && !apps.is_null() && !utils.is_null();
        all.then(|| User {
            user,
            friends,
            apps,
            utils,
            _client: client.clone(),
        })
    }

    /// `GetSteamID`.
    pub fn steam_id(&self) -> SteamId {
        // SAFETY (here and below): `user` and `friends` are valid, see the fields.
        SteamId(unsafe { sys::SteamAPI_ISteamUser_GetSteamID(self.user) })
    }

    /// `BLoggedOn`.
    pub fn logged_on(&self) -> bool {
        unsafe { sys::SteamAPI_ISteamUser_BLoggedOn(self.user) }
    }

    /// `ISteamApps::BIsSubscribed`.
    pub fn is_subscribed(&self) -> bool {
        unsafe { sys::SteamAPI_ISteamApps_BIsSubscribed(self.apps) }
    }

    /// `ISteamUtils::IsSteamRunningOnSteamDeck`.
    pub fn is_running_on_steam_deck(&self) -> bool {
        unsafe { sys::SteamAPI_ISteamUtils_IsSteamRunningOnSteamDeck(self.utils) }
    }

    /// `GetPersonaName`.
    pub fn persona_name(&self) -> String {
        unsafe { owned_str(sys::SteamAPI_ISteamFriends_GetPersonaName(self.friends)) }
    }

    /// As GodotSteam's `getFriendPersonaName`: "" while Steam is still fetching the name
    /// (`RequestUserInformation` returned true; `PersonaStateChange` follows), else
    /// `GetFriendPersonaName`.
    pub fn friend_persona_name(&self, user: SteamId) -> String {
        if user.0 == 0 {
            return String::new();
        }
        let loading = unsafe {
            sys::SteamAPI_ISteamFriends_RequestUserInformation(self.friends, user.0, true)
        };
        if loading {
            return String::new();
        }
        unsafe {
            owned_str(sys::SteamAPI_ISteamFriends_GetFriendPersonaName(
                self.friends,
                user.0,
            ))
        }
    }

    /// `ActivateGameOverlayInviteDialog`.
    pub fn activate_invite_dialog(&self, lobby: LobbyId) {
        unsafe {
            sys::SteamAPI_ISteamFriends_ActivateGameOverlayInviteDialog(self.friends, lobby.0)
        }
    }
}
