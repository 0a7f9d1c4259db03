//! Conversions between this crate's values and Steamworks', apart from the FFI so that they
//! can be tested without a Steam client.

use std::ffi::CString;
use std::os::raw::c_int;

use log::warn;
use steamworks::{SteamAPIInitError, SteamError, sys};

use crate::types::{
    InitStatus, LobbyComparison, LobbyDistanceFilter, LobbyType, P2P_MAX_RELIABLE,
    P2P_MAX_UNRELIABLE, P2PSend, P2PSessionState, result,
};

/// Steam's most members per lobby (`CreateLobby` refuses more).
pub const MAX_LOBBY_MEMBERS: u32 = 250;

/// `SteamAPI_InitFlat`'s failure as `steamInitEx` reports it.
pub fn init_failure(error: SteamAPIInitError) -> (InitStatus, String) {
    match error {
        SteamAPIInitError::FailedGeneric(message) => (InitStatus::FailedGeneric, message),
        SteamAPIInitError::NoSteamClient(message) => (InitStatus::NoSteamClient, message),
        SteamAPIInitError::VersionMismatch(message) => (InitStatus::VersionMismatch, message),
    }
}

/// The `EResult` number of a crate error.
pub fn eresult_code(error: SteamError) -> i32 {
    // The crate maps numbers to errors but not back; its table is the only one that agrees
    // with how it decoded the result, so search it.
    (0..=255_i64)
        .find(|&code| SteamError::try_from(code).is_ok_and(|e| e == error))
        .map_or(result::FAIL, |code| code as i32)
}

/// The crate's lobby type for `CreateLobby`, or `None` for a type only the Web API creates.
pub fn lobby_type_for_create(kind: LobbyType) -> Option<steamworks::LobbyType> {
    match kind {
        LobbyType::Private => Some(steamworks::LobbyType::Private),
        LobbyType::FriendsOnly => Some(steamworks::LobbyType::FriendsOnly),
        LobbyType::Public => Some(steamworks::LobbyType::Public),
        LobbyType::Invisible => Some(steamworks::LobbyType::Invisible),
        LobbyType::PrivateUnique => None,
    }
}

/// `ELobbyType`.
pub fn sys_lobby_type(kind: LobbyType) -> sys::ELobbyType {
    match kind {
        LobbyType::Private => sys::ELobbyType::k_ELobbyTypePrivate,
        LobbyType::FriendsOnly => sys::ELobbyType::k_ELobbyTypeFriendsOnly,
        LobbyType::Public => sys::ELobbyType::k_ELobbyTypePublic,
        LobbyType::Invisible => sys::ELobbyType::k_ELobbyTypeInvisible,
        LobbyType::PrivateUnique => sys::ELobbyType::k_ELobbyTypePrivateUnique,
    }
}

/// `ELobbyComparison`.
pub fn sys_comparison(comparison: LobbyComparison) -> sys::ELobbyComparison {
    use sys::ELobbyComparison as C;
    match comparison {
        LobbyComparison::EqualToOrLessThan => C::k_ELobbyComparisonEqualToOrLessThan,
        LobbyComparison::LessThan => C::k_ELobbyComparisonLessThan,
        LobbyComparison::Equal => C::k_ELobbyComparisonEqual,
        LobbyComparison::GreaterThan => C::k_ELobbyComparisonGreaterThan,
        LobbyComparison::EqualToOrGreaterThan => C::k_ELobbyComparisonEqualToOrGreaterThan,
        LobbyComparison::NotEqual => C::k_ELobbyComparisonNotEqual,
    }
}

/// `ELobbyDistanceFilter`.
pub fn sys_distance(distance: LobbyDistanceFilter) -> sys::ELobbyDistanceFilter {
    use sys::ELobbyDistanceFilter as D;
    match distance {
        LobbyDistanceFilter::Close => D::k_ELobbyDistanceFilterClose,
        LobbyDistanceFilter::Default => D::k_ELobbyDistanceFilterDefault,
        LobbyDistanceFilter::Far => D::k_ELobbyDistanceFilterFar,
        LobbyDistanceFilter::Worldwide => D::k_ELobbyDistanceFilterWorldwide,
    }
}

/// `EP2PSend`.
pub fn sys_p2p_send(send: P2PSend) -> sys::EP2PSend {
    match send {
        P2PSend::Unreliable => sys::EP2PSend::k_EP2PSendUnreliable,
        P2PSend::UnreliableNoDelay => sys::EP2PSend::k_EP2PSendUnreliableNoDelay,
        P2PSend::Reliable => sys::EP2PSend::k_EP2PSendReliable,
        P2PSend::ReliableWithBuffering => sys::EP2PSend::k_EP2PSendReliableWithBuffering,
    }
}

