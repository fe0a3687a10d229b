//! Checking a tool entry against its releases: where they are listed (the entry's
//! `registry`, else its URL), reading the latest release from GitHub, PyPI, npm and
//! crates.io answers, and comparing it with the entry's `version` and `last_update`.
//! No network here; `registry` fetches. Rules: docs/verify.md.

// Built without `net`, what only the network part uses stays unused.
#![cfg_attr(not(feature = "net"), allow(dead_code))]

use serde::{Deserialize, Serialize};

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::links::cite::Lookup;
use crate::model::{Bank, Tool};

/// The latest release a registry lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// As the registry names it (`v2.3.0`, `pgbouncer_1_26_1`, `2.3.0`).
    pub version: String,
    /// When it was published, `YYYY-MM-DD`, when the registry says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// Where a tool's releases are listed: `github:OWNER/REPO`, `pypi:NAME`, `npm:NAME` or
/// `crates:NAME`, from the entry's `registry`, else from a GitHub, PyPI, npm or crates.io
/// URL. `None`: nowhere known (a home page), and nothing is said.
pub(crate) fn registry_of(t: &Tool) -> Option<String> {
    if let Some(r) = &t.registry {
        let r = r.value.trim();
        let (kind, name) = r.split_once(':')?;
        let ok = matches!(kind, "github" | "pypi" | "npm" | "crates")
            && !name.trim().is_empty()
            && (kind != "github" || name.split('/').filter(|p| !p.is_empty()).count() == 2);
        return ok.then(|| format!("{kind}:{}", name.trim().trim_matches('/')));
    }
    let url = url::Url::parse(t.url.as_ref()?.value.trim()).ok()?;
    let host = url.host_str()?.trim_start_matches("www.").to_lowercase();
    let parts: Vec<&str> = url.path_segments()?.filter(|p| !p.is_empty()).collect();
    match (host.as_str(), parts.as_slice()) {
        ("github.com", [owner, repo, ..]) => {
            Some(format!("github:{owner}/{}", repo.trim_end_matches(".git")))
        }
        ("pypi.org", ["project", name, ..]) => Some(format!("pypi:{name}")),
        ("npmjs.com", ["package", scope, name, ..]) if scope.starts_with('@') => {
            Some(format!("npm:{scope}/{name}"))
        }
        ("npmjs.com", ["package", name, ..]) => Some(format!("npm:{name}")),
        ("crates.io", ["crates", name, ..]) => Some(format!("crates:{name}")),
        _ => None,
    }
}

/// The date part of an RFC 3339 time.
fn day(s: Option<&str>) -> Option<String> {
    let s = s?;
    (s.len() >= 10 && s.is_char_boundary(10)).then(|| s[..10].to_owned())
}

/// Reads the latest release from a registry's answer (`kind` is the part of the key
/// before the colon): GitHub's `releases/latest`, PyPI's JSON API, the npm registry's
/// package document, or crates.io's crate answer.
pub(crate) fn parse(kind: &str, v: &serde_json::Value) -> Option<Release> {
    let s = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    match kind {
        "github" => Some(Release {
            version: s(v.get("tag_name")?)?,
            date: day(v
                .get("published_at")
                .or_else(|| v.get("created_at"))
                .and_then(|d| d.as_str())),
        }),
        "pypi" => {
            let version = s(v.get("info")?.get("version")?)?;
            let date = v
                .get("releases")
                .and_then(|r| r.get(&version))
                .and_then(|files| files.as_array())
                .and_then(|files| {
                    files
                        .iter()
                        .filter_map(|f| f.get("upload_time_iso_8601").and_then(|t| t.as_str()))
                        .min()
                })
                .or_else(|| v.get("urls")?.get(0)?.get("upload_time_iso_8601")?.as_str());
            Some(Release {
                date: day(date),
                version,
            })
        }
        "npm" => {
            let version = s(v.get("dist-tags")?.get("latest")?)?;
            let date = day(v
                .get("time")
                .and_then(|t| t.get(&version))
                .and_then(|d| d.as_str()));
            Some(Release { version, date })
        }
        "crates" => {
            let c = v.get("crate")?;
            let version = c
                .get("max_stable_version")
                .and_then(s)
                .or_else(|| c.get("newest_version").and_then(s))?;
            let date = v
                .get("versions")
                .and_then(|vs| vs.as_array())
                .and_then(|vs| {
                    vs.iter()
                        .find(|x| x.get("num").and_then(|n| n.as_str()) == Some(&version))
                })
                .and_then(|x| x.get("created_at"))
                .and_then(|d| d.as_str());
            Some(Release {
                date: day(date),
                version,
            })
        }
        _ => None,
    }
}

