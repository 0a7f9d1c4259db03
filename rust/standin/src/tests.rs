//! The SDK's layouts, and the stand-in answering as Steam through its exported functions.

use std::mem::{offset_of, size_of};

use steamworks_sys as sys;

/// Asserts a struct's size and its fields' offsets: the numbers of the SDK 1.64 headers (as
/// bindgen measured them when it generated the bindings). A field written at a wrong offset
/// would make the adapter read garbage.
macro_rules! layout {
    ($ty:ty, $size:expr, { $($field:ident = $offset:expr),* $(,)? }) => {
        assert_eq!(size_of::<$ty>(), $size, concat!("size of ", stringify!($ty)));
        $(
            assert_eq!(
                offset_of!($ty, $field),
                $offset,
                concat!(stringify!($ty), "::", stringify!($field)),
            );
        )*
    };
}

#[test]
fn callback_structs_have_the_sdks_layout() {
    layout!(sys::CallbackMsg_t, 20, { m_hSteamUser = 0, m_iCallback = 4, m_pubParam = 8, m_cubParam = 16 });
    layout!(sys::SteamAPICallCompleted_t, 16, { m_hAsyncCall = 0, m_iCallback = 8, m_cubParam = 12 });
    layout!(sys::LobbyCreated_t, 12, { m_eResult = 0, m_ulSteamIDLobby = 4 });
    layout!(sys::LobbyMatchList_t, 4, { m_nLobbiesMatching = 0 });
    layout!(sys::LobbyEnter_t, 20, {
        m_ulSteamIDLobby = 0, m_rgfChatPermissions = 8, m_bLocked = 12, m_EChatRoomEnterResponse = 16,
    });
    layout!(sys::LobbyChatUpdate_t, 28, {
        m_ulSteamIDLobby = 0, m_ulSteamIDUserChanged = 8, m_ulSteamIDMakingChange = 16,
        m_rgfChatMemberStateChange = 24,
    });
    layout!(sys::LobbyChatMsg_t, 24, {
        m_ulSteamIDLobby = 0, m_ulSteamIDUser = 8, m_eChatEntryType = 16, m_iChatID = 20,
    });
    layout!(sys::LobbyDataUpdate_t, 20, { m_ulSteamIDLobby = 0, m_ulSteamIDMember = 8, m_bSuccess = 16 });
    layout!(sys::LobbyInvite_t, 24, { m_ulSteamIDUser = 0, m_ulSteamIDLobby = 8, m_ulGameID = 16 });
    layout!(sys::GameLobbyJoinRequested_t, 16, { m_steamIDLobby = 0, m_steamIDFriend = 8 });
    layout!(sys::PersonaStateChange_t, 12, { m_ulSteamID = 0, m_nChangeFlags = 8 });
    layout!(sys::P2PSessionRequest_t, 8, { m_steamIDRemote = 0 });
    layout!(sys::P2PSessionConnectFail_t, 9, { m_steamIDRemote = 0, m_eP2PSessionError = 8 });
    layout!(sys::SteamNetConnectionStatusChangedCallback_t, 704, { m_hConn = 0, m_info = 4, m_eOldState = 700 });
}

#[test]
fn networking_structs_have_the_sdks_layout() {
    layout!(sys::P2PSessionState_t, 20, {
        m_bConnectionActive = 0, m_bConnecting = 1, m_eP2PSessionError = 2, m_bUsingRelay = 3,
        m_nBytesQueuedForSend = 4, m_nPacketsQueuedForSend = 8, m_nRemoteIP = 12, m_nRemotePort = 16,
    });
    layout!(sys::SteamNetworkingIdentity, 136, { m_eType = 0, m_cbSize = 4, __bindgen_anon_1 = 8 });
    layout!(sys::SteamNetConnectionInfo_t, 696, {
        m_identityRemote = 0, m_hListenSocket = 144, m_eState = 176, m_eEndReason = 180,
        m_szEndDebug = 184, m_szConnectionDescription = 312, m_nFlags = 440,
    });
    layout!(sys::SteamNetConnectionRealTimeStatus_t, 120, {
        m_eState = 0, m_nPing = 4, m_flConnectionQualityLocal = 8, m_flConnectionQualityRemote = 12,
        m_flOutPacketsPerSec = 16, m_flOutBytesPerSec = 20, m_flInPacketsPerSec = 24,
        m_flInBytesPerSec = 28, m_nSendRateBytesPerSecond = 32, m_cbPendingUnreliable = 36,
        m_cbPendingReliable = 40, m_cbSentUnackedReliable = 44, m_usecQueueTime = 48,
        m_usecMaxJitter = 56,
    });
    layout!(sys::SteamNetConnectionRealTimeLaneStatus_t, 64, {
        m_usecQueueTime = 16
    });
    layout!(sys::SteamNetworkingMessage_t, 216, {
        m_pData = 0, m_cbSize = 8, m_conn = 12, m_identityPeer = 16, m_nMessageNumber = 168,
        m_pfnRelease = 184, m_nFlags = 196, m_idxLane = 208,
    });
    layout!(sys::SteamRelayNetworkStatus_t, 272, {
        m_eAvail = 0, m_eAvailNetworkConfig = 8, m_eAvailAnyRelay = 12, m_debugMsg = 16,
    });
}

#[test]
fn callback_ids_and_enums_are_the_sdks() {
    assert_eq!(sys::SteamAPICallCompleted_t_k_iCallback as i32, 703);
    assert_eq!(sys::LobbyEnter_t_k_iCallback as i32, 504);
    assert_eq!(sys::LobbyCreated_t_k_iCallback as i32, 513);
    assert_eq!(sys::LobbyMatchList_t_k_iCallback as i32, 510);
    assert_eq!(sys::LobbyChatMsg_t_k_iCallback as i32, 507);
    assert_eq!(sys::P2PSessionRequest_t_k_iCallback as i32, 1202);
    assert_eq!(
        sys::SteamNetConnectionStatusChangedCallback_t_k_iCallback as i32,
        1221
    );
    assert_eq!(
        sys::ESteamNetworkingIdentityType::k_ESteamNetworkingIdentityType_SteamID as i32,
        16
    );
    assert_eq!(
        sys::ESteamNetworkingAvailability::k_ESteamNetworkingAvailability_Current as i32,
        100
    );
}
