//! Figures with their units, read from prose and table cells: `350 ms`, `4.6K rps`,
//! `$86.7K`, `12 GiB`, `10 Gbps`, `40-60%`, `23 pts`, `3.4x`, `~1,500`, `约 3 秒`.
//!
//! Every figure is converted to a base unit of its dimension (seconds, events per second,
//! bytes, bits per second, percent, percentage points, times, money, count), and carries
//! the precision it is written with: `77%` stands for 76.5-77.5.

use std::ops::Range;

/// What a figure measures. Figures of different dimensions are never compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    /// Seconds.
    Time,
    /// Events per second.
    Rate,
    /// Bytes.
    Size,
    /// Bits per second.
    Bandwidth,
    Percent,
    /// Percentage points.
    Points,
    /// `3.4x`.
    Multiplier,
    Money,
    /// A bare number, or a number with a noun (`60 connections`).
    Count,
}

impl Dim {
    /// The base unit's symbol, for messages.
    pub fn unit(self) -> &'static str {
        match self {
            Dim::Time => "s",
            Dim::Rate => "/s",
            Dim::Size => "B",
            Dim::Bandwidth => "bit/s",
            Dim::Percent => "%",
            Dim::Points => "pts",
            Dim::Multiplier => "x",
            Dim::Money | Dim::Count => "",
        }
    }
}

/// One figure as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Bytes of the whole figure (prefix, number, unit) in the text.
    pub span: Range<usize>,
    /// The number with its magnitude suffix applied (`4.6K` is 4600), before units.
    pub written: f64,
    /// In the dimension's base unit.
    pub value: f64,
    /// Half a unit of the last written digit, in the base unit.
    pub half_ulp: f64,
    pub dim: Dim,
    /// The unit's factor to the base unit (`ms`: 0.001).
    pub factor: f64,
    /// The unit or noun as written, lower-cased (`ms`, `rps`, `pods`), empty when none.
    pub unit: String,
    /// `~`, `≈`, `about`, `约`.
    pub approx: bool,
    /// `<`, `≥`, `under`, `up to`: a bound, not a value.
    pub bound: bool,
    /// `+` or `-` written before it.
    pub sign: Option<char>,
    /// The upper end when written as a range (`40-60%`).
    pub range_hi: Option<f64>,
    /// The number of decimals written.
    pub decimals: u32,
    /// The magnitude suffix's factor (`K`: 1000), 1 when none.
    pub mag: f64,
    /// Written so that it can be read two ways (`5.184B`: bytes or billions).
    pub ambiguous: bool,
}

impl Quantity {
    /// A plain value (not a range or a bound).
    pub fn is_plain(&self) -> bool {
        self.range_hi.is_none() && !self.bound && !self.ambiguous
    }

    /// The value with its written sign.
    pub fn signed(&self) -> f64 {
        if self.sign == Some('-') {
            -self.value
        } else {
            self.value
        }
    }

    /// Whether a unit or suffix says what it measures.
    pub fn has_unit(&self) -> bool {
        !self.unit.is_empty() || self.dim != Dim::Count
    }

    /// The figure shown as the text would: `88.8%`, `4.3K`, `950 ms`.
    pub fn show(value: f64, dim: Dim, like: Option<&Quantity>) -> String {
        let (v, unit) = match like {
            Some(q) if q.dim == dim && q.factor > 0.0 => {
                let w = value / q.factor;
                let mag = [(1e3, "K"), (1e6, "M"), (1e9, "B")]
                    .iter()
                    .find(|(f, _)| (q.mag - f).abs() < 0.5)
                    .map_or("", |(_, m)| *m);
                let shown = if mag.is_empty() {
                    number(w)
                } else {
                    format!("{}{mag}", number(w / q.mag))
                };
                let money = if dim == Dim::Money { "$" } else { "" };
                let sep = if q.unit.is_empty() || matches!(dim, Dim::Percent | Dim::Multiplier) {
                    ""
                } else {
                    " "
                };
                return format!("{money}{shown}{sep}{}", q.unit);
            }
            _ => (value, dim.unit()),
        };
        match dim {
            Dim::Percent | Dim::Multiplier => format!("{}{unit}", number(v)),
            Dim::Money => format!("${}", number(v)),
            _ if unit.is_empty() => number(v),
            _ => format!("{} {unit}", number(v)),
        }
    }
}