/// The numbers of a version as written (`v2.3.0`, `pgbouncer_1_26_1`, `1.26`): the
/// first run of digits separated by dots or underscores. `None` without digits.
pub(crate) fn numbers(v: &str) -> Option<Vec<u64>> {
    let start = v.find(|c: char| c.is_ascii_digit())?;
    let mut out = Vec::new();
    for part in v[start..].split(['.', '_']) {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            break;
        }
        out.push(digits.parse().ok()?);
        if digits.len() != part.len() {
            break;
        }
    }
    while out.len() > 1 && out.last() == Some(&0) {
        out.pop();
    }
    Some(out)
}

/// True when `latest` is a later version than `stated` (both readable).
pub(crate) fn newer(latest: &str, stated: &str) -> bool {
    match (numbers(latest), numbers(stated)) {
        (Some(l), Some(s)) => l > s,
        _ => false,
    }
}

/// The findings about a bank's tools, given what `lookup` says about each registry key
/// (`None`: not looked up, nothing said). `stale-version`: a later release than the
/// entry's `version`, or than its `last_update` month; `stale-tool`: the latest release
/// is older than the rubric's `tool_warn_months` before the as-of date.
pub(crate) fn diagnostics(
    bank: &Bank,
    lookup: &dyn Fn(&str) -> Option<Lookup<Release>>,
) -> Vec<Diagnostic> {
    let as_of = bank.meta.as_of.value.0;
    let months = bank.rubric.recency.tool_warn_months;
    let mut out = Vec::new();
    for t in &bank.tools {
        let Some(key) = registry_of(t) else {
            continue;
        };
        let Some(Lookup::Found { record: r }) = lookup(&key) else {
            continue;
        };
        let name = &t.name.value;
        let id = &t.id.value;
        let at = |pos| Location::of(&bank.sources, t.file, pos);
        let when = r
            .date
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        if let Some(v) = &t.version
            && newer(&r.version, &v.value)
        {
            out.push(
                Diagnostic::warning(
                    Code::StaleVersion,
                    format!(
                        "{id} {name}: the entry describes {}, and {} lists a later release, {}{when}",
                        v.value, key, r.version
                    ),
                )
                .at(at(v.pos))
                .help("read the release notes of the newer release and update the entry's version, advice and last_update"),
            );
        } else if let (Some(lu), Some(d)) = (&t.last_update, &r.date)
            && d.get(..7)
                .is_some_and(|m| m > lu.value.to_string().as_str())
            && t.version.is_none()
        {
            out.push(
                Diagnostic::warning(
                    Code::StaleVersion,
                    format!(
                        "{id} {name}: last_update is {}, and {} lists a later release, {}{when}",
                        lu.value, key, r.version
                    ),
                )
                .at(at(lu.pos))
                .help("read the release notes of the newer release and update the entry and its last_update"),
            );
        }
        let limit = as_of
            .checked_sub(jiff::Span::new().months(i64::from(months)))
            .ok();
        let released: Option<jiff::civil::Date> = r.date.as_deref().and_then(|d| d.parse().ok());
        if let (Some(limit), Some(released)) = (limit, released)
            && released < limit
        {
            out.push(
                Diagnostic::warning(
                    Code::StaleTool,
                    format!(
                        "{id} {name}: the latest release {} lists, {}, is from {released}, more than {months} months before the as-of date {as_of}",
                        key, r.version
                    ),
                )
                .at(at(t.name.pos))
                .help("check that the tool is still maintained; prefer a maintained alternative, or say in the entry why this one is still used"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool(extra: &str) -> Tool {
        let yaml = format!("id: T1\nname: k6\n{extra}");
        crate::load::parse_str::<Tool>(std::path::Path::new("t.yaml"), &yaml, "tool")
            .expect("a valid tool")
    }

    #[test]
    fn where_releases_are_listed() {
        let of = |extra: &str| registry_of(&tool(extra));
        assert_eq!(
            of("url: https://github.com/grafana/k6"),
            Some("github:grafana/k6".into())
        );
        assert_eq!(
            of("url: https://github.com/grafana/k6/releases"),
            Some("github:grafana/k6".into())
        );
        assert_eq!(
            of("url: https://pypi.org/project/locust/"),
            Some("pypi:locust".into())
        );
        assert_eq!(
            of("url: https://www.npmjs.com/package/autocannon"),
            Some("npm:autocannon".into())
        );
        assert_eq!(
            of("url: https://www.npmjs.com/package/@grafana/k6"),
            Some("npm:@grafana/k6".into())
        );
        assert_eq!(
            of("url: https://crates.io/crates/ripgrep"),
            Some("crates:ripgrep".into())
        );
        assert_eq!(of("url: https://k6.io"), None);
        // An explicit registry wins over the URL; a malformed one says nothing.
        assert_eq!(
            of("url: https://k6.io\nregistry: github:grafana/k6"),
            Some("github:grafana/k6".into())
        );
        assert_eq!(of("registry: github:k6"), None);
        assert_eq!(of("registry: maven:x"), None);
    }

    #[test]
    fn versions_compare_by_their_numbers() {
        assert_eq!(numbers("pgbouncer_1_26_1"), Some(vec![1, 26, 1]));
        assert_eq!(numbers("v2.3.0"), Some(vec![2, 3]));
        assert!(newer("pgbouncer_1_26_1", "1.25.2"));
        assert!(newer("v2.10.0", "2.9"));
        assert!(!newer("v2.3.0", "2.3"));
        assert!(!newer("2.3.0-rc1", "2.3.0"));
        assert!(!newer("latest", "1.0"));
    }

    #[test]
    fn reads_each_registrys_answer() {
        let gh = json!({"tag_name": "v1.4.0", "published_at": "2026-11-02T10:00:00Z", "prerelease": false});
        assert_eq!(
            parse("github", &gh),
            Some(Release {
                version: "v1.4.0".into(),
                date: Some("2026-11-02".into())
            })
        );
        let pypi = json!({"info": {"name": "locust", "version": "2.40.0"},
            "releases": {"2.40.0": [{"upload_time_iso_8601": "2026-10-01T08:00:00.123456Z"}]},
            "urls": []});
        assert_eq!(
            parse("pypi", &pypi).unwrap().date.as_deref(),
            Some("2026-10-01")
        );
        let npm = json!({"name": "autocannon", "dist-tags": {"latest": "9.0.0"},
            "time": {"9.0.0": "2026-11-06T12:00:00.000Z"}});
        assert_eq!(
            parse("npm", &npm),
            Some(Release {
                version: "9.0.0".into(),
                date: Some("2026-11-06".into())
            })
        );
        let crates = json!({"crate": {"name": "ripgrep", "max_stable_version": "15.1.0", "newest_version": "15.1.0"},
            "versions": [{"num": "15.1.0", "created_at": "2026-10-20T00:00:00.000000+00:00"}]});
        assert_eq!(
            parse("crates", &crates).unwrap().date.as_deref(),
            Some("2026-10-20")
        );
        assert_eq!(parse("github", &json!({"message": "Not Found"})), None);
    }
}
