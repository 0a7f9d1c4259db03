//! The benchmark's results as a table (terminal, Markdown file, README section) and JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::figures::{Better, METRICS, Metric, Samples, Summary, Target, meets};
use super::scenarios::Peer;

/// Everything one `cargo xtask bench` measured.
pub struct Results {
    /// Each figure's rounds, per peer (core figures: ours only).
    pub samples: BTreeMap<(&'static str, Peer), Samples>,
    pub rounds: usize,
    /// When it ran (UTC).
    pub date: String,
    /// The machine: CPU, cores, memory, OS, Godot, and how loaded it was.
    pub machine: Vec<String>,
}

/// One figure, summed up for both peers.
pub struct Row {
    pub metric: Metric,
    pub ours: Option<Summary>,
    pub enet: Option<Summary>,
}

impl Row {
    /// Ours against ENet's, as "times better": above 1 is better, whichever way the figure goes.
    pub fn advantage(&self) -> Option<f64> {
        let (ours, enet) = (self.ours?.median, self.enet?.median);
        match self.metric.better {
            Better::Higher if enet > 0.0 => Some(ours / enet),
            Better::Lower if ours > 0.0 => Some(enet / ours),
            _ => None,
        }
    }

    pub fn met(&self) -> Option<bool> {
        meets(&self.metric, self.ours, self.enet)
    }
}

impl Results {
    pub fn rows(&self) -> Vec<Row> {
        METRICS
            .iter()
            .map(|metric| Row {
                metric: *metric,
                ours: self
                    .samples
                    .get(&(metric.key, Peer::Steam))
                    .and_then(Samples::summary),
                enet: self
                    .samples
                    .get(&(metric.key, Peer::Enet))
                    .and_then(Samples::summary),
            })
            .collect()
    }

    pub fn noisy(&self) -> Vec<&'static str> {
        self.rows()
            .iter()
            .filter(|row| {
                row.ours.is_some_and(|s| s.is_noisy()) || row.enet.is_some_and(|s| s.is_noisy())
            })
            .map(|row| row.metric.key)
            .collect()
    }

