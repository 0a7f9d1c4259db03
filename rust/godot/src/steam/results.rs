//! Steam's `EResult` values, under GodotSteam's names, for what callbacks such as
//! `lobby_created` report.

use godot::prelude::*;
use smp_steam::result;

use super::Steam;

#[godot_api(secondary)]
impl Steam {
    /// Steam's [code]EResult[/code]: no result.
    #[constant]
    const RESULT_NONE: i64 = result::NONE as i64;
    /// Steam's [code]EResult[/code]: success ([signal lobby_created]'s first argument when the
    /// lobby was made).
    #[constant]
    const RESULT_OK: i64 = result::OK as i64;
    /// Steam's [code]EResult[/code]: a generic failure.
    #[constant]
    const RESULT_FAIL: i64 = result::FAIL as i64;
    /// Steam's [code]EResult[/code]: no connection to Steam (or a failed one).
    #[constant]
    const RESULT_NO_CONNECTION: i64 = result::NO_CONNECTION as i64;
    /// Steam's [code]EResult[/code]: a parameter was wrong (a lobby type only the Web API
    /// creates, for one).
    #[constant]
    const RESULT_INVALID_PARAM: i64 = result::INVALID_PARAM as i64;
    /// Steam's [code]EResult[/code]: not allowed.
    #[constant]
    const RESULT_ACCESS_DENIED: i64 = result::ACCESS_DENIED as i64;
    /// Steam's [code]EResult[/code]: the operation timed out.
    #[constant]
    const RESULT_TIMEOUT: i64 = result::TIMEOUT as i64;
    /// Steam's [code]EResult[/code]: too many of something (lobbies, pending data).
    #[constant]
    const RESULT_LIMIT_EXCEEDED: i64 = result::LIMIT_EXCEEDED as i64;
}
