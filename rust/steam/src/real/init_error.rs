//! Why Steam could not be initialized: Steam's own refusal, or another integration, or an
//! earlier initialization of ours, still in the way.

use std::fmt;

use crate::types::InitStatus;

/// Why [`RealSteam::init`] failed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum InitError {
    /// `SteamAPI_Init` failed; `message` is Steam's own explanation.
    Steam {
        /// What `SteamAPI_Init` returned.
        status: InitStatus,
        /// Steam's message.
        message: String,
    },
    /// Something else in this process (GodotSteam, most likely) already initialized Steam.
    /// Two integrations cannot share it: ours would switch the process to manual callback
    /// dispatch, and the other's callbacks would stop. Remove one of them.
    OtherIntegration,
    /// This addon already initialized Steam in this process.
    AlreadyInitialized,
    /// Peers started before `steamShutdown` still run on Steam, which keeps it initialized;
    /// a new initialization would take their callbacks away.
    StillInUse,
    /// Steam initialized but did not provide an interface this backend needs.
    MissingInterface(&'static str),
}

impl InitError {
    /// The `SteamAPIInitResult` to report: Steam's own, else a generic failure.
    pub fn status(&self) -> InitStatus {
        match self {
            InitError::Steam { status, .. } => *status,
            _ => InitStatus::FailedGeneric,
        }
    }
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Steam { message, .. } => write!(f, "{message}"),
            InitError::OtherIntegration => write!(
                f,
                "Steam was already initialized in this process by another Steam integration \
                 (GodotSteam, for one); this addon cannot share it. Use only one of them"
            ),
            InitError::AlreadyInitialized => {
                write!(f, "Steam is already initialized by this addon")
            }
            InitError::StillInUse => write!(
                f,
                "peers started before Steam.steamShutdown() still run on Steam; close and free \
                 them before initializing Steam again"
            ),
            InitError::MissingInterface(name) => {
                write!(f, "Steam initialized but provides no {name} interface")
            }
        }
    }
}

impl std::error::Error for InitError {}

impl From<InitError> for (InitStatus, String) {
    fn from(error: InitError) -> Self {
        (error.status(), error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_errors_carry_a_status_and_a_message() {
        let steam = InitError::Steam {
            status: InitStatus::NoSteamClient,
            message: "Steam is not running".into(),
        };
        assert_eq!(
            <(InitStatus, String)>::from(steam),
            (InitStatus::NoSteamClient, "Steam is not running".into())
        );
        let (status, message) = InitError::OtherIntegration.into();
        assert_eq!(status, InitStatus::FailedGeneric);
        assert!(message.contains("another Steam integration"), "{message}");
        assert_eq!(
            InitError::AlreadyInitialized.status(),
            InitStatus::FailedGeneric
        );
        let (status, message) = InitError::StillInUse.into();
        assert_eq!(status, InitStatus::FailedGeneric);
        assert!(message.contains("steamShutdown"), "{message}");
    }
}
