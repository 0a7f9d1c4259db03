//! The results chart: for each figure compared with ENet, how many times better ours is
//! (ENet = 1), with the target, drawn from the same run as the table.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

use super::figures::{Better, Target};
use super::report::Results;
use crate::Result;

struct Bar {
    label: String,
    advantage: f64,
    /// The spread of our rounds, as advantages.
    low: f64,
    high: f64,
    /// The target, as an advantage.
    target: f64,
}

/// Draws the chart as a PNG at `path`.
pub fn draw(results: &Results, path: &Path) -> Result<()> {
    use_embedded_font()?;
    let bars = bars(results);
    if bars.is_empty() {
        return Err("no figure was measured for both peers: nothing to chart".into());
    }
    // A log scale: a 15-times figure and a 1.1-times one both stay readable, and 1/2 sits as
    // far below ENet as 2 above.
    let top = bars
        .iter()
        .map(|b| b.high.max(b.target))
        .fold(1.0, f64::max)
        * 4.0;
    let bottom = bars.iter().map(|b| b.low.min(b.target)).fold(1.0, f64::min) / 2.0;
    let root = BitMapBackend::new(path, (960, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "SteamMultiplayerPeer against ENetMultiplayerPeer, {}",
                results.date
            ),
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(
            (0..bars.len() - 1).into_segmented(),
            (bottom..top)
                .log_scale()
                .with_key_points(vec![0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]),
        )
        .map_err(draw_error)?;
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(bars.len())
        .x_label_formatter(&|value| match value {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .y_label_formatter(&|value| format!("{value}×"))
        .y_desc("times better than ENet (log scale; ENet = 1)")
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 15))
        .draw()
        .map_err(draw_error)?;
    let blue = RGBColor(52, 101, 164);
    chart
        .draw_series(bars.iter().enumerate().map(|(i, bar)| {
            let mut rect = Rectangle::new(
                [
                    (SegmentValue::Exact(i), bottom),
                    (SegmentValue::Exact(i + 1), bar.advantage),
                ],
                blue.filled(),
            );
            rect.set_margin(0, 0, 18, 18);
            rect
        }))
        .map_err(draw_error)?
        .label("ours (median; whiskers: spread of the rounds)")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], blue.filled()));
    chart
        .draw_series(bars.iter().enumerate().map(|(i, bar)| {
            PathElement::new(
                vec![
                    (SegmentValue::CenterOf(i), bar.low),
                    (SegmentValue::CenterOf(i), bar.high),
                ],
                BLACK.stroke_width(2),
            )
        }))
        .map_err(draw_error)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, bar)| {
            PathElement::new(
                vec![
                    (SegmentValue::Exact(i), bar.target),
                    (SegmentValue::Exact(i + 1), bar.target),
                ],
                RED.stroke_width(3),
            )
        }))
        .map_err(draw_error)?
        .label("target")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], RED.stroke_width(3)));
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![
                (SegmentValue::Exact(0), 1.0),
                (SegmentValue::Exact(bars.len()), 1.0),
            ],
            BLACK.mix(0.6).stroke_width(1),
        )))
        .map_err(draw_error)?;
    let value_style =
        TextStyle::from(("sans-serif", 15).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
    chart
        .draw_series(bars.iter().enumerate().map(|(i, bar)| {
            Text::new(
                format!("{:.2}×", bar.advantage),
                (SegmentValue::CenterOf(i), bar.high.max(bar.target) * 1.08),
                value_style.clone(),
            )
        }))
        .map_err(draw_error)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(draw_error)?;
    root.present().map_err(draw_error)?;
    Ok(())
}

fn bars(results: &Results) -> Vec<Bar> {
    results
        .rows()
        .into_iter()
        .filter_map(|row| {
            let Target::TimesEnet(times) = row.metric.target else {
                return None;
            };
            let (ours, enet) = (row.ours?, row.enet?);
            let advantage = row.advantage()?;
            let (low, high, target) = match row.metric.better {
                Better::Higher => (ours.min / enet.median, ours.max / enet.median, times),
                Better::Lower => (enet.median / ours.max, enet.median / ours.min, 1.0 / times),
            };
            Some(Bar {
                label: format!("{} {}", row.metric.row, short(row.metric.key)),
                advantage,
                low,
                high,
                target,
            })
        })
        .collect()
}

fn short(key: &str) -> &'static str {
    match key {
        "unreliable_received_per_s" => "unreliable/s",
        "rtt_p50_ms" => "RTT p50",
        "rtt_p99_ms" => "RTT p99",
        "bulk_mb_per_s" => "bulk MB/s",
        "broadcast_delivered_per_s" => "broadcast/s",
        "connect_all_ms" => "connect 8",
        _ => "",
    }
}

/// Draws text with DejaVu Sans, embedded: no system fonts may be installed.
pub fn use_embedded_font() -> Result<()> {
    register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
        .map_err(|_| "DejaVu Sans did not load".into())
}

/// A plotters failure, as ours.
pub fn draw_error<E: std::fmt::Debug>(err: E) -> Box<dyn std::error::Error> {
    format!("drawing the chart: {err:?}").into()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::draw;
    use crate::bench::figures::Samples;
    use crate::bench::report::Results;
    use crate::bench::scenarios::Peer;

    #[test]
    fn draws_a_png() {
        let mut samples = BTreeMap::new();
        for (key, ours, enet) in [
            (
                "unreliable_received_per_s",
                [120e3, 130e3, 110e3],
                [30e3, 31e3, 29e3],
            ),
            ("rtt_p50_ms", [8.3, 8.3, 8.4], [8.3, 8.4, 8.3]),
            ("bulk_mb_per_s", [110.0, 120.0, 100.0], [7.0, 8.0, 7.5]),
            ("connect_all_ms", [40.0, 45.0, 50.0], [90.0, 95.0, 85.0]),
        ] {
            samples.insert((key, Peer::Steam), Samples(ours.to_vec()));
            samples.insert((key, Peer::Enet), Samples(enet.to_vec()));
        }
        let results = Results {
            samples,
            rounds: 3,
            date: "2026-12-03 10:00".into(),
            machine: vec!["2 cores".into()],
        };
        let path = std::env::temp_dir().join(format!("bench-chart-{}.png", std::process::id()));
        draw(&results, &path).unwrap();
        let png = std::fs::read(&path).unwrap();
        if std::env::var_os("KEEP_CHART").is_none() {
            let _ = std::fs::remove_file(&path);
        }
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        assert!(png.len() > 10_000, "a chart of {} bytes", png.len());
    }
}
