//! The folder local instances share: who is running, the lobbies and their chat.
//!
//! `<temp>/steam-local-<port base>/` holds `users/<n>.lock` (held by the running instance of
//! user `n`, so the kernel releases it when that process dies, however it dies), `users/<n>.info`
//! (its Steam id, persona name and instance token), and `lobbies/<id>/` with `lobby` (the
//! lobby's state, replaced whole by rename), `lock` (held while changing it) and `chat`
//! (appended messages). The port base in the name keeps separate local networks apart.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use smp_protocol::SteamId;

use super::lobby::Lobby;
use super::records::{Reader, Writer};
use crate::types::LobbyId;

/// The shared folder.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
}

/// What `users/<n>.info` says of a running instance.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UserInfo {
    /// Its Steam id.
    pub steam_id: SteamId,
    /// Tells this instance apart from earlier ones of the same user.
    pub token: u64,
    /// Its persona name.
    pub name: String,
}

/// This instance's claim on its user number, held as long as it lives.
#[derive(Debug)]
pub struct Presence {
    _lock: File,
    /// This instance's token.
    pub token: u64,
}

impl Store {
    /// The folder of the local network whose ports start at `port_base`.
    pub fn for_port_base(port_base: u16) -> Self {
        Store::at(std::env::temp_dir().join(format!("steam-local-{port_base}")))
    }

    /// A store in `root`.
    pub fn at(root: PathBuf) -> Self {
        Store { root }
    }

    fn user_path(&self, steam_id: SteamId, extension: &str) -> PathBuf {
        self.root
            .join("users")
            .join(format!("{}.{extension}", steam_id.0))
    }

    fn lobby_dir(&self, lobby: LobbyId) -> PathBuf {
        self.root.join("lobbies").join(lobby.0.to_string())
    }