/// A number shown with up to three significant decimals, no trailing zeros.
pub fn number(v: f64) -> String {
    let a = v.abs();
    let decimals = if a >= 100.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        3
    };
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    if s == "-0" { "0".to_owned() } else { s }
}

struct Unit {
    text: &'static str,
    dim: Dim,
    factor: f64,
    /// Matched ignoring ASCII case.
    fold: bool,
}

const fn u(text: &'static str, dim: Dim, factor: f64, fold: bool) -> Unit {
    Unit {
        text,
        dim,
        factor,
        fold,
    }
}

/// Units, longest first where one is a prefix of another.
static UNITS: &[Unit] = &[
    // Bandwidth before sizes (`MB/s` before `MB`).
    u("KB/s", Dim::Bandwidth, 8e3, true),
    u("MB/s", Dim::Bandwidth, 8e6, true),
    u("GB/s", Dim::Bandwidth, 8e9, true),
    u("TB/s", Dim::Bandwidth, 8e12, true),
    u("Kbps", Dim::Bandwidth, 1e3, true),
    u("Mbps", Dim::Bandwidth, 1e6, true),
    u("Gbps", Dim::Bandwidth, 1e9, true),
    u("Tbps", Dim::Bandwidth, 1e12, true),
    u("Kbit/s", Dim::Bandwidth, 1e3, true),
    u("Mbit/s", Dim::Bandwidth, 1e6, true),
    u("Gbit/s", Dim::Bandwidth, 1e9, true),
    u("bps", Dim::Bandwidth, 1.0, true),
    u("KiB", Dim::Size, 1024.0, true),
    u("MiB", Dim::Size, 1_048_576.0, true),
    u("GiB", Dim::Size, 1_073_741_824.0, true),
    u("TiB", Dim::Size, 1_099_511_627_776.0, true),
    u("KB", Dim::Size, 1e3, true),
    u("MB", Dim::Size, 1e6, true),
    u("GB", Dim::Size, 1e9, true),
    u("TB", Dim::Size, 1e12, true),
    u("PB", Dim::Size, 1e15, true),
    u("bytes", Dim::Size, 1.0, true),
    u("byte", Dim::Size, 1.0, true),
    u("B", Dim::Size, 1.0, false),
    // Rates.
    u("requests per second", Dim::Rate, 1.0, true),
    u("per second", Dim::Rate, 1.0, true),
    u("per minute", Dim::Rate, 1.0 / 60.0, true),
    u("per s", Dim::Rate, 1.0, true),
    u("rps", Dim::Rate, 1.0, true),
    u("qps", Dim::Rate, 1.0, true),
    u("tps", Dim::Rate, 1.0, true),
    u("iops", Dim::Rate, 1.0, true),
    u("rpm", Dim::Rate, 1.0 / 60.0, true),
    u("/s", Dim::Rate, 1.0, true),
    u("/sec", Dim::Rate, 1.0, true),
    u("/min", Dim::Rate, 1.0 / 60.0, true),
    // Durations.
    u("ns", Dim::Time, 1e-9, true),
    u("µs", Dim::Time, 1e-6, false),
    u("μs", Dim::Time, 1e-6, false),
    u("us", Dim::Time, 1e-6, false),
    u("ms", Dim::Time, 1e-3, true),
    u("milliseconds", Dim::Time, 1e-3, true),
    u("millisecond", Dim::Time, 1e-3, true),
    u("microseconds", Dim::Time, 1e-6, true),
    u("seconds", Dim::Time, 1.0, true),
    u("second", Dim::Time, 1.0, true),
    u("secs", Dim::Time, 1.0, true),
    u("sec", Dim::Time, 1.0, true),
    u("s", Dim::Time, 1.0, false),
    u("minutes", Dim::Time, 60.0, true),
    u("minute", Dim::Time, 60.0, true),
    u("mins", Dim::Time, 60.0, true),
    u("min", Dim::Time, 60.0, true),
    u("m", Dim::Time, 60.0, false),
    u("hours", Dim::Time, 3600.0, true),
    u("hour", Dim::Time, 3600.0, true),
    u("hrs", Dim::Time, 3600.0, true),
    u("hr", Dim::Time, 3600.0, true),
    u("h", Dim::Time, 3600.0, false),
    u("days", Dim::Time, 86400.0, true),
    u("day", Dim::Time, 86400.0, true),
    u("d", Dim::Time, 86400.0, false),
    u("weeks", Dim::Time, 604_800.0, true),
    u("week", Dim::Time, 604_800.0, true),
    u("纳秒", Dim::Time, 1e-9, false),
    u("微秒", Dim::Time, 1e-6, false),
    u("毫秒", Dim::Time, 1e-3, false),
    u("秒", Dim::Time, 1.0, false),
    u("分钟", Dim::Time, 60.0, false),
    u("小时", Dim::Time, 3600.0, false),
    u("天", Dim::Time, 86400.0, false),
    // Percentages and points.
    u("percentage points", Dim::Points, 1.0, true),
    u("percentage point", Dim::Points, 1.0, true),
    u("个百分点", Dim::Points, 1.0, false),
    u("points", Dim::Points, 1.0, true),
    u("pts", Dim::Points, 1.0, true),
    u("pt", Dim::Points, 1.0, true),
    u("pp", Dim::Points, 1.0, true),
    u("percent", Dim::Percent, 1.0, true),
    u("%", Dim::Percent, 1.0, false),
    u("％", Dim::Percent, 1.0, false),
    // Multipliers (`3 times`; `3x` is read where it touches the number).
    u("times", Dim::Multiplier, 1.0, true),
    u("倍", Dim::Multiplier, 1.0, false),
];

