//! Charts drawn at build time as inline SVG: no script, no request, and the
//! numbers are in the SVG's text (and in the table beside it) for screen readers.

use std::fmt::Write;

use crate::content::text::escape_html;
use crate::model::proposals::SessionStats;

const WIDTH: u32 = 640;
const LABEL: u32 = 96;
const BAR: u32 = 420;
const ROW: u32 = 30;
const HEADING: u32 = 34;

/// Horizontal bars per session: filing, reply and satisfaction rates, and the
/// A/B/C shares of filed proposals as one stacked bar.
pub fn proposal_chart(stats: &[SessionStats], id: &str) -> String {
    if stats.is_empty() {
        return String::new();
    }
    let height = stats.len() as u32 * (HEADING + 4 * ROW + 12) + 8;
    let mut svg = String::new();
    let description = stats
        .iter()
        .map(|s| {
            format!(
                "{}：收到提案{}件，立案{}件，立案率{}；办复{}件，办复率{}；A类{}件占{}，B类{}件占{}，C类{}件占{}；满意率{}。",
                s.session,
                s.received,
                s.filed,
                s.filing_rate,
                s.replied,
                s.reply_rate,
                s.a,
                s.a_share,
                s.b,
                s.b_share,
                s.c,
                s.c_share,
                s.satisfaction_rate
            )
        })
        .collect::<String>();
    let _ = write!(
        svg,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">各次会议提案办理情况</title><desc id="{id}-desc">{}</desc>"#,
        escape_html(&description)
    );
    let mut y = 8;
    for s in stats {
        let _ = write!(
            svg,
            r##"<text x="0" y="{}" font-size="17" font-weight="bold" fill="#1a1a1a">{}</text>"##,
            y + 22,
            escape_html(&s.session)
        );
        y += HEADING;
        for (label, rate, text) in [
            ("立案率", s.rates.filing, &s.filing_rate),
            ("办复率", s.rates.reply, &s.reply_rate),
            ("满意率", s.rates.satisfaction, &s.satisfaction_rate),
        ] {
            row_label(&mut svg, y, label);
            track(&mut svg, y);
            let w = width_of(rate.unwrap_or(0));
            if w > 0 {
                let _ = write!(
                    svg,
                    r##"<rect x="{LABEL}" y="{}" width="{w}" height="18" fill="#a61b1b"/>"##,
                    y + 6
                );
            }
            let _ = write!(
                svg,
                r##"<text x="{}" y="{}" font-size="15" fill="#1a1a1a">{text}</text>"##,
                LABEL + BAR + 8,
                y + 20
            );
            y += ROW;
        }
        row_label(&mut svg, y, "办理结果");
        track(&mut svg, y);
        let mut x = LABEL;
        for (letter, share, fill, ink) in [
            ("A", s.rates.a, "#1b5e20", "#ffffff"),
            ("B", s.rates.b, "#8a5a00", "#ffffff"),
            ("C", s.rates.c, "#5f6368", "#ffffff"),
        ] {
            let w = width_of(share.unwrap_or(0));
            if w == 0 {
                continue;
            }
            let _ = write!(
                svg,
                r##"<rect x="{x}" y="{}" width="{w}" height="18" fill="{fill}"/>"##,
                y + 6
            );
            if w >= 24 {
                let _ = write!(
                    svg,
                    r##"<text x="{}" y="{}" font-size="13" fill="{ink}">{letter}</text>"##,
                    x + 6,
                    y + 20
                );
            }
            x += w;
        }
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" font-size="15" fill="#1a1a1a">A {} · B {} · C {}</text>"##,
            LABEL + BAR + 8,
            y + 20,
            s.a,
            s.b,
            s.c
        );
        y += ROW + 12;
    }
    svg.push_str("</svg>");
    svg
}

fn row_label(svg: &mut String, y: u32, label: &str) {
    let _ = write!(
        svg,
        r##"<text x="0" y="{}" font-size="15" fill="#1a1a1a">{label}</text>"##,
        y + 20
    );
}

fn track(svg: &mut String, y: u32) {
    let _ = write!(
        svg,
        r##"<rect x="{LABEL}" y="{}" width="{BAR}" height="18" fill="#eeeeee"/>"##,
        y + 6
    );
}

/// Bar width for a share in tenths of a percent.
fn width_of(per_mille: u64) -> u32 {
    ((per_mille.min(1000) * BAR as u64 + 500) / 1000) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::proposals::Rates;

    #[test]
    fn chart_states_its_numbers_in_text() {
        let stats = SessionStats {
            session: "十届一次会议".into(),
            received: 4,
            filed: 3,
            filing_rate: "75.0%".into(),
            reply_rate: "66.7%".into(),
            rates: Rates {
                filing: Some(750),
                reply: Some(667),
                ..Default::default()
            },
            ..Default::default()
        };
        let svg = proposal_chart(&[stats], "c");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("立案率75.0%"));
        assert!(svg.contains(&format!("width=\"{}\"", 315))); // 75% of 420
        assert!(proposal_chart(&[], "c").is_empty());
    }
}
