//! A stand-in `libsteam_api` over local mode's emulation.
//!
//! The addon's Steamworks adapter (`smp_steam::real`) talks to Steam only through
//! `libsteam_api`'s flat C functions. This library exports the ones the addon and the
//! `steamworks` crate link against, with the SDK's struct layouts, callback ids and enum values
//! (from `steamworks-sys`'s generated bindings), and answers them from the same emulation as
//! local mode: local users on loopback ([`smp_transport::local`]), lobbies through the shared
//! folder ([`smp_steam::local`]), the same fault injection. Put in place of Valve's library
//! beside the addon, with `STEAM_STANDIN_USER=<n>` instead of `STEAM_LOCAL_USER`, it lets the
//! real adapter run end to end on a machine with no Steam client, as the Goldberg emulator does
//! for games.
//!
//! It is not Steam: no relays, no NAT, no authentication, and none of Steam's own timing.
//!
//! Every Steam interface pointer it hands out is a token: the state is process-wide, as the
//! SDK's is. Calls before `SteamAPI_InitFlat` succeeds, or after `SteamAPI_Shutdown`, answer
//! neutrally (false, 0, null), as Steam's do.

// The exported functions carry the SDK's names.
#![allow(non_snake_case)]

mod c_strings;
mod callbacks;
mod conn_info;
mod dispatch;
mod events;
mod identity;
mod init;
mod matchmaking;
mod messages;
mod net_messages;
mod output;
mod p2p;
mod poll_groups;
mod raw;
mod sockets;
mod state;
mod user;
mod utils;

#[cfg(test)]
mod tests;