/// The indices into [`UNITS`] of the units starting with each (ASCII-lowercased) byte,
/// in table order: a figure's unit is looked for among a handful, not the whole table.
static UNITS_BY_FIRST: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(|| {
    let mut by = vec![Vec::new(); 256];
    for (k, unit) in UNITS.iter().enumerate() {
        let first = unit.text.as_bytes()[0].to_ascii_lowercase();
        by[usize::from(first)].push(u8::try_from(k).expect("fewer than 256 units"));
    }
    by
});

/// Magnitude words and suffixes: (text, factor, ASCII-case-folded).
static MAGNITUDES: &[(&str, f64, bool)] = &[
    ("thousand", 1e3, true),
    ("million", 1e6, true),
    ("billion", 1e9, true),
    ("bn", 1e9, true),
    ("K", 1e3, false),
    ("k", 1e3, false),
    ("M", 1e6, false),
    ("万", 1e4, false),
    ("亿", 1e8, false),
    ("千", 1e3, false),
];

const APPROX: &[&str] = &[
    "~",
    "≈",
    "∼",
    "about",
    "around",
    "roughly",
    "approximately",
    "approx.",
    "nearly",
    "almost",
    "some",
    "大约",
    "约",
    "近",
];
const BOUND: &[&str] = &[
    "<=",
    ">=",
    "<",
    ">",
    "≤",
    "≥",
    "under",
    "over",
    "below",
    "above",
    "up to",
    "at least",
    "at most",
    "less than",
    "more than",
    "fewer than",
    "within",
    "超过",
    "不到",
    "低于",
    "高于",
    "少于",
    "多于",
];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether `rest` starts with `pat` (ASCII case folded when `fold`) and the match ends at
/// a word boundary (for ASCII-letter patterns).
fn starts_unit(rest: &str, pat: &str, fold: bool) -> bool {
    let ok = if fold {
        rest.len() >= pat.len()
            && rest.is_char_boundary(pat.len())
            && rest[..pat.len()].eq_ignore_ascii_case(pat)
    } else {
        rest.starts_with(pat)
    };
    if !ok {
        return false;
    }
    let last = pat.as_bytes()[pat.len() - 1];
    if !last.is_ascii_alphanumeric() {
        return true;
    }
    rest.as_bytes()
        .get(pat.len())
        .is_none_or(|b| !is_word_byte(*b))
}

