//! Text inputs: valid UTF-8 of each width class, a realistic mix, the classic JSON documents,
//! and the invalid-UTF-8 cases every safe variant must report exactly as std does.

use crate::generate::{Rng, SIZES};
use crate::{Input, InputName, InputSpec};

/// The generated shapes: one per UTF-8 width class, plus a realistic mix.
pub const SHAPES: [&str; 5] = ["ascii", "cyrillic", "cjk", "emoji", "mixed"];

const ENGLISH: &[&str] = &[
    "the",
    "buffer",
    "is",
    "validated",
    "once",
    "and",
    "then",
    "borrowed",
    "without",
    "a",
    "copy",
    "reviewer",
    "asks",
    "whether",
    "unsafe",
    "code",
    "pays",
    "for",
    "itself",
    "measured",
    "on",
    "every",
    "input",
    "size",
    "we",
    "care",
    "about",
];
const CYRILLIC: &[&str] = &[
    "проверка",
    "строки",
    "байты",
    "без",
    "копирования",
    "память",
    "быстро",
    "безопасно",
    "указатель",
    "данные",
    "ошибка",
    "café",
    "naïve",
    "déjà",
    "über",
    "straße",
    "größe",
];
const MIXED_LINES: &[&str] = &[
    "fn checksum(words: &[u32]) -> u32 {",
    "    words.iter().fold(0, |acc, w| acc.wrapping_add(*w))",
    "}",
    "// 计算校验和，然后返回结果。",
    "// 入力が有効な UTF-8 であることを確認する",
    "let text = std::str::from_utf8(&bytes)?;",
    "Zero-copy parsing avoids an allocation, but only if the bytes were validated first.",
    "The benchmark measures throughput in GiB/s — higher is better.",
    "Ein Überblick über die Größe der Eingabe: 64 KiB, 1 MiB, 16 MiB.",
    "Производительность зависит от размера входных данных.",
    "    if len % 4 != 0 { return Err(Error::Length(len)); } // 长度必须是四的倍数",
    "Status: ✅ passed, ⚠️ slow path taken 3× — see 🔍 flamegraph.",
];

/// Appends pieces from `next` while they fit, then pads with spaces to exactly `len` bytes.
fn compose(len: usize, mut next: impl FnMut() -> String) -> Vec<u8> {
    let mut out = String::with_capacity(len);
    loop {
        let piece = next();
        if out.len() + piece.len() > len {
            break;
        }
        out.push_str(&piece);
    }
    out.extend(std::iter::repeat_n(' ', len - out.len()));
    out.into_bytes()
}

fn word_salad(rng: &mut Rng, words: &[&str]) -> String {
    let sep = if rng.below(12) == 0 { "\n" } else { " " };
    format!("{}{sep}", words[rng.below(words.len())])
}

fn char_in(rng: &mut Rng, first: u32, count: usize) -> String {
    let code = first + rng.below(count) as u32;
    char::from_u32(code)
        .map(String::from)
        .unwrap_or_else(|| unreachable!("{code:#x} is a scalar value"))
}

/// Generates exactly `len` bytes of valid UTF-8 of the given shape.
///
/// # Panics
///
/// If `shape` is not one of [`SHAPES`].
pub fn generate(shape: &str, len: usize) -> Vec<u8> {
    let mut rng = Rng::new(shape);
    match shape {
        "ascii" => compose(len, || word_salad(&mut rng, ENGLISH)),
        "cyrillic" => compose(len, || word_salad(&mut rng, CYRILLIC)),
        // CJK unified ideographs: three bytes each, with an occasional full-width comma.
        "cjk" => compose(len, || match rng.below(16) {
            0 => "，".to_owned(),
            _ => char_in(&mut rng, 0x4E00, 0x5000),
        }),
        // Emoticons and pictographs: four bytes each.
        "emoji" => compose(len, || char_in(&mut rng, 0x1F300, 0x300)),
        "mixed" => compose(len, || {
            format!("{}\n", MIXED_LINES[rng.below(MIXED_LINES.len())])
        }),
        other => panic!("unknown text shape {other:?}; known: {SHAPES:?}"),
    }
}

