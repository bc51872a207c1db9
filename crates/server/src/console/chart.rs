//! Charts as inline SVG (no script): stacked bars per day by category. Each chart has a `<title>` and a
//! `<desc>`, and the page shows the same numbers as a table, so nothing is only in the picture.

use maud::{Markup, html};

/// Colours for up to eight categories, each with a contrast of at least 3:1 against white (graphics, WCAG 1.4.11).
const PALETTE: [&str; 8] = [
    "#1f5fbf", "#b4490f", "#1d7a3a", "#8a2b8f", "#a11a1a", "#5a6570", "#0f7a7a", "#7a5c00",
];

/// One bar: its label (a day) and a count per category, in the order of `categories`.
pub struct Bar {
    pub label: String,
    pub counts: Vec<u64>,
}

/// Stacked bars, one per day, one colour per category, with a legend.
pub fn stacked_bars(id: &str, title: &str, categories: &[String], bars: &[Bar]) -> Markup {
    const H: f64 = 160.0;
    const BAR_W: f64 = 26.0;
    const GAP: f64 = 16.0;
    const LEFT: f64 = 34.0;
    const BOTTOM: f64 = 36.0;
    let max = bars
        .iter()
        .map(|b| b.counts.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let width = LEFT + (bars.len() as f64) * (BAR_W + GAP) + GAP;
    let height = H + BOTTOM + 8.0;
    let scale = H / max as f64;
    // At most about fifteen day labels, so they never overlap.
    let label_every = bars.len().div_ceil(15).max(1);
    let total: u64 = bars.iter().flat_map(|b| b.counts.iter()).sum();
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    html! {
        figure.chart-figure {
            svg.chart id=(id) role="img" aria-labelledby=(format!("{title_id} {desc_id}"))
                width=(format!("{width:.0}")) height=(format!("{height:.0}"))
                viewBox=(format!("0 0 {width:.0} {height:.0}")) xmlns="http://www.w3.org/2000/svg" {
                title id=(title_id) { (title) }
                desc id=(desc_id) { (total) " in all over " (bars.len()) " days; the table below has each number." }
                line x1=(LEFT) y1="8" x2=(LEFT) y2=(format!("{:.0}", H + 8.0)) stroke="#5a6570" {}
                line x1=(LEFT) y1=(format!("{:.0}", H + 8.0)) x2=(format!("{width:.0}")) y2=(format!("{:.0}", H + 8.0)) stroke="#5a6570" {}
                text x=(LEFT - 4.0) y="16" text-anchor="end" { (max) }
                text x=(LEFT - 4.0) y=(format!("{:.0}", H + 8.0)) text-anchor="end" { "0" }
                @for (i, b) in bars.iter().enumerate() {
                    @let x = LEFT + GAP + (i as f64) * (BAR_W + GAP);
                    @let mut y = H + 8.0;
                    @for (c, n) in b.counts.iter().enumerate() {
                        @if *n > 0 {
                            @let h = (*n as f64) * scale;
                            @let top = { y -= h; y };
                            rect x=(format!("{x:.1}")) y=(format!("{top:.1}")) width=(BAR_W) height=(format!("{h:.1}"))
                                fill=(PALETTE[c % PALETTE.len()]) {
                                title { (b.label) ": " (n) " " (categories.get(c).map(String::as_str).unwrap_or("")) }
                            }
                        }
                    }
                    @if i % label_every == 0 {
                        text x=(format!("{:.1}", x + BAR_W / 2.0)) y=(format!("{:.0}", H + 24.0)) text-anchor="middle" {
                            (b.label.get(5..).unwrap_or(&b.label))
                        }
                    }
                }
            }
            figcaption {
                ul.legend {
                    @for (c, name) in categories.iter().enumerate() {
                        li { svg width="12" height="12" aria-hidden="true" { rect width="12" height="12" fill=(PALETTE[c % PALETTE.len()]) {} } " " (name) }
                    }
                }
            }
        }
    }
}

/// The numbers behind a chart, as a table (days down, categories across).
pub fn table(caption: &str, categories: &[String], bars: &[Bar]) -> Markup {
    html! {
        table.numbers {
            caption { (caption) }
            thead { tr { th scope="col" { "Day" } @for c in categories { th scope="col" { (c) } } th scope="col" { "Total" } } }
            tbody { @for b in bars { tr {
                th scope="row" { (b.label) }
                @for n in &b.counts { td { (n) } }
                td { (b.counts.iter().sum::<u64>()) }
            } } }
        }
    }
}
