//! Wayback-style archive URLs (`https://web.archive.org/web/<timestamp>/<url>`): whether
//! one names a snapshot. Only a full 14-digit timestamp (`20250314093000`) names one; a
//! partial one (`/web/2025/...`) asks the archive for "the snapshot nearest 2025", which
//! nobody has seen until a live check follows it.

/// What an archive URL says about its snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Snapshot {
    /// A full `YYYYMMDDhhmmss` timestamp: a snapshot anyone can check.
    Pinned(String),
    /// A partial timestamp (`2025`, `202503`) or `*`: resolved only by following it.
    Partial(String),
}

/// The snapshot part of `url` when it is a Wayback-style URL on one of `hosts`
/// (`/web/<timestamp>[modifier_]/<original>`), else `None`.
pub(crate) fn snapshot(url: &str, hosts: &[String]) -> Option<Snapshot> {
    let u = url::Url::parse(url.trim()).ok()?;
    let host = u.host_str()?.to_ascii_lowercase();
    if !hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
        return None;
    }
    // The original URL inside the path keeps its own `//`, so split the raw path.
    let path = u.path();
    let rest = path.strip_prefix("/web/")?;
    let (stamp, original) = rest.split_once('/')?;
    if original.is_empty() {
        return None;
    }
    // `20250314093000id_`, `2025if_`: the modifier is not part of the timestamp.
    let digits: String = stamp.chars().take_while(char::is_ascii_digit).collect();
    let modifier = &stamp[digits.len()..];
    let modifier_ok = modifier.is_empty()
        || (modifier.ends_with('_')
            && modifier[..modifier.len() - 1]
                .chars()
                .all(|c| c.is_ascii_lowercase()));
    if !modifier_ok && stamp != "*" {
        return None;
    }
    if digits.len() == 14 && modifier_ok {
        Some(Snapshot::Pinned(digits))
    } else {
        Some(Snapshot::Partial(stamp.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> Vec<String> {
        vec!["web.archive.org".to_owned()]
    }

    #[test]
    fn full_timestamps_are_pinned_and_partial_ones_are_not() {
        assert_eq!(
            snapshot(
                "https://web.archive.org/web/20250314093000/https://example.com/a",
                &hosts()
            ),
            Some(Snapshot::Pinned("20250314093000".into()))
        );
        assert_eq!(
            snapshot(
                "https://web.archive.org/web/20250314093000id_/https://example.com/a",
                &hosts()
            ),
            Some(Snapshot::Pinned("20250314093000".into()))
        );
        assert_eq!(
            snapshot(
                "https://web.archive.org/web/2025/https://example.com/a",
                &hosts()
            ),
            Some(Snapshot::Partial("2025".into()))
        );
        assert_eq!(
            snapshot(
                "https://web.archive.org/web/*/https://example.com/a",
                &hosts()
            ),
            Some(Snapshot::Partial("*".into()))
        );
    }

    #[test]
    fn other_hosts_and_paths_are_not_archives() {
        assert_eq!(
            snapshot(
                "https://example.com/web/20250314093000/https://x.org",
                &hosts()
            ),
            None
        );
        assert_eq!(snapshot("https://web.archive.org/about", &hosts()), None);
        assert_eq!(
            snapshot("https://web.archive.org/web/20250314093000/", &hosts()),
            None
        );
    }
}
