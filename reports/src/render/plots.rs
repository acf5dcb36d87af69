//! SVG plots drawn with plotters: throughput against input size, and the speedup of unsafe over
//! safe against input size with its interval band. Both axes of size plots are logarithmic.

use plotters::coord::combinators::{LogCoord, WithKeyPoints};
use plotters::prelude::*;

use crate::wire::catalog::VariantKind;

/// One line of a throughput plot.
pub struct Series {
    /// Variant name, shown in the legend.
    pub name: String,
    /// Its role in the comparison: decides colour and dashing.
    pub kind: VariantKind,
    /// (units per iteration, units per second).
    pub points: Vec<(f64, f64)>,
}

/// One point of a speedup plot: (units per iteration, speedup, lower, upper).
pub type SpeedupPoint = (f64, f64, f64, f64);

const WIDTH: u32 = 760;
const HEIGHT: u32 = 420;

// Safe variants in blues and greens, unsafe in reds and oranges, so the two sides read apart
// at a glance; the baseline grey, the floor black.
const SAFE: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
    RGBColor(23, 190, 207),
    RGBColor(75, 60, 170),
];
const UNSAFE: [RGBColor; 4] = [
    RGBColor(214, 39, 40),
    RGBColor(255, 127, 14),
    RGBColor(188, 60, 130),
    RGBColor(140, 86, 75),
];
const BASELINE: RGBColor = RGBColor(127, 127, 127);
const FLOOR: RGBColor = RGBColor(20, 20, 20);

/// A size on a log axis: `16B`, `4KiB`, `1.5MiB`.
fn size_tick(x: f64, bytes: bool) -> String {
    if !bytes {
        return if x >= 1e6 {
            format!("{:.0}M", x / 1e6)
        } else if x >= 1e3 {
            format!("{:.0}k", x / 1e3)
        } else {
            format!("{x:.0}")
        };
    }
    let (value, unit) = if x >= 1024.0 * 1024.0 {
        (x / (1024.0 * 1024.0), "MiB")
    } else if x >= 1024.0 {
        (x / 1024.0, "KiB")
    } else {
        (x, "B")
    };
    if value < 10.0 && value.fract() > 0.05 {
        format!("{value:.1}{unit}")
    } else {
        format!("{value:.0}{unit}")
    }
}

/// A tick value with as many decimals as its magnitude needs.
fn axis_number(y: f64) -> String {
    if y >= 100.0 {
        format!("{y:.0}")
    } else if y >= 1.0 {
        format!("{y:.1}")
    } else {
        format!("{y:.3}")
    }
}

fn span(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    // Pad by a factor on each side so the extreme points are not on the frame.
    (lo <= hi).then_some((lo / 1.6, hi * 1.6))
}

type LogLog<'a> =
    ChartContext<'a, SVGBackend<'a>, Cartesian2d<WithKeyPoints<LogCoord<f64>>, LogCoord<f64>>>;

/// Size ticks at round sizes: powers of two for bytes (16B, 1KiB, 64KiB...), powers of ten for
/// counts, thinned to at most eight.
fn size_key_points(lo: f64, hi: f64, bytes: bool) -> Vec<f64> {
    let base: f64 = if bytes { 2.0 } else { 10.0 };
    let first = lo.log(base).ceil() as i32;
    let last = hi.log(base).floor() as i32;
    if last < first {
        return vec![(lo * hi).sqrt()];
    }
    let step = ((last - first) / 8 + 1).max(1);
    // Bytes step by whole factors of 4 or 16 so the labels stay on KiB/MiB boundaries.
    let step = if bytes && step > 1 && step % 2 == 1 {
        step + 1
    } else {
        step
    };
    (first..=last)
        .filter(|e| (e - first) % step == 0)
        .map(|e| base.powi(e))
        .collect()
}

/// A log-log chart's frame: caption, axes and legend around the series `draw` adds.
struct Frame<'t> {
    title: &'t str,
    x: (f64, f64),
    y: (f64, f64),
    y_desc: &'static str,
    y_suffix: &'static str,
    bytes: bool,
}

impl Frame<'_> {
    fn draw(
        &self,
        draw: impl FnOnce(&mut LogLog<'_>) -> Result<(), String>,
    ) -> Result<String, String> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
            root.fill(&WHITE).map_err(|e| e.to_string())?;
            let mut chart = ChartBuilder::on(&root)
                .caption(self.title, ("sans-serif", 17))
                .margin(12)
                .x_label_area_size(38)
                .y_label_area_size(64)
                .build_cartesian_2d(
                    (self.x.0..self.x.1)
                        .log_scale()
                        .with_key_points(size_key_points(self.x.0, self.x.1, self.bytes)),
                    (self.y.0..self.y.1).log_scale(),
                )
                .map_err(|e| e.to_string())?;
            chart
                .configure_mesh()
                .x_desc("input size")
                .y_desc(self.y_desc)
                .x_label_formatter(&|x| size_tick(*x, self.bytes))
                .y_label_formatter(&|y| format!("{}{}", axis_number(*y), self.y_suffix))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(|e| e.to_string())?;
            draw(&mut chart)?;
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(200, 200, 200))
                .label_font(("sans-serif", 12))
                .draw()
                .map_err(|e| e.to_string())?;
            root.present().map_err(|e| e.to_string())?;
        }
        Ok(svg)
    }
}

