//! Steam's `ESteamNetConnectionEnd` values the emulation reports.

/// The application closed the connection without saying more (`k_ESteamNetConnectionEnd_App_Generic`).
pub const APP_GENERIC: i32 = 1000;
/// The remote runs an incompatible version (`k_ESteamNetConnectionEnd_Remote_BadProtocolVersion`).
pub const REMOTE_BAD_PROTOCOL_VERSION: i32 = 4006;
/// Something went wrong that fits no other reason (`k_ESteamNetConnectionEnd_Misc_Generic`).
pub const MISC_GENERIC: i32 = 5001;
/// The connection timed out (`k_ESteamNetConnectionEnd_Misc_Timeout`).
pub const MISC_TIMEOUT: i32 = 5003;
/// The remote could not be reached to set up the connection (`k_ESteamNetConnectionEnd_Misc_P2P_Rendezvous`).
pub const MISC_P2P_RENDEZVOUS: i32 = 5008;
