//! A local lobby's state, the changes members learn of, and the rules of each operation.

use std::collections::{BTreeMap, VecDeque};

use smp_protocol::SteamId;

use super::records::{Reader, Writer};
use crate::types::{ChatRoomEnterResponse, LobbyFilter, LobbyId, LobbyType};

/// How many recent changes a lobby keeps for members catching up.
const KEPT_CHANGES: usize = 256;
const FORMAT: u8 = 1;

/// One member.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Member {
    /// Who.
    pub steam_id: SteamId,
    /// The instance that joined: a restarted process is a different member.
    pub token: u64,
    /// Its member data.
    pub data: BTreeMap<String, String>,
}

/// Something that happened to a lobby, which every member hears about.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Change {
    /// A member joined.
    Entered(SteamId),
    /// A member left.
    Left(SteamId),
    /// A member's process ended without leaving.
    Disconnected(SteamId),
    /// The lobby's data changed.
    LobbyData,
    /// A member's data changed.
    MemberData(SteamId),
    /// Ownership passed to this member.
    Owner(SteamId),
}

/// A lobby as it is stored.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Lobby {
    /// Its id.
    pub id: LobbyId,
    /// Its owner, always a member.
    pub owner: SteamId,
    /// Its type.
    pub kind: LobbyType,
    /// Whether users may join.
    pub joinable: bool,
    /// The most members it takes.
    pub limit: u32,
    /// Its data.
    pub data: BTreeMap<String, String>,
    /// Its members, in the order they joined.
    pub members: Vec<Member>,
    /// Recent changes, numbered.
    pub changes: VecDeque<(u64, Change)>,
    /// The number the next change gets.
    pub next_change: u64,
}

impl Lobby {
    /// A lobby owned by `owner` (instance `token`), its only member.
    pub fn new(id: LobbyId, owner: SteamId, token: u64, kind: LobbyType, limit: u32) -> Self {
        Lobby {
            id,
            owner,
            kind,
            joinable: true,
            limit,
            data: BTreeMap::new(),
            members: vec![Member {
                steam_id: owner,
                token,
                data: BTreeMap::new(),
            }],
            changes: VecDeque::new(),
            next_change: 0,
        }
    }

    /// The member `steam_id`.
    pub fn member(&self, steam_id: SteamId) -> Option<&Member> {
        self.members.iter().find(|m| m.steam_id == steam_id)
    }

    fn record(&mut self, change: Change) {
        self.changes.push_back((self.next_change, change));
        self.next_change += 1;
        while self.changes.len() > KEPT_CHANGES {
            self.changes.pop_front();
        }
    }

