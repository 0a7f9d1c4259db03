//! The results chart: for each figure compared with ENet, how many times better ours is
//! (ENet = 1), with the target, drawn from the same run as the table.

use std::path::Path;

use plotters::prelude::*;
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
    // No system fonts may be installed: the text is drawn with DejaVu Sans, embedded.
    register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
        .map_err(|_| "DejaVu Sans did not load")?;
    let bars = bars(results);
    if bars.is_empty() {
        return Err("no figure was measured for both peers: nothing to chart".into());
    }
    let top = bars
        .iter()
        .map(|b| b.high.max(b.target))
        .fold(1.0, f64::max)
        * 1.2;
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
        .build_cartesian_2d((0..bars.len()).into_segmented(), 0f64..top)
        .map_err(draw_error)?;
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(bars.len())
        .x_label_formatter(&|value| match value {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .y_desc("times better than ENet (ENet = 1)")
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 15))
        .draw()
        .map_err(draw_error)?;
    let blue = RGBColor(52, 101, 164);
    chart
        .draw_series(bars.iter().enumerate().map(|(i, bar)| {
            let mut rect = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0.0),
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
        .draw_series(bars.iter().enumerate().map(|(i, bar)| {
            Text::new(
                format!("{:.2}×", bar.advantage),
                (
                    SegmentValue::CenterOf(i),
                    bar.high.max(bar.target) + top * 0.02,
                ),
                ("sans-serif", 15).into_font(),
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

fn draw_error<E: std::fmt::Debug>(err: E) -> Box<dyn std::error::Error> {
    format!("drawing the chart: {err:?}").into()
}