/// Why Steam would refuse a legacy P2P packet of `len` bytes, if it would.
pub fn p2p_size_error(len: usize, send: P2PSend) -> Option<String> {
    let (max, kind) = if send.is_reliable() {
        (P2P_MAX_RELIABLE, "reliable")
    } else {
        (P2P_MAX_UNRELIABLE, "unreliable")
    };
    (len > max).then(|| format!("a {kind} packet of {len} bytes exceeds the maximum of {max}"))
}

/// `P2PSessionState_t` as `getP2PSessionState` reports it.
pub fn session_state(raw: &sys::P2PSessionState_t) -> P2PSessionState {
    P2PSessionState {
        connection_active: raw.m_bConnectionActive != 0,
        connecting: raw.m_bConnecting != 0,
        session_error: raw.m_eP2PSessionError,
        using_relay: raw.m_bUsingRelay != 0,
        bytes_queued_for_send: raw.m_nBytesQueuedForSend,
        packets_queued_for_send: raw.m_nPacketsQueuedForSend,
        remote_ip: raw.m_nRemoteIP,
        remote_port: raw.m_nRemotePort,
    }
}

/// `text` for a C string argument: Steam would stop at the first NUL, so we cut there too.
pub fn c_string(what: &str, text: &str) -> CString {
    let bytes = text.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    if end < bytes.len() {
        warn!("{what} contains a NUL character; Steam sees only the text before it");
    }
    CString::new(&bytes[..end]).unwrap_or_default()
}