    /// Changes numbered `since` and after.
    pub fn changes_since(&self, since: u64) -> impl Iterator<Item = Change> + '_ {
        self.changes
            .iter()
            .filter(move |(seq, _)| *seq >= since)
            .map(|(_, change)| *change)
    }

    /// Adds `steam_id` (instance `token`), or says why it cannot join.
    pub fn join(&mut self, steam_id: SteamId, token: u64) -> Result<(), ChatRoomEnterResponse> {
        if let Some(member) = self.members.iter_mut().find(|m| m.steam_id == steam_id) {
            member.token = token;
            return Ok(());
        }
        if !self.joinable {
            return Err(ChatRoomEnterResponse::NotAllowed);
        }
        if self.members.len() >= self.limit as usize {
            return Err(ChatRoomEnterResponse::Full);
        }
        self.members.push(Member {
            steam_id,
            token,
            data: BTreeMap::new(),
        });
        self.record(Change::Entered(steam_id));
        Ok(())
    }

    /// Removes a member, recording `how` it went; ownership passes to the longest-standing
    /// member left. Returns false when it was not a member.
    pub fn remove(&mut self, steam_id: SteamId, how: Change) -> bool {
        let Some(index) = self.members.iter().position(|m| m.steam_id == steam_id) else {
            return false;
        };
        self.members.remove(index);
        self.record(how);
        if self.owner == steam_id
            && let Some(next) = self.members.first().map(|m| m.steam_id)
        {
            self.owner = next;
            self.record(Change::Owner(next));
        }
        true
    }

    /// Sets (`Some`) or deletes (`None`) a data key. Returns false if nothing changed.
    pub fn set_data(&mut self, key: &str, value: Option<&str>) -> bool {
        // As on Steam, setting "" resets the key.
        let changed = match value.filter(|v| !v.is_empty()) {
            Some(value) => {
                self.data
                    .insert(key.to_owned(), value.to_owned())
                    .as_deref()
                    != Some(value)
            }
            None => self.data.remove(key).is_some(),
        };
        if changed {
            self.record(Change::LobbyData);
        }
        changed
    }

    /// Sets a member's data key. Returns false if it is not a member.
    pub fn set_member_data(&mut self, steam_id: SteamId, key: &str, value: &str) -> bool {
        let Some(member) = self.members.iter_mut().find(|m| m.steam_id == steam_id) else {
            return false;
        };
        member.data.insert(key.to_owned(), value.to_owned());
        self.record(Change::MemberData(steam_id));
        true
    }

    /// Hands the lobby to `owner`, a member. Returns false if it is not one.
    pub fn set_owner(&mut self, owner: SteamId) -> bool {
        if self.member(owner).is_none() {
            return false;
        }
        if self.owner != owner {
            self.owner = owner;
            self.record(Change::Owner(owner));
        }
        true
    }

    /// Records that the lobby's settings (type, limit, joinable) changed.
    pub fn settings_changed(&mut self) {
        self.record(Change::LobbyData);
    }

    /// Whether a lobby list with `filter` shows this lobby: as on Steam, only public and
    /// invisible lobbies that are joinable and not full.
    pub fn matches(&self, filter: &LobbyFilter) -> bool {
        let listed = matches!(self.kind, LobbyType::Public | LobbyType::Invisible);
        let free = (self.limit as usize).saturating_sub(self.members.len());
        if !listed || !self.joinable || free == 0 {
            return false;
        }
        if filter
            .slots_available
            .is_some_and(|slots| free < slots as usize)
        {
            return false;
        }
        let value = |key: &str| self.data.get(key).map_or("", String::as_str);
        filter
            .strings
            .iter()
            .all(|(key, wanted, cmp)| cmp.holds(value(key), wanted.as_str()))
            && filter.numbers.iter().all(|(key, wanted, cmp)| {
                value(key)
                    .trim()
                    .parse::<i64>()
                    .is_ok_and(|have| cmp.holds(have, *wanted))
            })
    }

    /// How far lobby data `key`, read as a number, is from `value`; unreadable is farthest.
    pub fn distance_from(&self, key: &str, value: i64) -> u64 {
        self.data
            .get(key)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .map_or(u64::MAX, |have| have.abs_diff(value))
    }

    /// The stored form.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(FORMAT)
            .u64(self.id.0)
            .u64(self.owner.0)
            .u8(self.kind as u8)
            .u8(self.joinable as u8)
            .u32(self.limit);
        write_map(&mut w, &self.data);
        w.u32(self.members.len() as u32);
        for member in &self.members {
            w.u64(member.steam_id.0).u64(member.token);
            write_map(&mut w, &member.data);
        }
        w.u64(self.next_change).u32(self.changes.len() as u32);
        for (seq, change) in &self.changes {
            let (kind, who) = match *change {
                Change::Entered(id) => (0, id),
                Change::Left(id) => (1, id),
                Change::Disconnected(id) => (2, id),
                Change::LobbyData => (3, SteamId(0)),
                Change::MemberData(id) => (4, id),
                Change::Owner(id) => (5, id),
            };
            w.u64(*seq).u8(kind).u64(who.0);
        }
        w.into_bytes()
    }

    /// Reads the stored form; `None` when it is not one.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader::new(bytes);
        if r.u8()? != FORMAT {
            return None;
        }
        let id = SteamId(r.u64()?);
        let owner = SteamId(r.u64()?);
        let kind = LobbyType::from_raw(r.u8()?.into())?;
        let joinable = r.u8()? != 0;
        let limit = r.u32()?;
        let data = read_map(&mut r)?;
        let mut members = Vec::new();
        for _ in 0..r.u32()? {
            members.push(Member {
                steam_id: SteamId(r.u64()?),
                token: r.u64()?,
                data: read_map(&mut r)?,
            });
        }
        let next_change = r.u64()?;
        let mut changes = VecDeque::new();
        for _ in 0..r.u32()? {
            let seq = r.u64()?;
            let kind = r.u8()?;
            let who = SteamId(r.u64()?);
            changes.push_back((
                seq,
                match kind {
                    0 => Change::Entered(who),
                    1 => Change::Left(who),
                    2 => Change::Disconnected(who),
                    3 => Change::LobbyData,
                    4 => Change::MemberData(who),
                    5 => Change::Owner(who),
                    _ => return None,
                },
            ));
        }
        r.is_empty().then_some(Lobby {
            id,
            owner,
            kind,
            joinable,
            limit,
            data,
            members,
            changes,
            next_change,
        })
    }
}