/// The classic JSON benchmark documents (twitter, citm_catalog, canada), as shipped by the
/// `facet-json-classics` crate.
pub fn documents() -> [(&'static str, &'static str); 3] {
    [
        ("twitter.json", facet_json_classics::TWITTER.as_str()),
        (
            "citm_catalog.json",
            facet_json_classics::CITM_CATALOG.as_str(),
        ),
        ("canada.json", facet_json_classics::CANADA.as_str()),
    ]
}

/// Every generated shape at every size, then the classic documents.
pub fn specs() -> Vec<InputSpec> {
    let mut specs: Vec<InputSpec> = SIZES
        .into_iter()
        .flat_map(|len| {
            SHAPES.into_iter().map(move |shape| {
                InputSpec::new(InputName::new(shape, len), move || {
                    Input::new(shape, &generate(shape, len), 0)
                })
            })
        })
        .collect();
    // Decompressing the documents under Miri would take hours and tests nothing unsafe.
    if !cfg!(miri) {
        for (shape, text) in documents() {
            specs.push(InputSpec::new(
                InputName::new(shape, text.len()),
                move || Input::new(shape, text.as_bytes(), 0),
            ));
        }
    }
    specs
}

/// The invalid-UTF-8 classes, each built into a valid `mixed` text of about `len` bytes: an
/// error at the start, in the middle, at the last byte; truncated sequences; overlong encodings;
/// surrogates; code points above U+10FFFF; impossible lead bytes.
pub fn invalid_cases(len: usize) -> Vec<(String, Vec<u8>)> {
    let base = generate("mixed", len);
    let middle = (0..=base.len() / 2)
        .rev()
        .find(|&i| std::str::from_utf8(&base[..i]).is_ok())
        .unwrap_or(0);
    let spliced = |at: usize, bad: &[u8], replace: usize| {
        let mut out = base[..at].to_vec();
        out.extend_from_slice(bad);
        out.extend_from_slice(&base[(at + replace).min(base.len())..]);
        out
    };
    let mut cases = vec![
        ("start/lone-continuation", spliced(0, &[0x80], 0)),
        ("start/invalid-byte", spliced(0, &[0xFF], 0)),
        ("middle/lone-continuation", spliced(middle, &[0x80], 0)),
        ("middle/truncated-3-byte", spliced(middle, &[0xE4, 0xB8], 0)),
        (
            "middle/truncated-4-byte",
            spliced(middle, &[0xF0, 0x9F, 0x98], 0),
        ),
        ("middle/overlong-2-byte", spliced(middle, &[0xC0, 0xAF], 0)),
        (
            "middle/overlong-3-byte",
            spliced(middle, &[0xE0, 0x80, 0xAF], 0),
        ),
        (
            "middle/overlong-4-byte",
            spliced(middle, &[0xF0, 0x80, 0x80, 0xAF], 0),
        ),
        (
            "middle/surrogate-high",
            spliced(middle, &[0xED, 0xA0, 0x80], 0),
        ),
        (
            "middle/surrogate-low",
            spliced(middle, &[0xED, 0xBF, 0xBF], 0),
        ),
        (
            "middle/above-max",
            spliced(middle, &[0xF4, 0x90, 0x80, 0x80], 0),
        ),
        (
            "middle/invalid-lead-f8",
            spliced(middle, &[0xF8, 0x88, 0x80, 0x80], 0),
        ),
        ("end/last-byte-invalid", spliced(base.len(), &[0xFF], 0)),
        ("end/truncated-2-byte", spliced(base.len(), &[0xD0], 0)),
        (
            "end/truncated-3-byte",
            spliced(base.len(), &[0xE4, 0xB8], 0),
        ),
        (
            "end/truncated-4-byte",
            spliced(base.len(), &[0xF0, 0x9F, 0x98], 0),
        ),
    ];
    // A lone continuation byte replacing the input's very last byte.
    if let Some(last) = base.len().checked_sub(1) {
        cases.push(("end/last-byte-continuation", spliced(last, &[0x80], 1)));
    }
    cases
        .into_iter()
        .map(|(name, bytes)| (name.to_owned(), bytes))
        .collect()
}
