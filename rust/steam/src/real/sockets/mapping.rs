//! Steam's numbers as the transport's values, and the checks made before a call reaches Steam.
//! Pure: tested without a Steam client.

use smp_transport::{ConnectionState, ListenSocketId, SendFlags, SocketError};
use steamworks::sys;

/// The largest message Steam sends (`k_cbMaxSteamNetworkingSocketsMessageSizeSend`, 512 KiB).
pub const MAX_MESSAGE_SIZE: usize = sys::k_cbMaxSteamNetworkingSocketsMessageSizeSend as usize;

/// The most lanes a connection may have on Steam (`ConfigureConnectionLanes`' documentation).
pub const MAX_LANES: u16 = 255;

const OK: i32 = sys::EResult::k_EResultOK as i32;
const NO_CONNECTION: i32 = sys::EResult::k_EResultNoConnection as i32;
const INVALID_PARAM: i32 = sys::EResult::k_EResultInvalidParam as i32;
const INVALID_STATE: i32 = sys::EResult::k_EResultInvalidState as i32;
const LIMIT_EXCEEDED: i32 = sys::EResult::k_EResultLimitExceeded as i32;
const IGNORED: i32 = sys::EResult::k_EResultIgnored as i32;

/// An `ESteamNetworkingConnectionState` number as the transport's state (the same numbers).
/// Steam shows applications only the states the transport has; anything else reads as
/// `None`, "no such connection", which the peer treats as ended.
pub fn connection_state(raw: i32) -> ConnectionState {
    use sys::ESteamNetworkingConnectionState as S;
    const CONNECTING: i32 = S::k_ESteamNetworkingConnectionState_Connecting as i32;
    const FINDING_ROUTE: i32 = S::k_ESteamNetworkingConnectionState_FindingRoute as i32;
    const CONNECTED: i32 = S::k_ESteamNetworkingConnectionState_Connected as i32;
    const CLOSED_BY_PEER: i32 = S::k_ESteamNetworkingConnectionState_ClosedByPeer as i32;
    const PROBLEM: i32 = S::k_ESteamNetworkingConnectionState_ProblemDetectedLocally as i32;
    const FIN_WAIT: i32 = S::k_ESteamNetworkingConnectionState_FinWait as i32;
    const LINGER: i32 = S::k_ESteamNetworkingConnectionState_Linger as i32;
    const DEAD: i32 = S::k_ESteamNetworkingConnectionState_Dead as i32;
    match raw {
        CONNECTING => ConnectionState::Connecting,
        FINDING_ROUTE => ConnectionState::FindingRoute,
        CONNECTED => ConnectionState::Connected,
        CLOSED_BY_PEER => ConnectionState::ClosedByPeer,
        PROBLEM => ConnectionState::ProblemDetectedLocally,
        FIN_WAIT => ConnectionState::FinWait,
        LINGER => ConnectionState::Linger,
        DEAD => ConnectionState::Dead,
        _ => ConnectionState::None,
    }
}

/// An `HSteamListenSocket`; `None` for `k_HSteamListenSocket_Invalid`, which connection info
/// holds for connections we dialled.
pub fn listen_socket(raw: sys::HSteamListenSocket) -> Option<ListenSocketId> {
    (raw != sys::k_HSteamListenSocket_Invalid).then_some(ListenSocketId(raw))
}

/// Refuses what Steam would refuse of a message of `size` bytes on `lane`, for a connection
/// with `lanes` lanes, with the emulation's errors: the emulation's check, at Steam's limit.
pub fn check_message(size: usize, lane: u16, lanes: u16) -> Result<(), SocketError> {
    smp_transport::sockets::check_message(size, MAX_MESSAGE_SIZE, lane, lanes)
}

