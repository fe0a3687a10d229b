//! Replies kept on disk (`generate --cache DIR`), so that running a loop again costs
//! nothing: one JSON file per request, named by the BLAKE3 hash of what decides the reply
//! (provider, endpoint, model, parameters, system and user message). A key is never part
//! of it. A file that does not read as a reply is a miss, and is written again. Run K > 1
//! of `--repeat N` adds its number to the hash: repeats are independent samples of the
//! model, so they are asked again (and cached each on its own); run 1 shares the replies
//! of a run without `--repeat`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::run::Model;
use super::run::{Error, Reply, Target};

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Entry {
    version: u32,
    model: String,
    text: String,
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    /// The price the provider reported for the reply, when it reported one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cost: Option<f64>,
}

/// A model whose replies are read from `dir` when the same request was answered before.
pub(crate) struct Cached<'a> {
    inner: &'a mut dyn Model,
    dir: PathBuf,
    /// Requests answered from the cache.
    pub hits: u32,
    /// Which run of `--repeat` this is (1 for a single run).
    repeat: u32,
}

impl<'a> Cached<'a> {
    pub fn new(inner: &'a mut dyn Model, dir: &Path) -> Cached<'a> {
        Cached {
            inner,
            dir: dir.to_path_buf(),
            hits: 0,
            repeat: 1,
        }
    }

    /// The same cache for run `k` of `--repeat`.
    pub fn for_repeat(mut self, k: u32) -> Cached<'a> {
        self.repeat = k.max(1);
        self
    }

    /// The file a request's reply is kept in.
    fn file(&self, system: &str, prompt: &str) -> PathBuf {
        let t = self.inner.target();
        let mut h = blake3::Hasher::new();
        for part in [
            t.provider.as_str(),
            t.endpoint.as_str(),
            &self.inner.model(),
            &self.inner.parameters(),
            system,
            prompt,
        ] {
            // Each part with its length, so that no two requests join to one text.
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        if self.repeat > 1 {
            let tag = format!("repeat={}", self.repeat);
            h.update(&(tag.len() as u64).to_le_bytes());
            h.update(tag.as_bytes());
        }
        self.dir.join(format!("{}.json", h.finalize().to_hex()))
    }
}

impl Model for Cached<'_> {
    fn target(&self) -> Target {
        self.inner.target()
    }

    fn model(&self) -> String {
        self.inner.model()
    }

    fn parameters(&self) -> String {
        self.inner.parameters()
    }

    fn chat(
        &mut self,
        system: &str,
        prompt: &str,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Reply, Error> {
        let file = self.file(system, prompt);
        if let Ok(text) = std::fs::read_to_string(&file)
            && let Ok(e) = serde_json::from_str::<Entry>(&text)
            && e.version == VERSION
        {
            self.hits += 1;
            progress(e.text.chars().count());
            return Ok(Reply {
                text: e.text,
                prompt_tokens: e.prompt_tokens,
                completion_tokens: e.completion_tokens,
                cost: e.cost,
                attempts: 0,
            });
        }
        let reply = self.inner.chat(system, prompt, progress)?;
        let entry = Entry {
            version: VERSION,
            model: self.inner.model(),
            text: reply.text.clone(),
            prompt_tokens: reply.prompt_tokens,
            completion_tokens: reply.completion_tokens,
            cost: reply.cost,
        };
        let body = serde_json::to_string_pretty(&entry).expect("a reply serializes");
        let name = file.file_name().map(PathBuf::from).unwrap_or_default();
        crate::fsutil::write_in(&self.dir, &name, body.as_bytes())
            .map_err(|e| Error::Other(format!("could not write the reply cache: {e}")))?;
        Ok(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counting {
        calls: u32,
        max_tokens: String,
    }

    impl Model for Counting {
        fn target(&self) -> Target {
            Target {
                provider: "p".to_owned(),
                endpoint: "e".to_owned(),
                key_env: Some("SECRET_VAR".to_owned()),
            }
        }
        fn model(&self) -> String {
            "m".to_owned()
        }
        fn parameters(&self) -> String {
            self.max_tokens.clone()
        }
        fn chat(
            &mut self,
            _system: &str,
            prompt: &str,
            _progress: &mut dyn FnMut(usize),
        ) -> Result<Reply, Error> {
            self.calls += 1;
            Ok(Reply {
                text: format!("reply {} to {prompt}", self.calls),
                prompt_tokens: Some(3),
                completion_tokens: Some(4),
                cost: None,
                attempts: 1,
            })
        }
    }

    #[test]
    fn the_same_request_is_answered_once_and_other_parameters_are_another_request() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut m = Counting {
            calls: 0,
            max_tokens: "max_tokens=100".to_owned(),
        };
        let mut c = Cached::new(&mut m, dir.path());
        let a = c.chat("s", "p", &mut |_| {}).expect("reply");
        let b = c.chat("s", "p", &mut |_| {}).expect("reply");
        assert_eq!(
            (a.text.as_str(), b.text.as_str()),
            ("reply 1 to p", "reply 1 to p")
        );
        assert_eq!((b.attempts, b.completion_tokens, c.hits), (0, Some(4), 1));
        let other = c.chat("s", "q", &mut |_| {}).expect("reply");
        assert_eq!(other.text, "reply 2 to q");
        m.max_tokens = "max_tokens=200".to_owned();
        let mut c = Cached::new(&mut m, dir.path());
        assert_eq!(
            c.chat("s", "p", &mut |_| {}).expect("reply").text,
            "reply 3 to p"
        );
        // A file that is not a reply is a miss.
        for f in std::fs::read_dir(dir.path()).expect("dir") {
            std::fs::write(f.expect("entry").path(), "not json").expect("write");
        }
        assert_eq!(
            c.chat("s", "p", &mut |_| {}).expect("reply").text,
            "reply 4 to p"
        );
        // Run 1 of --repeat is the run without it; run 2 asks again, then hits itself.
        let mut c = Cached::new(&mut m, dir.path()).for_repeat(1);
        assert_eq!(
            c.chat("s", "p", &mut |_| {}).expect("reply").text,
            "reply 4 to p"
        );
        let mut c = Cached::new(&mut m, dir.path()).for_repeat(2);
        assert_eq!(
            c.chat("s", "p", &mut |_| {}).expect("reply").text,
            "reply 5 to p"
        );
        assert_eq!(
            c.chat("s", "p", &mut |_| {}).expect("reply").text,
            "reply 5 to p"
        );
    }
}