/// The number at the start of `s`: (value, bytes, decimals, trailing zeros of an integer).
fn read_number(s: &str) -> Option<(f64, usize, u32, u32)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == 0 {
        return None;
    }
    // Thousands separators: groups of exactly three digits. The common case (none) is
    // parsed in place; only a separated number is copied without its commas.
    let int_end = i;
    let mut grouped: Option<String> = None;
    if i <= 3 {
        while i + 3 < b.len() + 1
            && b.get(i) == Some(&b',')
            && b.get(i + 1..i + 4)
                .is_some_and(|g| g.iter().all(u8::is_ascii_digit))
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
        {
            grouped
                .get_or_insert_with(|| s[..int_end].to_owned())
                .push_str(&s[i + 1..i + 4]);
            i += 4;
        }
    }
    let digits_end = i;
    let mut decimals = 0;
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if let Some(g) = grouped.as_mut() {
            g.push_str(&s[i..j]);
        }
        decimals = u32::try_from(j - i - 1).unwrap_or(u32::MAX);
        i = j;
    }
    let digits = grouped.as_deref().unwrap_or(&s[..i]);
    let trailing = if decimals == 0 {
        let int = grouped.as_deref().unwrap_or(&s[..digits_end]);
        u32::try_from(int.len() - int.trim_end_matches('0').len()).unwrap_or(0)
    } else {
        0
    };
    Some((digits.parse().ok()?, i, decimals, trailing))
}

/// The first ASCII digit in `b` at or after `from`, eight bytes at a time: most of a
/// text is not digits, and this is the loop every byte of every text goes through.
fn next_digit(b: &[u8], mut from: usize) -> Option<usize> {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 128;
    while from + 8 <= b.len() {
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(&b[from..from + 8]);
        let x = u64::from_le_bytes(chunk);
        // A byte strictly between b'/' and b':' (bit-twiddling "hasbetween"; bytes of 128
        // and above never count).
        let low7 = x & (ONES * 127);
        let found = (ONES * (127 + u64::from(b':'))).wrapping_sub(low7)
            & !x
            & low7.wrapping_add(ONES * (127 - u64::from(b'/')))
            & HIGH;
        if found != 0 {
            return b[from..from + 8]
                .iter()
                .position(u8::is_ascii_digit)
                .map(|k| from + k);
        }
        from += 8;
    }
    b[from..]
        .iter()
        .position(u8::is_ascii_digit)
        .map(|k| from + k)
}

/// Every figure in `text`, in order. Numbers inside words (`p99`, `G22`, `x86`),
/// versions (`1.25.2`), dates and times of day are not figures.
pub fn scan(text: &str) -> Vec<Quantity> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            match next_digit(b, i) {
                Some(k) => i = k,
                None => break,
            }
        }
        let prev = if b[i - usize::from(i > 0)].is_ascii() {
            i.checked_sub(1).map(|p| char::from(b[p]))
        } else {
            text[..i].chars().next_back()
        };
        let inside_word = prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            || (prev == Some(',') && i >= 2 && b[i - 2].is_ascii_digit());
        if inside_word {
            while i < b.len() && (is_word_byte(b[i]) || b[i] == b'.') {
                i += 1;
            }
            continue;
        }
        match read_at(text, i) {
            Some((q, next)) => {
                i = next.max(i + 1);
                if let Some(q) = q {
                    out.push(q);
                }
            }
            None => i += 1,
        }
    }
    out
}