fn write_map(w: &mut Writer, map: &BTreeMap<String, String>) {
    w.u32(map.len() as u32);
    for (key, value) in map {
        w.str(key).str(value);
    }
}

fn read_map(r: &mut Reader<'_>) -> Option<BTreeMap<String, String>> {
    (0..r.u32()?).map(|_| Some((r.str()?, r.str()?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{LobbyComparison, lobby_id};

    fn user(n: u32) -> SteamId {
        SteamId::individual(n)
    }

    #[test]
    fn membership_follows_the_rules_and_ownership_passes_on() {
        let mut lobby = Lobby::new(lobby_id(1), user(1), 11, LobbyType::Public, 3);
        assert_eq!(lobby.join(user(2), 22), Ok(()));
        assert_eq!(lobby.join(user(3), 33), Ok(()));
        assert_eq!(lobby.join(user(4), 44), Err(ChatRoomEnterResponse::Full));
        assert!(lobby.remove(user(1), Change::Left(user(1))));
        assert_eq!(lobby.owner, user(2), "the longest-standing member owns it");
        lobby.joinable = false;
        assert_eq!(
            lobby.join(user(4), 44),
            Err(ChatRoomEnterResponse::NotAllowed)
        );
        let changes: Vec<Change> = lobby.changes_since(0).collect();
        assert_eq!(
            changes,
            [
                Change::Entered(user(2)),
                Change::Entered(user(3)),
                Change::Left(user(1)),
                Change::Owner(user(2))
            ]
        );
        assert_eq!(lobby.changes_since(3).count(), 1);
    }

    #[test]
    fn the_stored_form_round_trips_and_garbage_is_none() {
        let mut lobby = Lobby::new(lobby_id(9), user(1), 11, LobbyType::FriendsOnly, 8);
        lobby.join(user(2), 22).unwrap();
        lobby.set_data("name", Some("Ada's game"));
        lobby.set_member_data(user(2), "ready", "1");
        lobby.remove(user(2), Change::Disconnected(user(2)));
        let bytes = lobby.encode();
        assert_eq!(Lobby::decode(&bytes), Some(lobby));
        for cut in 0..bytes.len() {
            assert_eq!(Lobby::decode(&bytes[..cut]), None);
        }
    }

    #[test]
    fn lists_show_public_and_invisible_lobbies_with_room_that_pass_the_filters() {
        let mut lobby = Lobby::new(lobby_id(2), user(1), 11, LobbyType::Public, 4);
        lobby.set_data("mode", Some("ctf"));
        lobby.set_data("level", Some("12"));
        let mut filter = LobbyFilter::default();
        assert!(lobby.matches(&filter));
        filter
            .strings
            .push(("mode".into(), "ctf".into(), LobbyComparison::Equal));
        filter
            .numbers
            .push(("level".into(), 10, LobbyComparison::GreaterThan));
        assert!(lobby.matches(&filter));
        filter
            .numbers
            .push(("level".into(), 12, LobbyComparison::LessThan));
        assert!(!lobby.matches(&filter));
        let plain = LobbyFilter::default();
        lobby.kind = LobbyType::Invisible;
        assert!(
            lobby.matches(&plain),
            "invisible lobbies are found by search"
        );
        for kind in [LobbyType::Private, LobbyType::FriendsOnly] {
            lobby.kind = kind;
            assert!(!lobby.matches(&plain), "{kind:?}");
        }
        lobby.kind = LobbyType::Public;
        lobby.limit = 1;
        assert!(!lobby.matches(&plain), "full lobbies are not listed");
        lobby.limit = 4;
        lobby.joinable = false;
        assert!(!lobby.matches(&plain), "nor lobbies that refuse joins");
    }

    #[test]
    fn setting_lobby_data_to_nothing_resets_the_key() {
        let mut lobby = Lobby::new(lobby_id(3), user(1), 11, LobbyType::Public, 4);
        assert!(lobby.set_data("mode", Some("ctf")));
        assert!(lobby.set_data("mode", Some("")));
        assert!(!lobby.data.contains_key("mode"));
        assert!(!lobby.set_data("mode", Some("")), "nothing changed");
    }
}
