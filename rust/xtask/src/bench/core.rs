//! The core micro-benchmarks (`rust/peer/benches`): divan's table for time and heap
//! allocations per packet, and the queued-memory probe's one line.

use std::collections::BTreeMap;
use std::process::Command;

use crate::{Result, cargo};

/// Builds both benchmarks, optimized.
pub fn build() -> Result<()> {
    crate::run(cargo().args([
        "bench",
        "-p",
        "smp_peer",
        "--bench",
        "core",
        "--bench",
        "queued_memory",
        "--no-run",
    ]))
}

/// One round of the core figures: `core_{unreliable,reliable}_{ns,allocs}` and `queued_bytes`.
pub fn round(quick: bool) -> Result<BTreeMap<String, f64>> {
    let samples = if quick { "20" } else { "500" };
    let table = output(cargo().args([
        "bench",
        "-q",
        "-p",
        "smp_peer",
        "--bench",
        "core",
        "--",
        "--color",
        "never",
        "--sample-count",
        samples,
        // Enough packets per sample that the timer's precision (tens of ns) does not matter.
        "--sample-size",
        "64",
    ]))?;
    let mut figures = parse_divan(&table)?;
    let memory =
        output(cargo().args(["bench", "-q", "-p", "smp_peer", "--bench", "queued_memory"]))?;
    let bytes = memory
        .lines()
        .find_map(|line| line.strip_prefix("queued_bytes="))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("the queued-memory benchmark printed no figure:\n{memory}"))?;
    figures.insert("queued_bytes".to_owned(), bytes);
    Ok(figures)
}

fn output(command: &mut Command) -> Result<String> {
    let out = command.output()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!(
            "{:?} failed ({}):\n{text}{}",
            command.get_args().collect::<Vec<_>>(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(text)
}

/// The median time and the median allocations (allocs and grows) per iteration of each
/// benchmark in divan's table.
fn parse_divan(table: &str) -> Result<BTreeMap<String, f64>> {
    let mut figures = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut counting = false;
    for line in table.lines() {
        // A benchmark's detail lines start with the tree's own `│`, not a column's.
        let row = line.strip_prefix('│').unwrap_or(line);
        let columns: Vec<&str> = row.split('│').map(str::trim).collect();
        let first = columns[0].trim_start_matches(['├', '╰', '─', ' ']);
        if let Some(name) = ["unreliable", "reliable"]
            .into_iter()
            .find(|name| first.starts_with(&format!("{name} ")))
        {
            let median = columns
                .get(2)
                .and_then(|text| parse_time_ns(text))
                .ok_or_else(|| format!("no median time in divan's line {line:?}"))?;
            figures.insert(format!("core_{name}_ns"), median);
            figures.insert(format!("core_{name}_allocs"), 0.0);
            current = Some(name.to_owned());
            counting = false;
        } else if first == "alloc:" || first == "grow:" {
            counting = true;
        } else if first.ends_with(':') {
            counting = false;
        } else if counting {
            // The line after `alloc:` holds counts, the one after that sizes.
            counting = false;
            let (Some(name), Some(count)) = (&current, columns.get(2)) else {
                continue;
            };
            let count: f64 = count
                .parse()
                .map_err(|_| format!("no allocation count in divan's line {line:?}"))?;
            *figures.entry(format!("core_{name}_allocs")).or_insert(0.0) += count;
        }
    }
    for name in ["unreliable", "reliable"] {
        if !figures.contains_key(&format!("core_{name}_ns")) {
            return Err(format!("divan's table has no {name} benchmark:\n{table}").into());
        }
    }
    Ok(figures)
}

fn parse_time_ns(text: &str) -> Option<f64> {
    let (number, unit) = text.trim().split_once(' ')?;
    let number: f64 = number.parse().ok()?;
    let scale = match unit {
        "ps" => 1e-3,
        "ns" => 1.0,
        "µs" | "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    };
    Some(number * scale)
}

#[cfg(test)]
mod tests {
    use super::{parse_divan, parse_time_ns};

    #[test]
    fn reads_times() {
        assert_eq!(parse_time_ns("310.5 ns"), Some(310.5));
        assert_eq!(parse_time_ns("1.25 µs"), Some(1250.0));
        assert_eq!(parse_time_ns("fast"), None);
    }

    #[test]
    fn reads_divan_tables() {
        let table = "\
core           fastest       │ slowest       │ median        │ mean          │ samples │ iters
├─ reliable    280.1 ns      │ 1.1 µs        │ 300.2 ns      │ 310 ns        │ 200     │ 3200
│              max alloc:    │               │               │               │         │
│                1           │ 1             │ 1             │ 1             │         │
│                65 B        │ 65 B          │ 65 B          │ 65 B          │         │
│              alloc:        │               │               │               │         │
│                1           │ 1             │ 1             │ 1             │         │
│                65 B        │ 65 B          │ 65 B          │ 65 B          │         │
│              dealloc:      │               │               │               │         │
│                1           │ 1             │ 1             │ 1             │         │
│                65 B        │ 65 B          │ 65 B          │ 65 B          │         │
╰─ unreliable  290 ns        │ 900 ns        │ 1.5 µs        │ 320 ns        │ 200     │ 3200
";
        let figures = parse_divan(table).unwrap();
        assert_eq!(figures["core_reliable_ns"], 300.2);
        assert_eq!(figures["core_reliable_allocs"], 1.0);
        assert_eq!(figures["core_unreliable_ns"], 1500.0);
        assert_eq!(figures["core_unreliable_allocs"], 0.0);
        assert!(parse_divan("nothing").is_err());
    }
}