/// The figure whose number starts at `start`: `Some((None, end))` when the text there
/// is a number but not a figure (a version, a date), to be skipped whole.
fn read_at(text: &str, start: usize) -> Option<(Option<Quantity>, usize)> {
    let b = text.as_bytes();
    let (n, len, decimals, trailing) = read_number(&text[start..])?;
    let mut i = start + len;
    // Versions, dates, times of day, IPs, identifiers: skip the whole token.
    let skip_token = |mut j: usize| {
        while j < b.len() && (is_word_byte(b[j]) || matches!(b[j], b'.' | b'-' | b':' | b'/')) {
            j += 1;
        }
        Some((None, j))
    };
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return skip_token(i);
    }
    if b.get(i) == Some(&b':') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return skip_token(i);
    }
    if len == 4 && b.get(i) == Some(&b'-') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return skip_token(i);
    }
    if b.get(i) == Some(&b'/') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        // `3/4`: a fraction, which the equation reader handles; not a figure alone.
        let mut q = plain(start, i, n, decimals, trailing);
        q.unit.clear();
        return Some((Some(q), i));
    }
    // A range: `40-60%`, `90–160 ms`, `1.35-2.4 s` (a hyphen touching both numbers, or
    // an en dash with or without spaces).
    let mut range_hi = None;
    {
        let rest = &text[i..];
        let dash = if rest.starts_with('-') {
            Some(1)
        } else if rest.starts_with('–') || rest.starts_with('—') {
            Some(3)
        } else if rest.starts_with(" – ") || rest.starts_with(" — ") {
            Some(5)
        } else {
            None
        };
        if let Some(d) = dash
            && let Some((hi, l2, _, _)) = read_number(&text[i + d..])
        {
            let after = i + d + l2;
            if b.get(after) == Some(&b'.') && b.get(after + 1).is_some_and(u8::is_ascii_digit)
                || b.get(after) == Some(&b'-')
            {
                return skip_token(after);
            }
            range_hi = Some(hi);
            i = after;
        }
    }
    let mut q = plain(start, i, n, decimals, trailing);
    q.range_hi = range_hi;
    // `3.4x`, `3.4×`: a multiplier when the sign touches the number.
    let rest = &text[i..];
    if (rest.starts_with('x') || rest.starts_with('X'))
        && b.get(i + 1).is_none_or(|c| !is_word_byte(*c))
    {
        q.dim = Dim::Multiplier;
        q.unit = "x".to_owned();
        i += 1;
    } else if rest.starts_with('×') && !text[i + '×'.len_utf8()..].starts_with([' ', '(']) {
        let next = text[i + '×'.len_utf8()..].chars().next();
        if next.is_none_or(|c| !c.is_ascii_digit()) {
            q.dim = Dim::Multiplier;
            q.unit = "x".to_owned();
            i += '×'.len_utf8();
        }
    } else {
        i = units(text, i, &mut q);
    }
    prefix(text, start, &mut q);
    if let Some(hi) = q.range_hi.as_mut() {
        *hi *= q.value / n.max(f64::MIN_POSITIVE);
    }
    q.span.end = i;
    Some((Some(q), i))
}

fn plain(start: usize, end: usize, n: f64, decimals: u32, trailing: u32) -> Quantity {
    Quantity {
        span: start..end,
        written: n,
        value: n,
        half_ulp: half_ulp(n, decimals, trailing),
        dim: Dim::Count,
        factor: 1.0,
        unit: String::new(),
        approx: false,
        bound: false,
        sign: None,
        range_hi: None,
        decimals,
        mag: 1.0,
        ambiguous: false,
    }
}

/// Half a unit of the last significant digit: `77` ±0.5, `9.6` ±0.05; an integer of four
/// digits or more with trailing zeros is read as rounded there (`4,300` ±50).
fn half_ulp(n: f64, decimals: u32, trailing: u32) -> f64 {
    if decimals > 0 {
        0.5 * 10f64.powi(-i32::try_from(decimals).unwrap_or(0))
    } else if n >= 1000.0 && trailing > 0 {
        0.5 * 10f64.powi(i32::try_from(trailing).unwrap_or(0))
    } else {
        0.5
    }
}

