//! The link cache, `.qbank/cache.json`: per URL, what the last check found and when
//! (format in docs/links.md). Parsing and serialising only; the command reads and writes it.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::cite::{Lookup, Registered};
use super::release::Release;
use super::status::Outcome;

/// Where the cache lives, relative to the working directory.
pub(crate) const PATH: &str = ".qbank/cache.json";

/// The format version written in the file; another version is ignored like a corrupt file.
pub(crate) const VERSION: u32 = 1;

/// Entries older than this are dropped when the cache is written.
pub(crate) const KEEP: Duration = Duration::from_secs(30 * 24 * 3600);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Cache {
    pub version: u32,
    /// Keyed by the URL requested (DOIs as resolver URLs), sorted.
    pub entries: BTreeMap<String, Entry>,
    /// What registries hold, keyed by `doi:<bare DOI>` or `isbn:<ISBN-13>` (Open
    /// Library; docs/verify.md), sorted. Only
    /// records found are kept.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub registry: BTreeMap<String, RecordEntry>,
    /// The latest release of each tool, keyed by `github:OWNER/REPO`, `pypi:NAME`, ...
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub releases: BTreeMap<String, RecordEntry<Release>>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            version: VERSION,
            entries: BTreeMap::new(),
            registry: BTreeMap::new(),
            releases: BTreeMap::new(),
        }
    }
}

/// A registry record and when it was fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RecordEntry<T = Registered> {
    pub checked: String,
    pub record: T,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// When the check was made: RFC 3339, UTC, whole seconds.
    pub checked: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl Cache {
    /// Parses a cache file's text; an error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Cache, String> {
        let cache: Cache = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if cache.version != VERSION {
            return Err(format!("format version {} is not {VERSION}", cache.version));
        }
        Ok(cache)
    }

    /// The cached outcome of `url` if it was checked less than `max_age` before `now`.
    /// Only successes are answered from the cache (a failure in a file written by an
    /// older qbank is checked again).
    pub fn fresh(&self, url: &str, now: Timestamp, max_age: Duration) -> Option<&Outcome> {
        let e = self.entries.get(url).filter(|e| e.outcome.cacheable())?;
        let checked: Timestamp = e.checked.parse().ok()?;
        let age = now.duration_since(checked);
        let max = jiff::SignedDuration::try_from(max_age).ok()?;
        (!age.is_negative() && age < max).then_some(&e.outcome)
    }

    /// When the cached check of `url` was made.
    pub fn checked_at(&self, url: &str) -> Option<Timestamp> {
        self.entries.get(url)?.checked.parse().ok()
    }

    /// Records an outcome checked at `now` (only those worth remembering).
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub fn insert(&mut self, url: &str, outcome: &Outcome, now: Timestamp) {
        if outcome.cacheable() {
            self.entries.insert(
                url.to_owned(),
                Entry {
                    checked: stamp(now),
                    outcome: outcome.clone(),
                },
            );
        }
    }

    /// The cached registry answer for `key` if it was fetched less than `max_age` before
    /// `now` (only records found are kept).
    pub fn fresh_record(&self, key: &str, now: Timestamp, max_age: Duration) -> Option<Lookup> {
        let e = self.registry.get(key)?;
        young(&e.checked, now, max_age).then(|| Lookup::Found {
            record: e.record.clone(),
        })
    }

    /// Records a registry answer fetched at `now`: a record found; never a failure (it
    /// may be transient) nor a "not found" (it is asked again, as a dead link is).
    pub fn insert_record(&mut self, key: &str, lookup: &Lookup, now: Timestamp) {
        if let Lookup::Found { record } = lookup {
            self.registry.insert(
                key.to_owned(),
                RecordEntry {
                    checked: stamp(now),
                    record: record.clone(),
                },
            );
        }
    }

    /// [`Cache::fresh_record`] for a tool's latest release.
    pub fn fresh_release(
        &self,
        key: &str,
        now: Timestamp,
        max_age: Duration,
    ) -> Option<Lookup<Release>> {
        let e = self.releases.get(key)?;
        young(&e.checked, now, max_age).then(|| Lookup::Found {
            record: e.record.clone(),
        })
    }

    /// [`Cache::insert_record`] for a tool's latest release.
    pub fn insert_release(&mut self, key: &str, lookup: &Lookup<Release>, now: Timestamp) {
        if let Lookup::Found { record } = lookup {
            self.releases.insert(
                key.to_owned(),
                RecordEntry {
                    checked: stamp(now),
                    record: record.clone(),
                },
            );
        }
    }

    /// Drops entries checked more than `keep` before `now` (or with unreadable times),
    /// and failures an older qbank cached.
    pub fn prune(&mut self, now: Timestamp, keep: Duration) {
        let max = keep;
        self.registry.retain(|_, e| young(&e.checked, now, max));
        self.releases.retain(|_, e| young(&e.checked, now, max));
        let keep = jiff::SignedDuration::try_from(keep).unwrap_or(jiff::SignedDuration::MAX);
        self.entries.retain(|_, e| {
            e.outcome.cacheable()
                && e.checked
                    .parse::<Timestamp>()
                    .is_ok_and(|t| now.duration_since(t) < keep)
        });
    }

    /// The file's text: pretty JSON, sorted by URL, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Reads the cache file at [`PATH`], or starts an empty one. A corrupt or unreadable
