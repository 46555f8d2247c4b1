//! The digest's chart of one brand, drawn in-process as a PNG: mentions per hour over the
//! last 7 days and per day over the last 30, negative ones stacked at the bottom in red.
//!
//! plotters draws into an RGB buffer with a vendored font (DejaVu Sans), so nothing is read
//! from the system and no image is fetched by the mail reader.

use std::sync::Once;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::prelude::*;

use super::words::axis_day;
use crate::analyze::alert::Point;
use crate::settings::watchlist::Language;

/// Size of the chart in pixels (it fits a 600 px wide email with margins).
pub const WIDTH: u32 = 560;
pub const HEIGHT: u32 = 340;

const FONT: &[u8] = include_bytes!("DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";
const NEGATIVE: RGBColor = RGBColor(0xc0, 0x39, 0x2b);
const OTHER: RGBColor = RGBColor(0x5b, 0x8d, 0xc9);
const GRID: RGBColor = RGBColor(0xe3, 0xe6, 0xea);
const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);

/// Counts per bucket: (all, negative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub buckets: Vec<(u32, u32)>,
    /// Label positions (bucket index) and text.
    pub labels: Vec<(usize, String)>,
}

/// Mentions of the 168 hours before `end` (`[end − 168 h, end)`), per hour, with the local
/// days marked.
pub fn hourly(points: &[Point], end: Timestamp, zone: &TimeZone, lang: Language) -> Series {
    const N: i64 = 168;
    let mut buckets = vec![(0u32, 0u32); N as usize];
    let end_s = end.as_second();
    let start_s = end_s - N * 3600;
    for p in points {
        let t = p.published.as_second();
        if t < start_s || t >= end_s {
            continue;
        }
        let i = ((t - start_s) / 3600) as usize;
        buckets[i].0 += 1;
        buckets[i].1 += u32::from(p.negative);
    }
    let mut labels = Vec::new();
    for i in 0..N {
        let t = Timestamp::from_second(end_s - (N - i) * 3600).unwrap_or(end);
        let z = t.to_zoned(zone.clone());
        if z.hour() == 0 {
            labels.push((i as usize, axis_day(t, zone, lang, false)));
        }
    }
    Series { buckets, labels }
}