    /// The results table, in Markdown (readable as it is in a terminal).
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| # | Scenario | Measure | SteamMultiplayerPeer | ENetMultiplayerPeer | Ours vs ENet | Target | Met |\n\
             |---|---|---|---|---|---|---|---|\n",
        );
        for row in self.rows() {
            let metric = row.metric;
            let ratio = row
                .ours
                .zip(row.enet)
                .filter(|(_, e)| e.median != 0.0)
                .map_or("–".to_owned(), |(o, e)| {
                    format!("{:.2}×", o.median / e.median)
                });
            let target = match metric.target {
                Target::TimesEnet(times) => match metric.better {
                    Better::Higher => format!("≥ {times}× ENet"),
                    Better::Lower => format!("≤ {times}× ENet"),
                },
                Target::AtMost(limit) => format!("≤ {} {}", number(limit), metric.unit),
                Target::None => "–".to_owned(),
            };
            let met = match row.met() {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "–",
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {ratio} | {target} | {met} |",
                metric.row,
                metric.scenario,
                metric.measure,
                cell(row.ours, metric.unit),
                cell(row.enet, metric.unit),
            );
        }
        out
    }

    /// The whole results file: table, notes, noise, machine and date.
    pub fn markdown(&self, chart_file: &str) -> String {
        let mut out = format!(
            "# Benchmark: SteamMultiplayerPeer against ENetMultiplayerPeer\n\n\
             `cargo xtask bench`, {} (UTC). Each figure is the median of {} rounds, with the \
             spread (max − min) / median over the rounds after ±. Ours within {:.0}% of a \
             target against ENet meets it (finer than the figures resolve).\n\n",
            self.date,
            self.rounds,
            super::figures::EQUAL_WITHIN * 100.0
        );
        out.push_str(&self.table());
        out.push('\n');
        out.push_str(&self.noise_note());
        let _ = writeln!(out, "\n![Ours against ENet]({chart_file})\n");
        out.push_str(
            "What profiling found behind these figures, and what was changed for them: \
             [findings.md](findings.md).\n\n## Machine\n\n",
        );
        for line in &self.machine {
            let _ = writeln!(out, "- {line}");
        }
        out
    }

    fn noise_note(&self) -> String {
        let noisy = self.noisy();
        if noisy.is_empty() {
            return format!(
                "Every figure's rounds agree within {:.0}%.\n",
                super::figures::NOISY_SPREAD_PCT
            );
        }
        format!(
            "**Too noisy to trust** (rounds differ by more than {:.0}%; the machine was busy): {}.\n",
            super::figures::NOISY_SPREAD_PCT,
            noisy.join(", ")
        )
    }

    /// The README's results section: the table, the chart and where the details are.
    pub fn readme_section(&self) -> String {
        format!(
            "Measured by `cargo xtask bench` on {} ({}),\nmedian of {} rounds ± spread; \
             the machine's load, and what profiling found:\n\
             [bench/results/latest.md](bench/results/latest.md).\n\n{}\n{}\n\
             ![Ours against ENet, times better](bench/results/latest.png)\n",
            self.date,
            self.machine.first().map_or("this machine", String::as_str),
            self.rounds,
            self.table(),
            self.noise_note()
        )
    }

    /// The figures, as JSON.
    pub fn json(&self) -> String {
        let mut figures = Vec::new();
        for row in self.rows() {
            for (peer, summary) in [(Peer::Steam, row.ours), (Peer::Enet, row.enet)] {
                let Some(s) = summary else { continue };
                let rounds = &self.samples[&(row.metric.key, peer)].0;
                figures.push(format!(
                    "    {{\"row\": \"{}\", \"key\": \"{}\", \"peer\": \"{}\", \"unit\": \"{}\", \
                     \"median\": {}, \"min\": {}, \"max\": {}, \"spread_pct\": {:.1}, \
                     \"noisy\": {}, \"rounds\": [{}]}}",
                    row.metric.row,
                    row.metric.key,
                    peer.name(),
                    row.metric.unit,
                    s.median,
                    s.min,
                    s.max,
                    s.spread_pct(),
                    s.is_noisy(),
                    rounds
                        .iter()
                        .map(f64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        let machine: Vec<String> = self.machine.iter().map(|m| json_string(m)).collect();
        format!(
            "{{\n  \"date\": {},\n  \"rounds\": {},\n  \"machine\": [{}],\n  \"figures\": [\n{}\n  ]\n}}\n",
            json_string(&self.date),
            self.rounds,
            machine.join(", "),
            figures.join(",\n")
        )
    }
}

fn json_string(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if c.is_control() => vec![' '],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

fn cell(summary: Option<Summary>, unit: &str) -> String {
    let Some(s) = summary else {
        return "–".to_owned();
    };
    let noisy = if s.is_noisy() { " (noisy)" } else { "" };
    if s.rounds > 1 {
        format!("{} {unit} ±{:.0}%{noisy}", number(s.median), s.spread_pct())
    } else {
        format!("{} {unit}", number(s.median))
    }
}

/// Three significant figures or so, without exponent.
pub fn number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// `readme` with the text between the bench markers replaced by `section`.
pub fn replace_section(readme: &str, section: &str) -> Result<String, String> {
    const START: &str = "<!-- bench:start -->";
    const END: &str = "<!-- bench:end -->";
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        return Err(format!("the README has no {START} … {END} section"));
    };
    if end < start {
        return Err(format!("the README's {END} comes before {START}"));
    }
    Ok(format!(
        "{}{START}\n{section}{}",
        &readme[..start],
        &readme[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::{Results, number, replace_section};
    use crate::bench::figures::Samples;
    use crate::bench::scenarios::Peer;

    #[test]
    fn replaces_the_readme_section() {
        let readme = "a\n<!-- bench:start -->\nold\n<!-- bench:end -->\nb\n";
        let new = replace_section(readme, "new\n").unwrap();
        assert_eq!(new, "a\n<!-- bench:start -->\nnew\n<!-- bench:end -->\nb\n");
        assert!(replace_section("no markers", "x").is_err());
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(number(123456.7), "123457");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(number(1.234), "1.23");
    }

    #[test]
    fn tables_and_json_carry_both_peers() {
        let mut samples = std::collections::BTreeMap::new();
        samples.insert(("rtt_p50_ms", Peer::Steam), Samples(vec![8.0, 8.2, 7.9]));
        samples.insert(("rtt_p50_ms", Peer::Enet), Samples(vec![9.0, 30.0, 9.1]));
        let results = Results {
            samples,
            rounds: 3,
            date: "2026-12-03 10:00".into(),
            machine: vec!["2 cores".into()],
        };
        let table = results.table();
        let line = table.lines().find(|l| l.contains("p50")).unwrap();
        assert!(line.contains("8.00 ms ±4%"), "{line}");
        assert!(line.contains("(noisy)"), "{line}");
        assert!(line.contains("| yes |"), "{line}");
        assert_eq!(results.noisy(), vec!["rtt_p50_ms"]);
        assert!(
            results
                .json()
                .contains("\"peer\": \"enet\", \"unit\": \"ms\", \"median\": 9.1")
        );
    }
}
