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
    layout!(sys::SteamNetworkingMessagesSessionRequest_t, 136, {
        m_identityRemote = 0
    });
    layout!(sys::SteamNetworkingMessagesSessionFailed_t, 696, {
        m_info = 0
    });
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

/// The stand-in driven through the SDK's own declarations (`steamworks-sys`), as the adapter
/// calls it: in this test binary they resolve to the stand-in's definitions.
mod flow {
    use std::os::raw::c_int;
    use std::ptr;
    use std::time::{Duration, Instant};

    use smp_transport::emulated::EmulatedSockets;
    use smp_transport::local::{self, LocalIdentity, steam_id_of};
    use smp_transport::{FaultConfig, SendFlags, Sockets};
    use steamworks_sys as sys;

    use crate::init::{PIPE, USER_VARIABLE};

    /// In this test's own range of ports.
    const PORT_BASE: u16 = 28_700;

    /// Runs frames (and `also`) until a callback satisfies `wanted`, at most 10 s.
    fn wait_for<T>(
        what: &str,
        mut also: impl FnMut(),
        mut wanted: impl FnMut(c_int, &[u8]) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            also();
            // SAFETY: the SDK's dispatch calls, in their order; the callback's bytes are read
            // before they are freed.
            unsafe {
                sys::SteamAPI_ManualDispatch_RunFrame(PIPE);
                let mut message: sys::CallbackMsg_t = std::mem::zeroed();
                while sys::SteamAPI_ManualDispatch_GetNextCallback(PIPE, &mut message) {
                    let bytes =
                        std::slice::from_raw_parts(message.m_pubParam, message.m_cubParam as usize);
                    let found = wanted(message.m_iCallback, bytes);
                    sys::SteamAPI_ManualDispatch_FreeLastCallback(PIPE);
                    if let Some(found) = found {
                        return found;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        panic!("no {what} within 10 s");
    }

    fn read<T: Copy>(bytes: &[u8]) -> T {
        assert_eq!(bytes.len(), std::mem::size_of::<T>());
        // SAFETY: as many bytes as a `T`, a struct of integers only.
        unsafe { bytes.as_ptr().cast::<T>().read_unaligned() }
    }

    /// The result of the finished call `call`, a `LobbyCreated_t`.
    fn created_lobby(call: sys::SteamAPICall_t) -> u64 {
        // SAFETY: a live result struct of the size given.
        unsafe {
            let mut created: sys::LobbyCreated_t = std::mem::zeroed();
            let mut failed = true;
            assert!(sys::SteamAPI_ManualDispatch_GetAPICallResult(
                PIPE,
                call,
                (&raw mut created).cast(),
                std::mem::size_of::<sys::LobbyCreated_t>() as c_int,
                sys::LobbyCreated_t_k_iCallback as c_int,
                &mut failed,
            ));
            assert!(!failed);
            created.m_ulSteamIDLobby
        }
    }

    /// One user on the stand-in, another on the emulation directly: a lobby, a connection
    /// accepted into a poll group, messages both ways, then shutdown.
    #[test]
    fn a_user_on_the_standin_meets_another_on_the_emulation() {
        // SAFETY: the only test of this binary that reads these variables.
        unsafe {
            std::env::set_var(USER_VARIABLE, "1");
            std::env::set_var("STEAM_LOCAL_PORT_BASE", PORT_BASE.to_string());
            std::env::set_var("SteamAppId", "480");
        }
        let other = LocalIdentity::new(2, None, PORT_BASE).unwrap();
        let mut other = EmulatedSockets::new(local::bind(&other, FaultConfig::default()).unwrap());
        // SAFETY (the whole test): the SDK's calls with live arguments, each message released
        // once.
        unsafe {
            let mut error = [0; 1024];
            let init = sys::SteamAPI_InitFlat(&mut error);
            assert_eq!(init, sys::ESteamAPIInitResult::k_ESteamAPIInitResult_OK);
            assert_eq!(sys::SteamAPI_GetHSteamPipe(), PIPE);
            let user = sys::SteamAPI_SteamUser_v023();
            assert_eq!(sys::SteamAPI_ISteamUser_GetSteamID(user), steam_id_of(1).0);

            let mm = sys::SteamAPI_SteamMatchmaking_v009();
            let kind = sys::ELobbyType::k_ELobbyTypePublic;
            let call = sys::SteamAPI_ISteamMatchmaking_CreateLobby(mm, kind, 4);
            let completed = sys::SteamAPICallCompleted_t_k_iCallback as c_int;
            wait_for(
                "LobbyCreated_t",
                || {},
                |id, bytes| {
                    let done: Option<sys::SteamAPICallCompleted_t> =
                        (id == completed).then(|| read(bytes));
                    done.filter(|done| done.m_hAsyncCall == call)
                },
            );
            let lobby = created_lobby(call);
            assert_eq!(
                sys::SteamAPI_ISteamMatchmaking_GetLobbyOwner(mm, lobby),
                steam_id_of(1).0
            );

            let sockets = sys::SteamAPI_SteamNetworkingSockets_SteamAPI_v012();
            let listen = sys::SteamAPI_ISteamNetworkingSockets_CreateListenSocketP2P(
                sockets,
                3,
                0,
                ptr::null(),
            );
            assert_ne!(listen, sys::k_HSteamListenSocket_Invalid);
            let dialled = other.connect(steam_id_of(1), 3).unwrap();
            let changed = sys::SteamNetConnectionStatusChangedCallback_t_k_iCallback as c_int;
            let conn = wait_for(
                "a connection request",
                || other.pump(Instant::now()),
                |id, bytes| (id == changed).then(|| read::<u32>(&bytes[..4])),
            );
            let group = sys::SteamAPI_ISteamNetworkingSockets_CreatePollGroup(sockets);
            assert!(
                sys::SteamAPI_ISteamNetworkingSockets_SetConnectionPollGroup(sockets, conn, group)
            );
            assert_eq!(
                sys::SteamAPI_ISteamNetworkingSockets_AcceptConnection(sockets, conn),
                sys::EResult::k_EResultOK
            );

            let deadline = Instant::now() + Duration::from_secs(10);
            let mut inbox = [ptr::null_mut(); 4];
            let mut sent = false;
            let received = loop {
                assert!(Instant::now() < deadline, "no message within 10 s");
                other.pump(Instant::now());
                sys::SteamAPI_ManualDispatch_RunFrame(PIPE);
                sent = sent
                    || other
                        .send(dialled, 0, SendFlags::RELIABLE, [b"hel", b"lo"])
                        .is_ok();
                let got = sys::SteamAPI_ISteamNetworkingSockets_ReceiveMessagesOnPollGroup(
                    sockets,
                    group,
                    inbox.as_mut_ptr(),
                    4,
                );
                if got > 0 {
                    break inbox[0];
                }
                std::thread::sleep(Duration::from_millis(2));
            };
            let data = std::slice::from_raw_parts((*received).m_pData.cast::<u8>(), 5);
            assert_eq!(data, b"hello");
            assert_eq!((*received).m_conn, conn);
            assert_eq!((*received).m_nFlags, sys::k_nSteamNetworkingSend_Reliable);
            sys::SteamAPI_SteamNetworkingMessage_t_Release(received);

            let utils = sys::SteamAPI_SteamNetworkingUtils_SteamAPI_v004();
            let message = sys::SteamAPI_ISteamNetworkingUtils_AllocateMessage(utils, 3);
            (*message)
                .m_pData
                .cast::<u8>()
                .copy_from(b"hey".as_ptr(), 3);
            (*message).m_conn = conn;
            (*message).m_nFlags = sys::k_nSteamNetworkingSend_Reliable;
            let mut result = 0_i64;
            sys::SteamAPI_ISteamNetworkingSockets_SendMessages(sockets, 1, &message, &mut result);
            assert!(result > 0, "a message number, not an error: {result}");
            let mut answers = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(10);
            while answers.is_empty() {
                assert!(Instant::now() < deadline, "no answer within 10 s");
                sys::SteamAPI_ManualDispatch_RunFrame(PIPE);
                other.pump(Instant::now());
                other.receive(&mut answers, 8);
                std::thread::sleep(Duration::from_millis(2));
            }
            assert_eq!(answers[0].data, b"hey");

            let debug = c"bye".as_ptr();
            assert!(sys::SteamAPI_ISteamNetworkingSockets_CloseConnection(
                sockets, conn, 0, debug, false
            ));
            assert!(!sys::SteamAPI_ISteamNetworkingSockets_CloseConnection(
                sockets, conn, 0, debug, false
            ));
            sys::SteamAPI_Shutdown();
            assert_eq!(sys::SteamAPI_GetHSteamPipe(), 0, "no pipe after shutdown");
            assert!(
                sys::SteamAPI_SteamUser_v023().is_null(),
                "no interfaces after shutdown"
            );
        }
    }
}