/// Mentions of the 30 local days up to the one `end` falls in (the last may be partial).
pub fn daily(points: &[Point], end: Timestamp, zone: &TimeZone, lang: Language) -> Series {
    const N: usize = 30;
    let last = (end - std::time::Duration::from_secs(1))
        .to_zoned(zone.clone())
        .date();
    let first = last
        .checked_sub(jiff::Span::new().days(N as i64 - 1))
        .unwrap_or(last);
    let mut buckets = vec![(0u32, 0u32); N];
    for p in points {
        let d = p.published.to_zoned(zone.clone()).date();
        if d < first || d > last || p.published >= end {
            continue;
        }
        let i = (d - first).get_days().clamp(0, N as i32 - 1) as usize;
        buckets[i].0 += 1;
        buckets[i].1 += u32::from(p.negative);
    }
    let mut labels = Vec::new();
    for i in (0..N).rev().step_by(7) {
        let d = first
            .checked_add(jiff::Span::new().days(i as i64))
            .unwrap_or(first);
        let t = d
            .to_zoned(zone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(end);
        labels.push((i, axis_day(t, zone, lang, true)));
    }
    Series { buckets, labels }
}

/// The chart as PNG bytes.
pub fn render(week: &Series, month: &Series, titles: (&str, &str)) -> Result<Vec<u8>, String> {
    static FONT_ONCE: Once = Once::new();
    FONT_ONCE.call_once(|| {
        // A bad font would be a build defect; the chart then draws no text.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (top, bottom) = root.split_vertically(HEIGHT / 2);
        panel(&top, week, titles.0).map_err(|e| e.to_string())?;
        panel(&bottom, month, titles.1).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    encode(&rgb).map_err(|e| e.to_string())
}

/// The pixels as a PNG: indexed (a palette of the colours used) when there are at most 256
/// of them, as there are in a chart, which makes it about a third of the RGB size; RGB
/// otherwise. Lossless either way.
fn encode(rgb: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut index: std::collections::HashMap<[u8; 3], u8> = std::collections::HashMap::new();
    let mut indexed = Vec::with_capacity(rgb.len() / 3);
    for p in rgb.chunks_exact(3) {
        let c = [p[0], p[1], p[2]];
        let i = match index.get(&c) {
            Some(&i) => i,
            None if palette.len() < 256 => {
                let i = palette.len() as u8;
                palette.push(c);
                index.insert(c, i);
                i
            }
            None => {
                indexed.clear();
                break;
            }
        };
        indexed.push(i);
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    if indexed.len() * 3 == rgb.len() {
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_palette(palette.concat());
        encoder.write_header()?.write_image_data(&indexed)?;
    } else {
        encoder.set_color(png::ColorType::Rgb);
        encoder.write_header()?.write_image_data(rgb)?;
    }
    Ok(out)
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn panel(
    area: &Area<'_>,
    s: &Series,
    title: &str,
) -> Result<(), DrawingAreaErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>> {
    let n = s.buckets.len() as u32;
    let max = s.buckets.iter().map(|b| b.0).max().unwrap_or(0).max(1);
    // Room above the tallest bar, and whole-number ticks.
    let top = if max <= 4 { max + 1 } else { max + max / 5 + 1 };
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FAMILY, 15).into_font().color(&INK))
        .margin(6)
        .x_label_area_size(22)
        .y_label_area_size(36)
        .build_cartesian_2d((0u32..n).into_segmented(), 0u32..top)?;
    let font = (FAMILY, 11).into_font();
    let labels = fitting_labels(&s.labels, s.buckets.len(), &|t: &str| {
        font.box_size(t)
            .map_or(t.chars().count() as f64 * 7.0, |(w, _)| f64::from(w))
    });
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .set_tick_mark_size(LabelAreaPosition::Bottom, 0)
        .axis_style(INK.mix(0.6))
        .y_labels(if top <= 4 { top as usize + 1 } else { 5 })
        .y_label_formatter(&|v| format!("{v}"))
        .x_labels(n as usize)
        .x_label_formatter(&|v| {
            let i = match v {
                SegmentValue::Exact(i) | SegmentValue::CenterOf(i) => *i as usize,
                SegmentValue::Last => return String::new(),
            };
            labels
                .iter()
                .find(|(at, _)| *at == i)
                .map(|(_, t)| t.clone())
                .unwrap_or_default()
        })
        .label_style((FAMILY, 11).into_font().color(&INK))
        .draw()?;
    let bars = s.buckets.iter().enumerate().flat_map(|(i, &(all, neg))| {
        let i = i as u32;
        let x0 = SegmentValue::Exact(i);
        let x1 = SegmentValue::Exact(i + 1);
        [
            Rectangle::new([(x0.clone(), 0), (x1.clone(), neg)], NEGATIVE.filled()),
            Rectangle::new([(x0, neg), (x1, all)], OTHER.filled()),
        ]
    });
    chart.draw_series(bars)?;
    Ok(())
}

/// Width of a panel's plotting area: the chart less its margins and the y labels.
const PLOT_WIDTH: f64 = WIDTH as f64 - 2.0 * 6.0 - 36.0;

/// The x labels that fit: each centred under its bucket without reaching past either end
/// of the axis (where the y axis' `0` is) or into the label before it. `width` measures a
/// label in pixels.
fn fitting_labels(
    labels: &[(usize, String)],
    buckets: usize,
    width: &dyn Fn(&str) -> f64,
) -> Vec<(usize, String)> {
    let bucket = PLOT_WIDTH / buckets.max(1) as f64;
    let mut sorted: Vec<&(usize, String)> = labels.iter().collect();
    sorted.sort_by_key(|(i, _)| *i);
    let mut kept = Vec::new();
    let mut last_right = f64::MIN;
    for (i, text) in sorted {
        let half = width(text) / 2.0;
        let centre = (*i as f64 + 0.5) * bucket;
        let (left, right) = (centre - half, centre + half);
        if left < 2.0 || right > PLOT_WIDTH - 2.0 || left < last_right + 6.0 {
            continue;
        }
        last_right = right;
        kept.push((*i, text.clone()));
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn mentions_fall_in_their_hour_and_their_local_day() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let end = at("2026-11-23T07:00:00Z");
        let points = [
            Point {
                published: at("2026-11-23T06:59:00Z"),
                negative: true,
                risk: crate::analyze::risk::Risk::none(),
            },
            Point {
                published: at("2026-11-23T05:59:00Z"),
                negative: false,
                risk: crate::analyze::risk::Risk::none(),
            },
            Point {
                published: at("2026-11-22T22:30:00Z"),
                negative: false,
                risk: crate::analyze::risk::Risk::none(),
            },
            // Not shown: after the end, or older than 30 days.
            Point {
                published: at("2026-11-23T07:00:00Z"),
                negative: false,
                risk: crate::analyze::risk::Risk::none(),
            },
            Point {
                published: at("2026-10-01T07:00:00Z"),
                negative: false,
                risk: crate::analyze::risk::Risk::none(),
            },
        ];
        let h = hourly(&points, end, &paris, Language::Fr);
        assert_eq!(h.buckets.len(), 168);
        assert_eq!(h.buckets[167], (1, 1));
        assert_eq!(h.buckets[166], (1, 0));
        // Midnight in Paris is 23:00 UTC: the label of Monday sits 8 hours before the end.
        assert_eq!(h.labels.last().unwrap(), &(160, "lun. 23".to_string()));
        let d = daily(&points, end, &paris, Language::En);
        assert_eq!(d.buckets.len(), 30);
        // 22:30 UTC on the 22nd is 23:30 in Paris, still Sunday; the other two are Monday.
        assert_eq!(d.buckets[29], (2, 1));
        assert_eq!(d.buckets[28], (1, 0));
        assert_eq!(d.labels[0], (29, "11/23".to_string()));
    }

    /// Every hour of a week as the end of the chart: the day labels kept stay within the
    /// axis (clear of the y axis' `0`) and apart from each other, and at most the day
    /// that starts too close to an end is left out.
    #[test]
    fn day_labels_never_reach_past_the_axis_or_each_other() {
        static FONT_ONCE: Once = Once::new();
        FONT_ONCE.call_once(|| {
            let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
        });
        let font = (FAMILY, 11).into_font();
        let width = |t: &str| f64::from(font.box_size(t).unwrap().0);
        let paris = TimeZone::get("Europe/Paris").unwrap();
        // A week ending at midnight starts with a day label on the axis itself, where the
        // y axis writes its `0`: that one goes.
        let week = hourly(&[], at("2026-11-22T23:00:00Z"), &paris, Language::Fr);
        assert_eq!(week.labels[0].0, 0);
        let kept = fitting_labels(&week.labels, 168, &width);
        assert_eq!(kept.len(), 6);
        assert!(kept.iter().all(|(i, _)| *i > 0), "{kept:?}");
        let start = at("2026-11-23T00:00:00Z");
        for h in 0..168 {
            let end = start + std::time::Duration::from_secs(3600 * h);
            for (lang, series) in [
                (Language::Fr, hourly(&[], end, &paris, Language::Fr)),
                (Language::En, hourly(&[], end, &paris, Language::En)),
                (Language::Fr, daily(&[], end, &paris, Language::Fr)),
            ] {
                let n = series.buckets.len();
                let kept = fitting_labels(&series.labels, n, &width);
                assert!(
                    kept.len() + 1 >= series.labels.len(),
                    "{lang:?} {end}: {kept:?}"
                );
                let bucket = PLOT_WIDTH / n as f64;
                let mut last = f64::MIN;
                for (i, t) in &kept {
                    let c = (*i as f64 + 0.5) * bucket;
                    let (l, r) = (c - width(t) / 2.0, c + width(t) / 2.0);
                    assert!(l >= 2.0 && r <= PLOT_WIDTH - 2.0, "{t} at {i}: {l}..{r}");
                    assert!(l > last, "{t} overlaps the label before it");
                    last = r;
                }
            }
        }
    }

    #[test]
    fn the_chart_is_a_png_of_the_announced_size() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let end = at("2026-11-23T07:00:00Z");
        let points: Vec<Point> = (0..50)
            .map(|i| Point {
                published: end - std::time::Duration::from_secs(3000 * i + 60),
                negative: i % 3 == 0,
                risk: crate::analyze::risk::Risk::none(),
            })
            .collect();
        let png = render(
            &hourly(&points, end, &paris, Language::Fr),
            &daily(&points, end, &paris, Language::Fr),
            ("7 jours", "30 jours"),
        )
        .unwrap();
        let mut decoder = png::Decoder::new(std::io::Cursor::new(&png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (WIDTH, HEIGHT));
        assert_eq!(
            reader.info().color_type,
            png::ColorType::Indexed,
            "few colours: a palette"
        );
        // Red and blue pixels are there: bars were drawn.
        let mut rgb = vec![0; reader.output_buffer_size()];
        let mut reader = reader;
        reader.next_frame(&mut rgb).unwrap();
        let has = |c: RGBColor| rgb.chunks(3).any(|p| p == [c.0, c.1, c.2]);
        assert!(has(NEGATIVE) && has(OTHER));
    }
}