/// Reads the magnitude and unit after the number at `i`; returns the end.
fn units(text: &str, mut i: usize, q: &mut Quantity) -> usize {
    let money = money_prefix(text, q.span.start).is_some();
    let skip_space = |j: usize| -> usize {
        let rest = &text[j..];
        if rest.starts_with(' ') && !rest.starts_with("  ") {
            j + 1
        } else if rest.starts_with('\u{a0}') {
            j + '\u{a0}'.len_utf8()
        } else {
            j
        }
    };
    // Magnitude: only where the next byte (or the one after a space) can start one.
    let mut mag = 1.0;
    let can_start = |j: usize| {
        text.as_bytes().get(j).is_some_and(|&c| {
            MAGNITUDES.iter().any(|&(m, _, fold)| {
                let f = m.as_bytes()[0];
                c == f || (fold && c.eq_ignore_ascii_case(&f))
            })
        })
    };
    let magnitudes = if can_start(i) || can_start(skip_space(i)) {
        MAGNITUDES
    } else {
        &[]
    };
    for &(m, f, fold) in magnitudes {
        let at = if m.is_ascii() && m.len() <= 2 {
            i
        } else {
            skip_space(i)
        };
        let rest = &text[at..];
        let hit = if m == "M" || m == "K" || m == "k" {
            // A bare suffix: not the start of a unit (`MB`, `Mbps`, `KiB`, `KB`).
            rest.starts_with(m)
                && rest
                    .as_bytes()
                    .get(1)
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
        } else {
            starts_unit(rest, m, fold)
        };
        if hit {
            mag = f;
            i = at + m.len();
            break;
        }
    }
    if money && mag == 1.0 {
        let rest = &text[i..];
        if rest.starts_with('B')
            && rest
                .as_bytes()
                .get(1)
                .is_none_or(|c| !c.is_ascii_alphanumeric())
        {
            mag = 1e9;
            i += 1;
        } else if rest.starts_with('m')
            && rest
                .as_bytes()
                .get(1)
                .is_none_or(|c| !c.is_ascii_alphanumeric())
        {
            mag = 1e6;
            i += 1;
        }
    }
    q.written *= mag;
    q.value *= mag;
    q.mag = mag;
    if q.decimals == 0 && mag > 1.0 {
        // `4K`: ±0.5K.
        q.half_ulp = 0.5 * mag;
    } else {
        q.half_ulp *= mag;
    }
    if money {
        q.dim = Dim::Money;
        return i;
    }
    // Unit.
    let at = skip_space(i);
    let rest = &text[at..];
    // `8.4K events/min`, `39K q/s`: a noun per unit of time.
    if let Some((noun, factor, len)) = per_time(rest) {
        q.dim = Dim::Rate;
        q.factor = factor;
        q.value *= factor;
        q.half_ulp *= factor;
        q.unit = noun;
        return at + len;
    }
    let first = rest.as_bytes().first().map_or(0, u8::to_ascii_lowercase);
    // Only the units that start with this byte, in the table's order.
    for &k in &UNITS_BY_FIRST[usize::from(first)] {
        let unit = &UNITS[usize::from(k)];
        // Single-letter units touch the number or follow one space (`5 s`), never more.
        if starts_unit(rest, unit.text, unit.fold) {
            if unit.dim == Dim::Time && unit.text.len() == 1 && at != i && mag > 1.0 {
                continue;
            }
            // `a 95% points` is percent then a noun; `% points` after `%` handled below.
            q.dim = unit.dim;
            q.factor = unit.factor;
            q.value *= unit.factor;
            q.half_ulp *= unit.factor;
            q.unit = unit.text.to_lowercase();
            // `5.184B` touching its number: bytes, or billions of something.
            q.ambiguous = unit.text == "B" && at == i;
            let mut end = at + unit.text.len();
            if q.dim == Dim::Percent {
                let r = &text[end..];
                for p in [" points", " pts", " pp", " percentage points"] {
                    if starts_unit(r, p, true) {
                        q.dim = Dim::Points;
                        q.unit = p.trim().to_owned();
                        end += p.len();
                        break;
                    }
                }
            }
            return end;
        }
    }
    // A noun: `60 connections`, `24 core-ms`.
    let noun_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphabetic() || *c == b'-')
        .count();
    let noun = rest[..noun_len].trim_end_matches('-');
    // A word that joins figures (`5.7 to 1.14 cores`, `3 of 4`) names nothing counted.
    const JOINING: [&str; 24] = [
        "to", "and", "or", "of", "in", "at", "on", "by", "for", "per", "from", "with", "vs",
        "than", "the", "a", "an", "is", "are", "was", "were", "as", "into", "over",
    ];
    let joining = JOINING.iter().any(|w| noun.eq_ignore_ascii_case(w));
    if !noun.is_empty() && !joining && !noun.eq_ignore_ascii_case("x") && (at > i || noun.len() > 1)
    {
        q.unit = noun.to_ascii_lowercase();
    }
    i
}