    /// Claims `info.steam_id` for this process and publishes its name. Fails when another
    /// running process holds the same user.
    pub fn register(&self, info: &UserInfo) -> io::Result<Presence> {
        fs::create_dir_all(self.root.join("users"))?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.user_path(info.steam_id, "lock"))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!("another running instance is already user {}", info.steam_id),
                ));
            }
            Err(TryLockError::Error(e)) => return Err(e),
        }
        let mut record = Writer::default();
        record.u64(info.steam_id.0).u64(info.token).str(&info.name);
        write_atomically(&self.user_path(info.steam_id, "info"), &record.into_bytes())?;
        Ok(Presence {
            _lock: lock,
            token: info.token,
        })
    }

    /// What a user's instance published, if it is running.
    pub fn running_user(&self, steam_id: SteamId) -> Option<UserInfo> {
        let lock = File::open(self.user_path(steam_id, "lock")).ok()?;
        match lock.try_lock() {
            // Nobody holds it: that user's process is gone.
            Ok(()) => return None,
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(_)) => return None,
        }
        let bytes = fs::read(self.user_path(steam_id, "info")).ok()?;
        let mut reader = Reader::new(&bytes);
        Some(UserInfo {
            steam_id: SteamId(reader.u64()?),
            token: reader.u64()?,
            name: reader.str()?,
        })
    }

    /// True when the instance `token` of `steam_id` is still running.
    pub fn is_running(&self, steam_id: SteamId, token: u64) -> bool {
        self.running_user(steam_id)
            .is_some_and(|info| info.token == token)
    }

    /// Every running user.
    pub fn running_users(&self) -> Vec<UserInfo> {
        let Ok(entries) = fs::read_dir(self.root.join("users")) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.strip_suffix(".lock")?.parse().ok())
            .filter_map(|id| self.running_user(SteamId(id)))
            .collect()
    }

    /// The ids of every lobby on disk.
    pub fn lobby_ids(&self) -> Vec<LobbyId> {
        let Ok(entries) = fs::read_dir(self.root.join("lobbies")) else {
            return Vec::new();
        };
        let mut ids: Vec<LobbyId> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse().ok())
            .map(SteamId)
            .collect();
        ids.sort();
        ids
    }

    /// A lobby as it was last written, without locking: writers replace it whole.
    pub fn read_lobby(&self, lobby: LobbyId) -> Option<Lobby> {
        Lobby::decode(&fs::read(self.lobby_dir(lobby).join("lobby")).ok()?)
    }

    /// Changes a lobby under its lock. `change` gets the lobby (`None` if there is none) and
    /// may create, modify or remove it; the result is written back, or the lobby's folder
    /// removed when it ends as `None`.
    pub fn update_lobby<R>(
        &self,
        lobby: LobbyId,
        change: impl FnOnce(&mut Option<Lobby>) -> R,
    ) -> io::Result<R> {
        let dir = self.lobby_dir(lobby);
        fs::create_dir_all(&dir)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("lock"))?;
        lock.lock()?;
        let mut current = fs::read(dir.join("lobby"))
            .ok()
            .and_then(|bytes| Lobby::decode(&bytes));
        let result = change(&mut current);
        match &current {
            Some(state) => write_atomically(&dir.join("lobby"), &state.encode())?,
            None => {
                // Gone (or never there): remove its files while still holding the lock.
                let _ = fs::remove_file(dir.join("lobby"));
                let _ = fs::remove_file(dir.join("chat"));
                drop(lock);
                let _ = fs::remove_dir_all(&dir);
            }
        }
        Ok(result)
    }

    /// Appends a chat message to a lobby.
    pub fn append_chat(&self, lobby: LobbyId, from: SteamId, message: &str) -> io::Result<()> {
        let mut record = Writer::default();
        record.u64(from.0).str(message);
        let record = record.into_bytes();
        let mut entry = (record.len() as u32).to_le_bytes().to_vec();
        entry.extend_from_slice(&record);
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.lobby_dir(lobby).join("chat"))?;
        file.lock()?;
        file.write_all(&entry)
    }

    /// Chat messages from byte `offset` on, and the offset after them.
    pub fn read_chat(&self, lobby: LobbyId, offset: u64) -> (Vec<(SteamId, String)>, u64) {
        let mut messages = Vec::new();
        let Ok(mut file) = File::open(self.lobby_dir(lobby).join("chat")) else {
            return (messages, offset);
        };
        let mut bytes = Vec::new();
        if file.seek(SeekFrom::Start(offset)).is_err() || file.read_to_end(&mut bytes).is_err() {
            return (messages, offset);
        }
        let mut used = 0usize;
        while let Some(len) = bytes
            .get(used..used + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
        {
            let Some(record) = bytes.get(used + 4..used + 4 + len) else {
                break; // Being written.
            };
            let mut reader = Reader::new(record);
            if let (Some(from), Some(text)) = (reader.u64(), reader.str()) {
                messages.push((SteamId(from), text));
            }
            used += 4 + len;
        }
        (messages, offset + used as u64)
    }

    /// Leaves an invitation to `lobby` from `from` for user `to`.
    pub fn send_invite(&self, to: SteamId, from: SteamId, lobby: LobbyId) -> io::Result<()> {
        let dir = self.root.join("invites").join(to.0.to_string());
        fs::create_dir_all(&dir)?;
        let mut record = Writer::default();
        record.u64(from.0).u64(lobby.0);
        let name = format!("{}-{}-{}", lobby.0, from.0, std::process::id());
        write_atomically(&dir.join(name), &record.into_bytes())
    }

    /// Takes the invitations waiting for `to`: (inviter, lobby).
    pub fn take_invites(&self, to: SteamId) -> Vec<(SteamId, LobbyId)> {
        let Ok(entries) = fs::read_dir(self.root.join("invites").join(to.0.to_string())) else {
            return Vec::new();
        };
        let mut invites = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some() {
                continue; // Still being written.
            }
            if let Ok(bytes) = fs::read(&path) {
                let mut reader = Reader::new(&bytes);
                if let (Some(from), Some(lobby)) = (reader.u64(), reader.u64()) {
                    invites.push((SteamId(from), SteamId(lobby)));
                }
            }
            let _ = fs::remove_file(path);
        }
        invites
    }

    /// The end of a lobby's chat: where a new member starts reading.
    pub fn chat_end(&self, lobby: LobbyId) -> u64 {
        fs::metadata(self.lobby_dir(lobby).join("chat")).map_or(0, |m| m.len())
    }
}

/// Replaces `path` whole: readers see the old or the new content, never a mix.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&temporary, bytes)?;
    fs::rename(&temporary, path)
}
