//! Judging a scenario's output: the lines that fail a run, warnings, and whether the
//! processes agree.

use super::scenario::Scenario;

/// Lines that fail a run wherever they appear.
const FATAL_PATTERNS: [&str; 7] = [
    "SCRIPT ERROR",
    "Parse Error",
    "Can't open dynamic library",
    "ObjectDB instances leaked",
    "FATAL",
    "Program crashed",
    "Segmentation fault",
];

/// What is wrong with one line of output, if anything.
pub(super) fn judge(line: &str, allowed_errors: &[impl AsRef<str>]) -> Option<String> {
    let trimmed = line.trim();
    if trimmed.starts_with("FAIL:") {
        return Some(trimmed.to_owned());
    }
    if let Some(pattern) = FATAL_PATTERNS.iter().find(|p| line.contains(*p)) {
        return Some(format!("printed {pattern}: {trimmed}"));
    }
    let is_error = ["ERROR:", "USER ERROR:"]
        .iter()
        .any(|p| trimmed.starts_with(p));
    if is_error
        && !allowed_errors
            .iter()
            .any(|allowed| trimmed.contains(allowed.as_ref()))
    {
        return Some(format!("unexpected error: {trimmed}"));
    }
    None
}

/// Whether a line is one of Godot's warnings.
pub(super) fn is_warning(line: &str) -> bool {
    let trimmed = line.trim();
    ["WARNING:", "USER WARNING:"]
        .iter()
        .any(|p| trimmed.starts_with(p))
}

/// What is wrong with the processes' lines starting with `prefix`: each must print one, and
/// all the same.
pub(super) fn disagreements(scenario: &Scenario, log: &[String], prefix: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut first: Option<(&str, &str)> = None;
    for process in &scenario.processes {
        let tag = format!("[{}] ", process.name);
        let said: Vec<&str> = log
            .iter()
            .filter_map(|line| line.strip_prefix(&tag))
            .map(str::trim)
            .filter(|line| line.starts_with(prefix))
            .collect();
        let [line] = said[..] else {
            problems.push(format!(
                "{} printed {} lines starting with {prefix:?}, not one",
                process.name,
                said.len()
            ));
            continue;
        };
        match first {
            None => first = Some((process.name, line)),
            Some((name, other)) if other != line => problems.push(format!(
                "{} and {name} disagree: {line:?} against {other:?}",
                process.name
            )),
            Some(_) => {}
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::{disagreements, is_warning, judge};
    use crate::e2e::scenario::{Backend, Process, Scenario, Screen};

    #[test]
    fn judges_lines() {
        const NONE: [&str; 0] = [];
        assert!(judge("SCRIPT ERROR: Invalid call.", &NONE).is_some());
        assert!(judge("FAIL: reliable order", &NONE).is_some());
        assert!(judge("ERROR: Steam: oops", &NONE).is_some());
        assert!(
            judge(
                "ERROR: SteamMultiplayerPeer.put_packet: invalid target peer 9",
                &["invalid target peer"]
            )
            .is_none()
        );
        assert!(judge("WARNING: Steam: the host refuses new connections", &NONE).is_none());
        assert!(judge("CHECK ok: everything", &NONE).is_none());
    }

    #[test]
    fn finds_warnings() {
        assert!(is_warning(
            "WARNING: Steam: the host refuses new connections"
        ));
        assert!(is_warning("  USER WARNING: oops"));
        assert!(!is_warning("CHECK ok: no WARNING: here"));
    }

    #[test]
    fn processes_must_agree() {
        let process = |name| Process {
            name,
            user: 1,
            args: Vec::new(),
            start_after: None,
            kill_on: None,
        };
        let scenario = Scenario {
            name: "agree",
            project: "p".into(),
            script: None,
            screen: Screen::Headless,
            processes: vec![process("a"), process("b"), process("c")],
            env: Vec::new(),
            port_base: 1,
            timeout: std::time::Duration::from_secs(1),
            allowed_errors: Vec::new(),
            required: Vec::new(),
            agreement: Some("AGREE"),
            no_warnings: false,
            backend: Backend::Local,
        };
        let log = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        let same = log(&["[a] AGREE 1", "[b] other", "[b] AGREE 1", "[c] AGREE 1 "]);
        assert!(disagreements(&scenario, &same, "AGREE").is_empty());
        let differ = log(&["[a] AGREE 1", "[b] AGREE 2", "[c] AGREE 1"]);
        assert_eq!(disagreements(&scenario, &differ, "AGREE").len(), 1);
        let missing = log(&["[a] AGREE 1", "[b] AGREE 1", "[b] AGREE 1"]);
        assert_eq!(disagreements(&scenario, &missing, "AGREE").len(), 2);
    }
}