/// `events/min`, `q/s`, `writes per second`: (noun, factor to per second, bytes).
fn per_time(rest: &str) -> Option<(String, f64, usize)> {
    let noun_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphabetic() || *c == b'.')
        .count();
    if noun_len == 0 {
        return None;
    }
    let noun = &rest[..noun_len];
    let after = &rest[noun_len..];
    for (sep, unit, f) in [
        ("/", "s", 1.0),
        ("/", "sec", 1.0),
        ("/", "second", 1.0),
        ("/", "min", 1.0 / 60.0),
        ("/", "minute", 1.0 / 60.0),
        ("/", "h", 1.0 / 3600.0),
        ("/", "hr", 1.0 / 3600.0),
        ("/", "hour", 1.0 / 3600.0),
        ("/", "day", 1.0 / 86400.0),
        (" per ", "second", 1.0),
        (" per ", "minute", 1.0 / 60.0),
        (" per ", "hour", 1.0 / 3600.0),
        (" per ", "day", 1.0 / 86400.0),
        (" per ", "s", 1.0),
    ] {
        if let Some(r) = after.strip_prefix(sep)
            && starts_unit(r, unit, true)
        {
            // `KB/s` and friends are bandwidth, read from the unit table.
            if matches!(
                noun.to_ascii_lowercase().as_str(),
                "kb" | "mb" | "gb" | "tb" | "b"
            ) {
                return None;
            }
            let len = noun_len + sep.len() + unit.len();
            return Some((format!("{}/{}", noun.to_ascii_lowercase(), unit), f, len));
        }
    }
    None
}

/// The currency sign just before the number (after an optional sign or approximation).
fn money_prefix(text: &str, start: usize) -> Option<usize> {
    let before = &text[..start];
    for cur in ["US$", "$", "€", "£", "¥", "￥"] {
        if before.ends_with(cur) {
            return Some(start - cur.len());
        }
    }
    None
}

