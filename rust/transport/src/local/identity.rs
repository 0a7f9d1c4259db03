//! Who this process is in local mode, and where every local user listens.

use smp_protocol::SteamId;

/// The first port of the local-mode range: user `n` listens on `base + n`.
pub const DEFAULT_PORT_BASE: u16 = 29_400;

/// The local user of the process, from `STEAM_LOCAL_USER` and friends.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LocalIdentity {
    /// The user number, from 1.
    pub user: u32,
    /// The user's Steam id.
    pub steam_id: SteamId,
    /// The persona name.
    pub name: String,
    /// The first port of the range.
    pub port_base: u16,
}

/// The Steam id of local user `user`: an individual account whose account id is the number.
pub const fn steam_id_of(user: u32) -> SteamId {
    SteamId::individual(user)
}

/// The local user number of a Steam id, when it is one.
pub fn user_of(steam_id: SteamId) -> Option<u32> {
    (steam_id.is_individual() && steam_id.account_id() >= 1).then_some(steam_id.account_id())
}

/// The port local user `steam_id` listens on.
pub fn port_of(port_base: u16, steam_id: SteamId) -> Option<u16> {
    let user = u16::try_from(user_of(steam_id)?).ok()?;
    port_base.checked_add(user)
}

impl LocalIdentity {
    /// Local user `user`, named `name` (or `Player <user>`), listening from `port_base`.
    pub fn new(user: u32, name: Option<String>, port_base: u16) -> Result<Self, String> {
        let steam_id = steam_id_of(user);
        if user == 0 || port_of(port_base, steam_id).is_none() {
            return Err(format!(
                "STEAM_LOCAL_USER={user} is out of range: use 1 to {} (with port base {port_base})",
                u16::MAX - port_base
            ));
        }
        Ok(LocalIdentity {
            user,
            steam_id,
            name: name.unwrap_or_else(|| format!("Player {user}")),
            port_base,
        })
    }

    /// The identity the environment asks for: `None` when `STEAM_LOCAL_USER` is unset.
    ///
    /// `STEAM_LOCAL_NAME` sets the persona name; `STEAM_LOCAL_PORT_BASE` moves the port range.
    pub fn from_env() -> Result<Option<Self>, String> {
        LocalIdentity::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Self::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, String> {
        let Some(user) = lookup("STEAM_LOCAL_USER").filter(|v| !v.trim().is_empty()) else {
            return Ok(None);
        };
        let user: u32 = user
            .trim()
            .parse()
            .map_err(|_| format!("STEAM_LOCAL_USER must be a number from 1, not {user:?}"))?;
        let port_base = match lookup("STEAM_LOCAL_PORT_BASE") {
            Some(base) => base.trim().parse().map_err(|_| {
                format!("STEAM_LOCAL_PORT_BASE must be a port number, not {base:?}")
            })?,
            None => DEFAULT_PORT_BASE,
        };
        let name = lookup("STEAM_LOCAL_NAME").filter(|n| !n.is_empty());
        LocalIdentity::new(user, name, port_base).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn user_numbers_give_ids_names_and_ports() {
        let id = LocalIdentity::from_lookup(env(&[("STEAM_LOCAL_USER", "3")]))
            .unwrap()
            .unwrap();
        assert_eq!(id.steam_id, SteamId(76_561_197_960_265_731));
        assert_eq!(id.name, "Player 3");
        assert_eq!(user_of(id.steam_id), Some(3));
        assert_eq!(
            port_of(DEFAULT_PORT_BASE, id.steam_id),
            Some(DEFAULT_PORT_BASE + 3)
        );
        let named = LocalIdentity::from_lookup(env(&[
            ("STEAM_LOCAL_USER", "2"),
            ("STEAM_LOCAL_NAME", "Ada"),
            ("STEAM_LOCAL_PORT_BASE", "40000"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!((named.name.as_str(), named.port_base), ("Ada", 40_000));
    }

    #[test]
    fn unset_is_none_and_nonsense_is_an_error() {
        assert_eq!(LocalIdentity::from_lookup(env(&[])), Ok(None));
        assert!(LocalIdentity::from_lookup(env(&[("STEAM_LOCAL_USER", "zero")])).is_err());
        assert!(LocalIdentity::from_lookup(env(&[("STEAM_LOCAL_USER", "0")])).is_err());
        assert!(LocalIdentity::from_lookup(env(&[("STEAM_LOCAL_USER", "70000")])).is_err());
        assert_eq!(user_of(SteamId(12)), None);
    }
}