/// The text in a C buffer: up to its first NUL (all of it when there is none), invalid UTF-8
/// replaced.
pub fn text_until_nul(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// A lobby chat message as it goes on the wire: its text and the terminating NUL, as the SDK
/// asks for text messages (and as GodotSteam sends and C readers expect).
pub fn chat_payload(message: &str) -> Vec<u8> {
    let mut payload = Vec::with_capacity(message.len() + 1);
    payload.extend_from_slice(message.as_bytes());
    payload.push(0);
    payload
}

/// `max_members` for `CreateLobby`: at least one, at most Steam's limit.
pub fn create_member_limit(max_members: u32) -> u32 {
    max_members.clamp(1, MAX_LOBBY_MEMBERS)
}

/// A count or size as a C `int`, saturated.
pub fn saturate_c_int<T: TryInto<c_int>>(value: T) -> c_int {
    value.try_into().unwrap_or(c_int::MAX)
}

/// A numerical lobby filter value as Steam's `int`; `Err` holds the saturated value when it
/// does not fit.
pub fn numeric_filter_value(value: i64) -> Result<c_int, c_int> {
    c_int::try_from(value).map_err(|_| if value < 0 { c_int::MIN } else { c_int::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_errors_keep_steams_message() {
        let message = "Failed to load module '/root/.steam/sdk64/steamclient.so'".to_string();
        assert_eq!(
            init_failure(SteamAPIInitError::FailedGeneric(message.clone())),
            (InitStatus::FailedGeneric, message.clone())
        );
        assert_eq!(
            init_failure(SteamAPIInitError::NoSteamClient("no".into())),
            (InitStatus::NoSteamClient, "no".into())
        );
        assert_eq!(
            init_failure(SteamAPIInitError::VersionMismatch("old".into())),
            (InitStatus::VersionMismatch, "old".into())
        );
    }

    #[test]
    fn crate_errors_map_back_to_eresult_numbers() {
        use sys::EResult as R;
        // The results LobbyCreated_t documents, and the crate's I/O failure.
        for (error, code) in [
            (SteamError::Generic, R::k_EResultFail),
            (SteamError::NoConnection, R::k_EResultNoConnection),
            (SteamError::AccessDenied, R::k_EResultAccessDenied),
            (SteamError::Timeout, R::k_EResultTimeout),
            (SteamError::LimitExceeded, R::k_EResultLimitExceeded),
            (SteamError::IOFailure, R::k_EResultIOFailure),
            (SteamError::InvalidParameter, R::k_EResultInvalidParam),
        ] {
            assert_eq!(eresult_code(error), code as i32, "{error:?}");
        }
        assert_eq!(R::k_EResultFail as i32, result::FAIL);
        assert_eq!(R::k_EResultLimitExceeded as i32, result::LIMIT_EXCEEDED);
        assert_eq!(R::k_EResultInvalidParam as i32, result::INVALID_PARAM);
        assert_eq!(R::k_EResultNone as i32, result::NONE);
        assert_eq!(R::k_EResultOK as i32, result::OK);
        assert_eq!(R::k_EResultFail as i32, result::FAIL);
        assert_eq!(R::k_EResultNoConnection as i32, result::NO_CONNECTION);
        assert_eq!(R::k_EResultAccessDenied as i32, result::ACCESS_DENIED);
        assert_eq!(R::k_EResultTimeout as i32, result::TIMEOUT);
        // An error with no number of its own is a generic failure.
        assert_eq!(eresult_code(SteamError::InitFailed), result::FAIL);
    }

    #[test]
    fn enums_keep_steams_numbers() {
        for raw in 0..5 {
            let kind = LobbyType::from_raw(raw).unwrap();
            assert_eq!(sys_lobby_type(kind) as i64, raw);
        }
        for raw in -2..4 {
            let comparison = LobbyComparison::from_raw(raw).unwrap();
            assert_eq!(sys_comparison(comparison) as i64, raw);
        }
        for raw in 0..4 {
            let distance = LobbyDistanceFilter::from_raw(raw).unwrap();
            assert_eq!(sys_distance(distance) as i64, raw);
            let send = P2PSend::from_raw(raw).unwrap();
            assert_eq!(sys_p2p_send(send) as i64, raw);
        }
    }

    #[test]
    fn only_web_api_lobby_types_cannot_be_created() {
        assert_eq!(
            lobby_type_for_create(LobbyType::Invisible),
            Some(steamworks::LobbyType::Invisible)
        );
        assert_eq!(lobby_type_for_create(LobbyType::PrivateUnique), None);
        assert_eq!(create_member_limit(0), 1);
        assert_eq!(create_member_limit(4), 4);
        assert_eq!(create_member_limit(1000), MAX_LOBBY_MEMBERS);
    }

    #[test]
    fn oversized_p2p_packets_are_named() {
        assert_eq!(
            p2p_size_error(P2P_MAX_UNRELIABLE, P2PSend::Unreliable),
            None
        );
        assert!(p2p_size_error(P2P_MAX_UNRELIABLE + 1, P2PSend::UnreliableNoDelay).is_some());
        assert_eq!(p2p_size_error(P2P_MAX_RELIABLE, P2PSend::Reliable), None);
        let why = p2p_size_error(P2P_MAX_RELIABLE + 1, P2PSend::ReliableWithBuffering).unwrap();
        assert!(why.contains("reliable"), "{why}");
    }

    #[test]
    fn session_state_copies_every_field() {
        let raw = sys::P2PSessionState_t {
            m_bConnectionActive: 1,
            m_bConnecting: 0,
            m_eP2PSessionError: 4,
            m_bUsingRelay: 1,
            m_nBytesQueuedForSend: 1500,
            m_nPacketsQueuedForSend: 2,
            m_nRemoteIP: 0x0A00_0001,
            m_nRemotePort: 27015,
        };
        assert_eq!(
            session_state(&raw),
            P2PSessionState {
                connection_active: true,
                connecting: false,
                session_error: 4,
                using_relay: true,
                bytes_queued_for_send: 1500,
                packets_queued_for_send: 2,
                remote_ip: 0x0A00_0001,
                remote_port: 27015,
            }
        );
    }

    #[test]
    fn strings_stop_at_nul_like_c() {
        assert_eq!(c_string("key", "name").as_bytes(), b"name");
        assert_eq!(c_string("key", "na\0me").as_bytes(), b"na");
        assert_eq!(c_string("key", "").as_bytes(), b"");
        assert_eq!(text_until_nul(b"hello\0\0"), "hello");
        assert_eq!(text_until_nul(b"no terminator"), "no terminator");
        assert_eq!(text_until_nul(b"bad \xff byte\0rest"), "bad \u{fffd} byte");
        assert_eq!(text_until_nul(b""), "");
    }

    #[test]
    fn chat_messages_carry_their_terminator() {
        assert_eq!(chat_payload("hi"), b"hi\0");
        assert_eq!(chat_payload(""), b"\0");
        assert_eq!(text_until_nul(&chat_payload("héllo")), "héllo");
    }

    #[test]
    fn numbers_saturate_to_c_int() {
        assert_eq!(numeric_filter_value(-5), Ok(-5));
        assert_eq!(numeric_filter_value(i64::MAX), Err(c_int::MAX));
        assert_eq!(numeric_filter_value(i64::MIN), Err(c_int::MIN));
        assert_eq!(saturate_c_int(7_u32), 7);
        assert_eq!(saturate_c_int(u32::MAX), c_int::MAX);
        assert_eq!(saturate_c_int(usize::MAX), c_int::MAX);
    }
}