/// Throughput against size, one line per variant. `bytes` picks GiB/s or M/s.
pub fn throughput_svg(title: &str, series: &[Series], bytes: bool) -> Result<String, String> {
    let all = || series.iter().flat_map(|s| s.points.iter());
    let (x0, x1) = span(all().map(|p| p.0)).ok_or("no points to plot")?;
    let scale = if bytes { 1024.0 * 1024.0 * 1024.0 } else { 1e6 };
    let (y0, y1) = span(all().map(|p| p.1 / scale)).ok_or("no points to plot")?;
    let frame = Frame {
        title,
        x: (x0, x1),
        y: (y0, y1),
        y_desc: if bytes { "GiB/s" } else { "million per second" },
        y_suffix: "",
        bytes,
    };
    frame.draw(|chart| {
        let (mut safe, mut unsafe_) = (0, 0);
        for s in series {
            let (color, dashed) = match s.kind {
                VariantKind::Unsafe => {
                    unsafe_ += 1;
                    (UNSAFE[(unsafe_ - 1) % UNSAFE.len()], true)
                }
                VariantKind::Safe => {
                    safe += 1;
                    (SAFE[(safe - 1) % SAFE.len()], false)
                }
                VariantKind::Floor => (FLOOR, true),
                VariantKind::Baseline => (BASELINE, false),
            };
            let points: Vec<(f64, f64)> = s.points.iter().map(|&(x, y)| (x, y / scale)).collect();
            let style = color.stroke_width(2);
            let legend = format!("{} ({})", s.name, s.kind);
            let drawn = if dashed {
                chart.draw_series(DashedLineSeries::new(points.clone(), 7, 4, style))
            } else {
                chart.draw_series(LineSeries::new(points.clone(), style))
            };
            drawn
                .map_err(|e| e.to_string())?
                .label(legend)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2))
                });
            let marker = points.into_iter().map(move |p| {
                if dashed {
                    TriangleMarker::new(p, 4, color.filled()).into_dyn()
                } else {
                    Circle::new(p, 3, color.filled()).into_dyn()
                }
            });
            chart.draw_series(marker).map_err(|e| e.to_string())?;
        }
        Ok(())
    })
}

/// Speedup of unsafe over safe against size, with its 95% interval as a band; a line at 1
/// marks parity. `lines` are (legend, points).
pub fn speedup_svg(
    title: &str,
    lines: &[(String, Vec<SpeedupPoint>)],
    bytes: bool,
) -> Result<String, String> {
    let all = || lines.iter().flat_map(|(_, p)| p.iter());
    let (x0, x1) = span(all().map(|p| p.0)).ok_or("no points to plot")?;
    let (y0, y1) = span(all().flat_map(|p| [p.2, p.3]).chain([1.0])).ok_or("no points")?;
    let frame = Frame {
        title,
        x: (x0, x1),
        y: (y0, y1),
        y_desc: "speedup (safe time / unsafe time)",
        y_suffix: "x",
        bytes,
    };
    frame.draw(|chart| {
        chart
            .draw_series(DashedLineSeries::new(
                [(x0, 1.0), (x1, 1.0)],
                5,
                5,
                BLACK.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?
            .label("parity (1x)")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], BLACK));
        for (i, (legend, points)) in lines.iter().enumerate() {
            let color = UNSAFE[i % UNSAFE.len()];
            let band: Vec<(f64, f64)> = points
                .iter()
                .map(|p| (p.0, p.2))
                .chain(points.iter().rev().map(|p| (p.0, p.3)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    color.mix(0.18).filled(),
                )))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(LineSeries::new(
                    points.iter().map(|p| (p.0, p.1)),
                    color.stroke_width(2),
                ))
                .map_err(|e| e.to_string())?
                .label(legend.as_str())
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2))
                });
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|p| Circle::new((p.0, p.1), 3, color.filled())),
                )
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_ticks_fall_on_round_sizes() {
        assert_eq!(
            size_key_points(10.0, 100_000.0, true),
            [16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0]
        );
        assert_eq!(size_key_points(500.0, 2000.0, true), [512.0, 1024.0]);
        assert_eq!(size_key_points(5.0, 2000.0, false), [10.0, 100.0, 1000.0]);
        assert_eq!(size_key_points(3.0, 5.0, true).len(), 1);
        assert!(size_key_points(10.0, 1e9, true).len() <= 8);
    }

    #[test]
    fn size_ticks() {
        assert_eq!(size_tick(16.0, true), "16B");
        assert_eq!(size_tick(65536.0, true), "64KiB");
        assert_eq!(size_tick(1.5 * 1024.0 * 1024.0, true), "1.5MiB");
        assert_eq!(size_tick(64_000.0, false), "64k");
    }

    #[test]
    fn plots_are_svg_with_every_series() {
        let series = vec![
            Series {
                name: "safe_one".into(),
                kind: VariantKind::Safe,
                points: vec![(16.0, 1e9), (4096.0, 5e9)],
            },
            Series {
                name: "raw_one".into(),
                kind: VariantKind::Unsafe,
                points: vec![(16.0, 2e9), (4096.0, 9e9)],
            },
        ];
        let svg = throughput_svg("t", &series, true).expect("plot");
        assert!(svg.starts_with("<svg") && svg.contains("safe_one") && svg.contains("raw_one"));
        let lines = vec![(
            "best".to_owned(),
            vec![(16.0, 2.0, 1.5, 2.5), (4096.0, 1.8, 1.7, 1.9)],
        )];
        let svg = speedup_svg("s", &lines, true).expect("plot");
        assert!(svg.contains("parity"));
        assert!(throughput_svg("empty", &[], true).is_err());
    }
}