/// Refuses what Steam would refuse of giving a connection with `current` lanes `requested`.
pub fn check_lane_count(requested: u16, current: u16) -> Result<(), SocketError> {
    if !(1..=MAX_LANES).contains(&requested) {
        return Err(SocketError::InvalidParam(format!(
            "{requested} lanes; 1 to {MAX_LANES} allowed"
        )));
    }
    if requested < current {
        return Err(SocketError::InvalidParam(format!(
            "{requested} lanes for a connection that has {current}; Steam cannot take lanes away"
        )));
    }
    Ok(())
}

/// True for `k_EResultOK`.
pub fn is_ok(code: i32) -> bool {
    code == OK
}

/// The error for the `EResult` Steam answered a call on a connection with; `state` is the
/// connection's state now (`None` when Steam no longer knows it).
///
/// Every parameter but the handle is checked before the call, so `k_EResultInvalidParam`
/// means Steam does not know the connection. `k_EResultNoConnection` means it has ended
/// (closed by the peer, or a problem detected locally) for sends, and an unknown handle for
/// the other calls, so it is told by the state, as `k_EResultInvalidState` is.
pub fn eresult_error(code: i32, state: Option<ConnectionState>) -> SocketError {
    match (code, state) {
        (INVALID_PARAM, _) => SocketError::InvalidHandle,
        (NO_CONNECTION | INVALID_STATE, Some(state)) if state != ConnectionState::None => {
            SocketError::InvalidState(state)
        }
        (NO_CONNECTION | INVALID_STATE, _) => SocketError::InvalidHandle,
        (LIMIT_EXCEEDED, _) => SocketError::Failed(
            "k_EResultLimitExceeded: too much data is already waiting to be sent on this \
             connection (Steam's send buffer is full); send less, or wait for it to drain"
                .into(),
        ),
        (IGNORED, _) => SocketError::Failed(
            "k_EResultIgnored: Steam dropped the message because the connection cannot send \
             it soon (still connecting, or too much queued)"
                .into(),
        ),
        (other, _) => SocketError::Failed(format!(
            "Steam refused with EResult {other} (see steamclientpublic.h)"
        )),
    }
}