/// Reads the sign, currency, approximation and bound written before the number.
fn prefix(text: &str, start: usize, q: &mut Quantity) {
    let mut at = money_prefix(text, start).unwrap_or(start);
    let before = &text[..at];
    let sign = before.chars().next_back();
    if let Some(c @ ('+' | '-' | '−' | '–' | '±')) = sign {
        let earlier = before[..before.len() - c.len_utf8()].chars().next_back();
        // `40-60` is a range, read elsewhere; `x-5` is not a sign.
        if earlier.is_none_or(|e| !e.is_alphanumeric()) {
            q.sign = match c {
                '+' => Some('+'),
                '±' => None,
                _ => Some('-'),
            };
            if c == '±' {
                q.bound = true;
            }
            at -= c.len_utf8();
        }
    }
    if at < q.span.start {
        q.span.start = at;
    }
    let before = text[..at].trim_end();
    // `before` ends with the word `w` (ASCII case folded; the words are ASCII or CJK),
    // at a word start when `w` starts with a letter. No copy of the text is made.
    let bb = before.as_bytes();
    let word_end = |w: &str| {
        let wb = w.as_bytes();
        bb.len() >= wb.len() && bb[bb.len() - wb.len()..].eq_ignore_ascii_case(wb) && {
            let head = &before[..before.len() - wb.len()];
            !wb[0].is_ascii_alphabetic()
                || head
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
        }
    };
    // Most figures follow a space, a bracket or a letter that ends no marker word.
    let last = bb.last().copied();
    let may_mark = last.is_some_and(|c| {
        !c.is_ascii()
            || matches!(
                c.to_ascii_lowercase(),
                b'~' | b'<'
                    | b'>'
                    | b'='
                    | b'.'
                    | b'd'
                    | b'e'
                    | b'n'
                    | b'r'
                    | b's'
                    | b't'
                    | b'w'
                    | b'y'
                    | b'o'
            )
    });
    if !may_mark {
        return;
    }
    if APPROX.iter().any(|w| word_end(w)) {
        q.approx = true;
        for w in ["~", "≈", "∼"] {
            if before.ends_with(w) && text[..at].len() - before.len() <= 1 {
                q.span.start = before.len() - w.len();
            }
        }
    }
    if BOUND.iter().any(|w| word_end(w)) {
        q.bound = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Quantity {
        let v = scan(s);
        assert_eq!(v.len(), 1, "{s}: {v:?}");
        v.into_iter().next().unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn durations_convert_to_seconds() {
        for (s, v) in [
            ("350 ms", 0.35),
            ("8.5 s", 8.5),
            ("120µs", 120e-6),
            ("40 ns", 40e-9),
            ("1.5 minutes", 90.0),
            ("2h", 7200.0),
            ("3 days", 259_200.0),
            ("约 3 秒", 3.0),
            ("250毫秒", 0.25),
        ] {
            let q = one(s);
            assert_eq!(q.dim, Dim::Time, "{s}");
            assert!(close(q.value, v), "{s}: {}", q.value);
        }
        assert!(one("约 3 秒").approx);
    }

    #[test]
    fn rates_sizes_bandwidth_money() {
        let q = one("4.6K rps");
        assert_eq!((q.dim, q.value), (Dim::Rate, 4600.0));
        assert!(close(q.half_ulp, 50.0));
        let q = one("8.4K events/min");
        assert_eq!(q.dim, Dim::Rate);
        assert!(close(q.value, 140.0));
        assert_eq!(one("39K q/s").value, 39_000.0);
        assert_eq!(one("1,200 ops/s").value, 1200.0);
        let q = one("12 GiB");
        assert_eq!((q.dim, q.value), (Dim::Size, 12.0 * 1_073_741_824.0));
        assert_eq!(one("5MB").value, 5e6);
        assert!(one("5.184B").ambiguous);
        assert!(!one("512 B").ambiguous);
        let q = one("10 Gbps");
        assert_eq!((q.dim, q.value), (Dim::Bandwidth, 1e10));
        assert_eq!(one("200 MB/s").value, 1.6e9);
        let q = one("$86.7K");
        assert_eq!(q.dim, Dim::Money);
        assert!(close(q.value, 86_700.0));
        assert_eq!(one("$1.2M").value, 1.2e6);
        assert_eq!(one("3万").value, 30_000.0);
    }

    #[test]
    fn percentages_points_multipliers_ranges() {
        let q = one("77%");
        assert_eq!((q.dim, q.value, q.half_ulp), (Dim::Percent, 77.0, 0.5));
        assert_eq!(one("23 pts").dim, Dim::Points);
        assert_eq!(one("6 percentage points").dim, Dim::Points);
        assert_eq!(one("3.4x").dim, Dim::Multiplier);
        assert_eq!(one("3.4×").value, 3.4);
        let q = one("40-60%");
        assert_eq!((q.value, q.range_hi), (40.0, Some(60.0)));
        let q = one("90–160 ms");
        assert!(close(q.range_hi.unwrap(), 0.16));
        let q = one("−33%");
        assert_eq!(q.sign, Some('-'));
        assert_eq!(q.signed(), -33.0);
        assert!(one("~1,500 pods").approx);
        assert!(one("≈ 28K").approx);
        assert!(one("< 50 ms").bound);
        assert!(one("under 50 ms").bound);
        assert_eq!(one("4,300").half_ulp, 50.0);
    }

    #[test]
    fn the_next_digit_is_found_across_chunks() {
        let t = "ab≈cdefghijklmnop:/9 q0";
        let b = t.as_bytes();
        let want = |from: usize| {
            b[from..]
                .iter()
                .position(u8::is_ascii_digit)
                .map(|k| from + k)
        };
        for from in 0..=b.len() {
            assert_eq!(next_digit(b, from), want(from), "{from}");
        }
        assert_eq!(next_digit(b"no digits here at all, none", 0), None);
    }

    #[test]
    fn not_figures() {
        assert!(scan("p99 G22 x86 v1.25.2 on 2026-11-25 at 12:30").is_empty());
        let v = scan("version 1.25.2 and 10.0.0.1");
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn nouns_and_shows() {
        let q = one("24 core-ms");
        assert_eq!(q.unit, "core-ms");
        // A joining word is not what the figure counts.
        assert_eq!(scan("from 5.7 to 1.14 cores")[0].unit, "");
        assert_eq!(
            Quantity::show(0.95, Dim::Time, Some(&one("950 ms"))),
            "950 ms"
        );
        assert_eq!(Quantity::show(88.83, Dim::Percent, None), "88.83%");
        assert_eq!(
            Quantity::show(4285.7, Dim::Rate, Some(&one("4.3K rps"))),
            "4.29K rps"
        );
        assert_eq!(number(30.0), "30");
    }
}