/// cache is ignored, with a warning saying why.
pub(crate) fn load() -> (Cache, Option<String>) {
    match std::fs::read_to_string(PATH) {
        Ok(text) => match Cache::parse(&text) {
            Ok(c) => (c, None),
            Err(e) => (
                Cache::default(),
                Some(format!(
                    "ignoring the link cache {PATH}: {e}; it will be rewritten"
                )),
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Cache::default(), None),
        Err(e) => (
            Cache::default(),
            Some(format!("ignoring the link cache {PATH}: {e}")),
        ),
    }
}

/// Prunes the cache (entries older than [`KEEP`] or `max_age`, whichever is longer) and
/// writes it to [`PATH`]; a failure to write is returned as a warning.
pub(crate) fn save(c: &mut Cache, max_age: Duration) -> Option<String> {
    c.prune(Timestamp::now(), KEEP.max(max_age));
    crate::fsutil::write_in(
        std::path::Path::new("."),
        std::path::Path::new(PATH),
        c.to_json().as_bytes(),
    )
    .err()
    .map(|e| format!("the link cache was not saved: {e}"))
}

/// True when `checked` (RFC 3339) is less than `max_age` before `now`.
fn young(checked: &str, now: Timestamp, max_age: Duration) -> bool {
    let Ok(t) = checked.parse::<Timestamp>() else {
        return false;
    };
    let age = now.duration_since(t);
    jiff::SignedDuration::try_from(max_age).is_ok_and(|max| !age.is_negative() && age < max)
}

/// `now` as the cache writes it: UTC, whole seconds.
fn stamp(now: Timestamp) -> String {
    Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

/// Parses a duration: a number with a unit `ms`, `s`, `m`, `h`, `d` or `w` (`500ms`,
/// `90s`, `12h`, `1d`); a bare number is seconds. As a cache age, `0` means every entry
/// is stale.
pub(crate) fn parse_age(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration such as 500ms, 90s, 30m, 12h, 1d or 2w"))?;
    if unit.trim() == "ms" {
        return Ok(Duration::from_millis(n));
    }
    let unit_secs = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{s}`: use ms, s, m, h, d or w"
            ));
        }
    };
    Ok(Duration::from_secs(n.saturating_mul(unit_secs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn fresh_until_max_age() {
        let mut c = Cache::default();
        let ok = Outcome::Ok {
            code: 200,
            url: None,
        };
        c.insert("https://a.example/", &ok, t("2026-01-01T00:00:00.5Z"));
        let day = Duration::from_secs(86_400);
        assert_eq!(
            c.fresh("https://a.example/", t("2026-01-01T23:59:00Z"), day),
            Some(&ok)
        );
        assert_eq!(
            c.fresh("https://a.example/", t("2026-01-02T00:00:01Z"), day),
            None
        );
        assert_eq!(
            c.fresh(
                "https://a.example/",
                t("2026-01-01T00:00:01Z"),
                Duration::ZERO
            ),
            None
        );
        // Not remembered: no request settled them.
        c.insert(
            "https://b.example/",
            &Outcome::Unchecked,
            t("2026-01-01T00:00:00Z"),
        );
        assert_eq!(c.entries.len(), 1);
    }

    #[test]
    fn failures_are_never_answered_from_the_cache() {
        let mut c = Cache::default();
        let now = t("2026-01-01T00:00:00Z");
        c.insert("https://a.example/", &Outcome::Dead { code: 404 }, now);
        c.insert("https://b.example/", &Outcome::Timeout, now);
        assert!(c.entries.is_empty());
        // A failure in a cache written by an older version is not trusted either.
        let old = r#"{"version": 1, "entries": {"https://a.example/":
            {"checked": "2026-01-01T00:00:00Z", "status": "dead", "code": 404}}}"#;
        let mut c = Cache::parse(old).unwrap();
        assert_eq!(
            c.fresh("https://a.example/", now, Duration::from_secs(60)),
            None
        );
        c.prune(now, KEEP);
        assert!(c.entries.is_empty());
    }

    #[test]
    fn round_trip_and_format() {
        let mut c = Cache::default();
        c.insert(
            "https://a.example/",
            &Outcome::Ok {
                code: 200,
                url: None,
            },
            t("2026-01-01T00:00:00Z"),
        );
        let text = c.to_json();
        assert!(
            text.contains(r#""checked": "2026-01-01T00:00:00Z""#),
            "{text}"
        );
        assert!(text.contains(r#""status": "ok""#), "{text}");
        assert_eq!(Cache::parse(&text).unwrap(), c);
        assert!(Cache::parse("{not json").is_err());
        assert!(Cache::parse(r#"{"version": 99, "entries": {}}"#).is_err());
    }

    #[test]
    fn registry_records_only_when_found_and_until_max_age() {
        let mut c = Cache::default();
        let now = t("2026-01-01T00:00:00Z");
        let found = Lookup::Found {
            record: Registered {
                title: Some("The tail at scale".into()),
                ..Registered::default()
            },
        };
        c.insert_record("doi:10.1/a", &found, now);
        c.insert_record("doi:10.1/b", &Lookup::NotFound, now);
        c.insert_record(
            "doi:10.1/c",
            &Lookup::Failed {
                reason: "timed out".into(),
            },
            now,
        );
        assert_eq!(c.registry.len(), 1);
        let day = Duration::from_secs(86_400);
        assert_eq!(
            c.fresh_record("doi:10.1/a", t("2026-01-01T12:00:00Z"), day),
            Some(found.clone())
        );
        assert_eq!(
            c.fresh_record("doi:10.1/a", t("2026-01-02T00:00:01Z"), day),
            None
        );
        // It survives the round trip, and pruning drops it with age.
        let mut back = Cache::parse(&c.to_json()).unwrap();
        assert_eq!(back, c);
        back.prune(t("2026-03-01T00:00:00Z"), KEEP);
        assert!(back.registry.is_empty());
    }

    #[test]
    fn prune_old_entries() {
        let mut c = Cache::default();
        let ok = Outcome::Ok {
            code: 200,
            url: None,
        };
        c.insert("https://old.example/", &ok, t("2025-01-01T00:00:00Z"));
        c.insert("https://new.example/", &ok, t("2026-01-01T00:00:00Z"));
        c.prune(t("2026-01-02T00:00:00Z"), KEEP);
        assert_eq!(
            c.entries.keys().collect::<Vec<_>>(),
            vec!["https://new.example/"]
        );
    }

    #[test]
    fn ages() {
        assert_eq!(parse_age("1d").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_age("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_age("0").unwrap(), Duration::ZERO);
        assert_eq!(parse_age("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(parse_age("250ms").unwrap(), Duration::from_millis(250));
        assert!(parse_age("1y").is_err());
        assert!(parse_age("soon").is_err());
    }
}
