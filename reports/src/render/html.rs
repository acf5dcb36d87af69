//! Small HTML helpers: escaping, number formatting, and the page frame with its inline style
//! (the site is self-contained: no scripts, fonts or styles from the network).

use std::fmt::Write;

use crate::wire::catalog::VariantKind;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A duration in nanoseconds with a readable unit.
pub fn duration(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.2} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// A rate with a binary (bytes) or decimal (elements) prefix.
pub fn rate(per_second: f64, bytes: bool) -> String {
    let (base, units): (f64, &[&str]) = if bytes {
        (
            1024.0,
            &["B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s", "PiB/s"],
        )
    } else {
        (1000.0, &["/s", "K/s", "M/s", "G/s", "T/s"])
    };
    let mut value = per_second;
    let mut unit = 0;
    while value >= base && unit + 1 < units.len() {
        value /= base;
        unit += 1;
    }
    format!("{value:.2} {}", units[unit])
}

/// `1.37x`, as rebar writes ratios.
pub fn times(ratio: f64) -> String {
    if ratio >= 100.0 {
        format!("{ratio:.0}x")
    } else {
        format!("{ratio:.2}x")
    }
}

/// An instruction count: exact with thousands separators below a million, else `283.14M`.
/// Per-call counts derived from several runs can carry a fraction; it is shown to one place.
pub fn count(n: f64) -> String {
    if n.abs() >= 1e9 {
        return format!("{:.2}G", n / 1e9);
    }
    if n.abs() >= 1e6 {
        return format!("{:.2}M", n / 1e6);
    }
    let tenths = (n.abs() * 10.0).round() as u64;
    let digits = (tenths / 10).to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if n < 0.0 { "-" } else { "" };
    if !tenths.is_multiple_of(10) {
        format!("{sign}{grouped}.{}", tenths % 10)
    } else {
        format!("{sign}{grouped}")
    }
}

/// `1 invariant`, `3 invariants`: a count with its noun.
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

const STYLE: &str = "
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;padding:1rem;
max-width:78rem;color:#1d2330;background:#fff}
h1{font-size:1.6rem;margin:.2rem 0 .6rem}h2{font-size:1.25rem;margin-top:2rem}
h3{font-size:1.05rem;margin-top:1.4rem}
nav{font-size:.9rem;margin-bottom:1rem}nav a{margin-right:.8rem}
.scroll{overflow-x:auto;margin:.6rem 0}
table{border-collapse:collapse;font-size:.9rem}
th,td{border-bottom:1px solid #dde1e8;padding:.3rem .55rem;text-align:left;vertical-align:top}
th{background:#f3f5f9}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.best td,td.best{background:#e9f7ee;font-weight:600}
.kind{font-size:.78rem;padding:.05rem .4rem;border-radius:.6rem;white-space:nowrap}
.kind-safe{background:#dcebfb;color:#0b4f91}.kind-unsafe{background:#fde2dc;color:#9b2a10}
.kind-baseline{background:#eceef2;color:#434a57}.kind-floor{background:#f1eddf;color:#5c4b12}
.call{font-weight:700;white-space:nowrap}.call-pays{color:#1d7a3a}.call-equivalent{color:#555}
.call-inconclusive{color:#8a6d00}.call-safe-wins{color:#0b4f91}.call .note,.call .flag,.call .finding{font-size:.8rem;white-space:normal}
#verdicts{width:100%;max-width:72rem}#verdicts td.pair{font-size:.85rem}
@media (max-width:52rem){#verdicts .pair{display:none}}
#verdicts tr.more td{border-bottom:2px solid #dde1e8;padding-top:0}
#verdicts tr:not(.more) td{border-bottom:none}ul.details{margin:.3rem 0;padding-left:1.1rem;font-size:.86rem}
ul.details li{margin:.15rem 0}.ok{color:#1d7a3a;font-weight:600}
.note{color:#535b69;font-size:.88rem}.problems li{margin:.2rem 0}
figure{margin:.8rem 0}figure img{max-width:100%;height:auto;border:1px solid #eef0f4}
code{font-size:.88em;background:#f5f6f8;padding:0 .2rem;border-radius:3px}
ul.invariants{margin:.2rem 0 .2rem 1.1rem;padding:0}
.flag{color:#9b2a10;font-weight:700;cursor:help}
td.num .note{white-space:normal}
.clean{color:#1d7a3a;font-weight:600}.finding{color:#b3261e;font-weight:700}
.missed{color:#8a6d00;font-weight:600}
pre{overflow-x:auto;font-size:.8rem;background:#f5f6f8;padding:.5rem;margin:.3rem 0}
td.holds{min-width:16rem;font-size:.85rem}details summary{cursor:pointer}td.counts{min-width:14rem}td.counts div{margin-bottom:.35rem}
";

/// A whole page: `title`, a navigation bar over every family page, and `body`.
pub fn page(title: &str, families: &[String], body: &str) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<nav><a href=\"index.html\">\
         verdicts</a><a href=\"findings.html\">findings</a>",
        escape(title)
    );
    for family in families {
        let _ = write!(
            html,
            "<a href=\"{}\">{}</a>",
            family_page(family),
            escape(family)
        );
    }
    html.push_str(
        "<a href=\"soundness.html\">soundness</a><a href=\"ledger.json\">ledger.json</a></nav>\n",
    );
    html.push_str(body);
    html.push_str("\n</body></html>\n");
    html
}

/// The file name of a family's page.
pub fn family_page(family: &str) -> String {
    format!("family-{}.html", slug(family))
}

/// A file-name-safe form of any name.
pub fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A kind badge.
pub fn kind_badge(kind: VariantKind) -> String {
    format!("<span class=\"kind kind-{0}\">{0}</span>", kind.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(duration(12.345), "12.35 ns");
        assert_eq!(duration(12_345.0), "12.35 µs");
        assert_eq!(rate(3.0 * 1024.0 * 1024.0 * 1024.0, true), "3.00 GiB/s");
        assert_eq!(rate(2_500_000.0, false), "2.50 M/s");
        assert_eq!(times(1.371), "1.37x");
        assert_eq!(slug("misaligned+1/4KiB"), "misaligned-1-4KiB");
        assert_eq!(count(24_134.0), "24,134");
        assert_eq!(count(-1_000.0), "-1,000");
        assert_eq!(count(7.25), "7.3");
        assert_eq!(count(7.96), "8");
        assert_eq!(count(283_140_000.0), "283.14M");
        assert_eq!(counted(1, "invariant"), "1 invariant");
        assert_eq!(counted(12, "unsafe operation"), "12 unsafe operations");
    }
}