/// What `SendMessages` wrote for one message: a message number, or a negative `EResult`.
///
/// An unreliable `NO_DELAY` message Steam drops (`k_EResultIgnored`) is a success: the flag
/// asks Steam to drop what it cannot send soon, and unreliable delivery allows any loss, as
/// the emulation drops unreliable messages sent while connecting. A reliable one is an error:
/// the SDK calls `NO_DELAY` on reliable messages invalid, and the data would be lost.
pub fn send_result(
    result: i64,
    flags: SendFlags,
    state: impl FnOnce() -> Option<ConnectionState>,
) -> Result<(), SocketError> {
    if result >= 0 {
        return Ok(());
    }
    let code = result
        .checked_neg()
        .and_then(|code| i32::try_from(code).ok())
        .unwrap_or(i32::MAX);
    let dropped_on_purpose =
        code == IGNORED && !flags.is_reliable() && flags.0 & SendFlags::NO_DELAY.0 != 0;
    if dropped_on_purpose {
        return Ok(());
    }
    Err(eresult_error(code, state()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use smp_transport::emulated;
    use smp_transport::end_reason;

    #[test]
    fn send_flags_are_steams() {
        let steam = |flag: i32| SendFlags(flag as u32);
        assert_eq!(
            SendFlags::UNRELIABLE,
            steam(sys::k_nSteamNetworkingSend_Unreliable)
        );
        assert_eq!(
            SendFlags::NO_NAGLE,
            steam(sys::k_nSteamNetworkingSend_NoNagle)
        );
        assert_eq!(
            SendFlags::NO_DELAY,
            steam(sys::k_nSteamNetworkingSend_NoDelay)
        );
        assert_eq!(
            SendFlags::RELIABLE,
            steam(sys::k_nSteamNetworkingSend_Reliable)
        );
        assert_eq!(
            SendFlags::RELIABLE.with(SendFlags::NO_NAGLE),
            steam(sys::k_nSteamNetworkingSend_ReliableNoNagle)
        );
        assert_eq!(
            SendFlags::UNRELIABLE.with(SendFlags::NO_NAGLE),
            steam(sys::k_nSteamNetworkingSend_UnreliableNoNagle)
        );
        assert_eq!(
            SendFlags::NO_DELAY.with(SendFlags::NO_NAGLE),
            steam(sys::k_nSteamNetworkingSend_UnreliableNoDelay)
        );
    }

    #[test]
    fn states_keep_steams_numbers_both_ways() {
        use sys::ESteamNetworkingConnectionState as S;
        let pairs = [
            (
                S::k_ESteamNetworkingConnectionState_None,
                ConnectionState::None,
            ),
            (
                S::k_ESteamNetworkingConnectionState_Connecting,
                ConnectionState::Connecting,
            ),
            (
                S::k_ESteamNetworkingConnectionState_FindingRoute,
                ConnectionState::FindingRoute,
            ),
            (
                S::k_ESteamNetworkingConnectionState_Connected,
                ConnectionState::Connected,
            ),
            (
                S::k_ESteamNetworkingConnectionState_ClosedByPeer,
                ConnectionState::ClosedByPeer,
            ),
            (
                S::k_ESteamNetworkingConnectionState_ProblemDetectedLocally,
                ConnectionState::ProblemDetectedLocally,
            ),
            (
                S::k_ESteamNetworkingConnectionState_FinWait,
                ConnectionState::FinWait,
            ),
            (
                S::k_ESteamNetworkingConnectionState_Linger,
                ConnectionState::Linger,
            ),
            (
                S::k_ESteamNetworkingConnectionState_Dead,
                ConnectionState::Dead,
            ),
        ];
        for (steam, ours) in pairs {
            assert_eq!(connection_state(steam as i32), ours, "{steam:?}");
            assert_eq!(ours as i32, steam as i32, "{ours:?}");
        }
        assert_eq!(connection_state(77), ConnectionState::None);
        assert!(connection_state(77).has_ended());
    }

    #[test]
    fn end_reasons_are_steams() {
        use sys::ESteamNetConnectionEnd as E;
        for (ours, steam) in [
            (
                end_reason::APP_GENERIC,
                E::k_ESteamNetConnectionEnd_App_Generic,
            ),
            (
                end_reason::REMOTE_BAD_PROTOCOL_VERSION,
                E::k_ESteamNetConnectionEnd_Remote_BadProtocolVersion,
            ),
            (
                end_reason::MISC_GENERIC,
                E::k_ESteamNetConnectionEnd_Misc_Generic,
            ),
            (
                end_reason::MISC_TIMEOUT,
                E::k_ESteamNetConnectionEnd_Misc_Timeout,
            ),
            (
                end_reason::MISC_P2P_RENDEZVOUS,
                E::k_ESteamNetConnectionEnd_Misc_P2P_Rendezvous,
            ),
        ] {
            assert_eq!(ours, steam as i32, "{steam:?}");
        }
    }

    #[test]
    fn listen_socket_zero_means_dialled() {
        assert_eq!(listen_socket(sys::k_HSteamListenSocket_Invalid), None);
        assert_eq!(listen_socket(0x1_0001), Some(ListenSocketId(0x1_0001)));
    }

    #[test]
    fn limits_are_the_emulations() {
        assert_eq!(MAX_MESSAGE_SIZE, emulated::MAX_MESSAGE_SIZE);
        assert_eq!(MAX_MESSAGE_SIZE, 512 * 1024);
        assert_eq!(MAX_LANES, emulated::endpoint::MAX_LANES);
    }

    #[test]
    fn messages_are_checked_for_size_and_lane() {
        assert_eq!(check_message(MAX_MESSAGE_SIZE, 0, 1), Ok(()));
        assert_eq!(
            check_message(MAX_MESSAGE_SIZE + 1, 0, 1),
            Err(SocketError::TooLarge {
                size: MAX_MESSAGE_SIZE + 1,
                max: MAX_MESSAGE_SIZE
            })
        );
        assert_eq!(check_message(0, 3, 4), Ok(()));
        assert_eq!(
            check_message(0, 4, 4),
            Err(SocketError::InvalidParam("lane 4 of 4".into()))
        );
        assert!(check_message(0, 1, 1).is_err(), "one lane until configured");
    }

    #[test]
    fn lane_counts_are_checked() {
        assert_eq!(check_lane_count(1, 1), Ok(()));
        assert_eq!(check_lane_count(MAX_LANES, 4), Ok(()));
        assert_eq!(check_lane_count(4, 4), Ok(()));
        assert!(check_lane_count(0, 1).is_err());
        assert!(check_lane_count(MAX_LANES + 1, 1).is_err());
        let Err(SocketError::InvalidParam(why)) = check_lane_count(2, 4) else {
            panic!("fewer lanes must be refused");
        };
        assert!(why.contains("cannot take lanes away"), "{why}");
    }

    #[test]
    fn eresults_become_the_transports_errors() {
        use ConnectionState::*;
        assert!(is_ok(sys::EResult::k_EResultOK as i32));
        assert!(!is_ok(INVALID_PARAM));
        assert_eq!(
            eresult_error(INVALID_PARAM, Some(Connected)),
            SocketError::InvalidHandle
        );
        assert_eq!(
            eresult_error(NO_CONNECTION, Some(ClosedByPeer)),
            SocketError::InvalidState(ClosedByPeer)
        );
        assert_eq!(
            eresult_error(NO_CONNECTION, Some(None)),
            SocketError::InvalidHandle
        );
        assert_eq!(
            eresult_error(NO_CONNECTION, Option::None),
            SocketError::InvalidHandle
        );
        assert_eq!(
            eresult_error(INVALID_STATE, Some(ProblemDetectedLocally)),
            SocketError::InvalidState(ProblemDetectedLocally)
        );
        let named = |code| match eresult_error(code, Some(Connected)) {
            SocketError::Failed(why) => why,
            other => panic!("{other:?}"),
        };
        assert!(named(LIMIT_EXCEEDED).starts_with("k_EResultLimitExceeded: too much data"));
        assert!(named(IGNORED).starts_with("k_EResultIgnored"));
        assert!(named(sys::EResult::k_EResultFail as i32).contains("EResult 2"));
    }

    #[test]
    fn send_results_are_checked() {
        let connected = || Some(ConnectionState::Connected);
        assert_eq!(send_result(1, SendFlags::RELIABLE, connected), Ok(()));
        assert_eq!(send_result(0, SendFlags::UNRELIABLE, connected), Ok(()));
        let full = send_result(-i64::from(LIMIT_EXCEEDED), SendFlags::RELIABLE, connected);
        assert!(matches!(full, Err(SocketError::Failed(why)) if why.contains("LimitExceeded")));
        assert_eq!(
            send_result(-i64::from(NO_CONNECTION), SendFlags::RELIABLE, || Some(
                ConnectionState::ClosedByPeer
            )),
            Err(SocketError::InvalidState(ConnectionState::ClosedByPeer))
        );
        assert_eq!(
            send_result(-i64::from(INVALID_PARAM), SendFlags::UNRELIABLE, connected),
            Err(SocketError::InvalidHandle)
        );
        assert!(send_result(i64::MIN, SendFlags::RELIABLE, connected).is_err());
    }

    #[test]
    fn only_an_unreliable_no_delay_message_may_be_ignored() {
        let ignored = -i64::from(IGNORED);
        let state = || Some(ConnectionState::Connecting);
        let no_delay = SendFlags::NO_DELAY.with(SendFlags::NO_NAGLE);
        assert_eq!(send_result(ignored, no_delay, state), Ok(()));
        assert!(send_result(ignored, SendFlags::UNRELIABLE, state).is_err());
        assert!(send_result(ignored, SendFlags::RELIABLE.with(no_delay), state).is_err());
    }
}
