//! `ISteamMatchmaking`: local mode's lobbies, with `CreateLobby` and `RequestLobbyList` as
//! call results and the lobby list's filters gathered call by call, as Steam does.

mod chat;
mod lobbies;
mod lobby_data;
mod lobby_list;
pub mod state;
