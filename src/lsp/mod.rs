//! `qbank lsp`: the gates in the editor, over the Language Server Protocol.
//!
//! The server keeps the editor's open buffers in a [`load::Overlay`] and checks the input
//! (bank or document) that holds a changed file with [`pipeline::check`], under the same
//! resolved [`Settings`] as `qbank check`: rubric, `select`/`ignore`, `exclude`,
//! `# qbank-ignore:` suppressions and qbank.toml. Each open file of that input then gets
//! its findings: its own, and the bank-wide ones that point into it.
//!
//! The loop is synchronous (rust-analyzer's `lsp-server`, docs/decisions.md). Changes
//! that arrive while a check runs are applied together before the next one, so a fast
//! typist never queues stale checks. Nothing here opens a network connection: gate 17
//! runs its offline rule, as `check` does without `--online`.

mod actions;
mod complete;
mod convert;
mod nav;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{self as lsp, Uri};

use crate::load::{self, Input, Overlay};
use crate::model::Bank;
use crate::pipeline;
use crate::report::{BankReport, Texts};
use crate::settings::{Flags, Settings};

pub use convert::{path_of, uri_of};

/// An open buffer.
struct Doc {
    uri: Uri,
    text: Arc<str>,
    version: i32,
}

/// What the last check of one input found, and the last model of it that loaded (kept
/// for navigation while a buffer does not parse).
struct Analysis {
    report: BankReport,
    texts: Texts,
    bank: Option<Bank>,
    /// The open files last given diagnostics, so a file whose findings are gone is cleared.
    published: BTreeSet<PathBuf>,
}

impl Analysis {
    /// False for a markdown file the importer finds no document in (a README): it gets no
    /// findings, as `check` does not take it for a document.
    fn is_input(&self, input: &Input) -> bool {
        !matches!(input, Input::Document(_))
            || self.report.import.as_ref().is_none_or(|r| r.questions >= 2)
    }
}

/// The server's state: the workspace, its settings, the open buffers and the analyses.
pub struct Server {
    root: PathBuf,
    /// `--rubric`, `--select`, `--ignore` given to `qbank lsp`.
    flags: Flags,
    settings: Settings,
    overlay: Overlay,
    docs: HashMap<PathBuf, Doc>,
    analyses: HashMap<Input, Analysis>,
    dirty: BTreeSet<Input>,
    /// Where each diagnostic's code links to.
    docs_links: convert::DocsLinks,
    /// Every input under the root was checked once (for workspace symbols).
    all_loaded: bool,
    /// Closed files whose diagnostics are to be cleared.
    pending_clear: Vec<Uri>,
}

/// What the client may set in `initializationOptions`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct InitOptions {
    /// A base URL where qbank's docs/ folder is published: codes link to
    /// `{docsUrl}/codes.md#code`, gates to `{docsUrl}/gates.md#...`.
    docs_url: Option<String>,
}

/// The capabilities qbank's server offers.
pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![":".into(), " ".into(), ",".into(), "[".into()]),
            ..Default::default()
        }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    lsp::CodeActionKind::REFACTOR,
                ]),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

/// Serves one client on standard input and output until it exits; the process's exit
/// code: 0 after `shutdown` then `exit`, 1 when the client exits or leaves without
/// `shutdown`, 2 when the settings do not load or the input is not the protocol.
pub fn run_stdio(flags: &Flags) -> u8 {
    let (connection, threads) = Connection::stdio();
    let served = session(&connection, flags);
    drop(connection);
    // A message that is not JSON-RPC ends the session: that is the cause to tell.
    let problem = match (threads.join(), served) {
        (Err(e), _) => e.to_string(),
        (Ok(()), Err(problem)) => problem,
        (Ok(()), Ok(code)) => return code,
    };
    eprintln!("error: qbank lsp: {problem}\n  = help: {HELP}");
    2
}

const HELP: &str = "qbank lsp speaks the Language Server Protocol on standard input and output; start it from an editor (docs/editors.md)";

/// Serves one client on `connection`: the handshake, then the loop; the exit code as
/// [`run_stdio`] gives it.
pub fn serve(connection: &Connection, flags: &Flags) -> u8 {
    session(connection, flags).unwrap_or_else(|problem| {
        eprintln!("error: qbank lsp: {problem}\n  = help: {HELP}");
        2
    })
}

/// The session; `Err` says why it could not start.
fn session(connection: &Connection, flags: &Flags) -> Result<u8, String> {
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("no `initialize` request from the client ({e})"))?;
    let params: lsp::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let root = workspace_root(&params);
    let settings = match Settings::resolve(flags, std::slice::from_ref(&root)) {
        Ok(s) => s,
        Err(d) => {
            let _ = connection.sender.send(
                Response::new_err(
                    id,
                    ErrorCode::InvalidParams as i32,
                    format!("qbank: {}", d.message),
                )
                .into(),
            );
            let at = d.location.as_ref().map(|l| format!("{}: ", l.display()));
            return Err(format!("{}{}", at.unwrap_or_default(), d.message));
        }
    };
    let options: InitOptions = params
        .initialization_options
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": caps,
        "serverInfo": { "name": "qbank", "version": env!("CARGO_PKG_VERSION") },
    });
    if connection.initialize_finish(id, result).is_err() {
        return Ok(1);
    }
    let mut server = Server::new(root, flags.clone(), settings, options.docs_url.as_deref());
    Ok(server.main_loop(connection))
}

/// The workspace folder: the first of `workspaceFolders`, else `rootUri`, else the
/// working folder.
fn workspace_root(params: &lsp::InitializeParams) -> PathBuf {
    let from_folders = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| path_of(&f.uri));
    #[allow(deprecated)]
    let from_root = params.root_uri.as_ref().and_then(path_of);
    from_folders
        .or(from_root)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

impl Server {
    pub fn new(root: PathBuf, flags: Flags, settings: Settings, docs_url: Option<&str>) -> Server {
        Server {
            root,
            flags,
            settings,
            overlay: Overlay::default(),
            docs: HashMap::new(),
            analyses: HashMap::new(),
            dirty: BTreeSet::new(),
            docs_links: convert::DocsLinks::new(docs_url),
            all_loaded: false,
            pending_clear: Vec::new(),
        }
    }

    fn main_loop(&mut self, connection: &Connection) -> u8 {
        let mut out = Vec::new();
        loop {
            let Ok(msg) = connection.receiver.recv() else {
                return 1;
            };
            if let Some(code) = self.step(connection, msg, &mut out) {
                return code;
            }
            // Changes that came in meanwhile join this check.
            while let Ok(msg) = connection.receiver.try_recv() {
                if let Some(code) = self.step(connection, msg, &mut out) {
                    return code;
                }
            }
            self.flush(&mut out);
            send_all(connection, &mut out);
        }
    }

    /// One message; `Some(exit code)` when the client ends the session.
    fn step(
        &mut self,
        connection: &Connection,
        msg: Message,
        out: &mut Vec<Message>,
    ) -> Option<u8> {
        match &msg {
            Message::Request(req) if req.method == lsp::request::Shutdown::METHOD => {
                self.flush(out);
                send_all(connection, out);
                return Some(match connection.handle_shutdown(req) {
                    Ok(_) => 0,
                    Err(_) => 1,
                });
            }
            Message::Notification(n) if n.method == lsp::notification::Exit::METHOD => {
                // `exit` without `shutdown` first.
                return Some(1);
            }
            _ => {}
        }
        self.handle(msg, out);
        None
    }

    /// Handles one message, queueing what to send in `out`.
    pub fn handle(&mut self, msg: Message, out: &mut Vec<Message>) {
        match msg {
            Message::Notification(n) => self.notify(n),
            Message::Request(req) => {
                // A request sees the buffers as they are now.
                self.flush(out);
                out.push(self.request(req).into());
            }
            Message::Response(_) => {}
        }
    }

    fn notify(&mut self, n: Notification) {
        use lsp::notification as nt;
        match n.method.as_str() {
            nt::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    self.open(d.uri, Arc::from(d.text), d.version);
                }
            }
            nt::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    self.change(
                        &p.text_document.uri,
                        p.text_document.version,
                        &p.content_changes,
                    );
                }
            }
            nt::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    self.close(&p.text_document.uri);
                }
            }
            nt::DidSaveTextDocument::METHOD | nt::DidChangeWatchedFiles::METHOD => {
                // A file saved or changed on disk may be qbank.toml, a rubric, or an
                // unopened file of an open bank: settings again, and the open inputs.
                if let Ok(s) = Settings::resolve(&self.flags, std::slice::from_ref(&self.root)) {
                    self.settings = s;
                }
                let open: Vec<Input> = self.docs.keys().filter_map(|p| self.input_of(p)).collect();
                self.dirty.extend(open);
            }
            _ => {}
        }
    }

    fn open(&mut self, uri: Uri, text: Arc<str>, version: i32) {
        let Some(path) = path_of(&uri) else {
            return;
        };
        self.overlay.set(path.clone(), text.clone());
        if let Some(input) = self.input_of(&path) {
            self.dirty.insert(input);
        }
        self.docs.insert(path, Doc { uri, text, version });
    }

    fn change(&mut self, uri: &Uri, version: i32, changes: &[lsp::TextDocumentContentChangeEvent]) {
        let Some(path) = path_of(uri) else {
            return;
        };
        let Some(doc) = self.docs.get_mut(&path) else {
            return;
        };
        let mut text = doc.text.to_string();
        for c in changes {
            convert::apply_change(&mut text, c);
        }
        doc.text = Arc::from(text);
        doc.version = version;
        self.overlay.set(path.clone(), doc.text.clone());
        if let Some(input) = self.input_of(&path) {
            self.dirty.insert(input);
        }
    }

    fn close(&mut self, uri: &Uri) {
        let Some(path) = path_of(uri) else {
            return;
        };
        self.docs.remove(&path);
        self.overlay.remove(&path);
        if let Some(input) = self.input_of(&path) {
            self.dirty.insert(input.clone());
            if let Some(a) = self.analyses.get_mut(&input) {
                a.published.remove(&path);
            }
        }
        // Its diagnostics go with it (the editor shows only open files' findings).
        self.pending_clear.push(uri.clone());
    }
}

fn send_all(connection: &Connection, out: &mut Vec<Message>) {
    for m in out.drain(..) {
        let _ = connection.sender.send(m);
    }
}

fn ok<T: serde::Serialize>(id: RequestId, result: T) -> Response {
    Response::new_ok(id, result)
}

impl Server {
    fn request(&mut self, req: Request) -> Response {
        use lsp::request as rq;
        let Request { id, method, params } = req;
        macro_rules! parse {
            ($t:ty) => {
                match serde_json::from_value::<$t>(params) {
                    Ok(p) => p,
                    Err(e) => {
                        return Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string())
                    }
                }
            };
        }
        match method.as_str() {
            rq::HoverRequest::METHOD => {
                let p = parse!(lsp::HoverParams);
                ok(id, self.hover(&p.text_document_position_params))
            }
            rq::GotoDefinition::METHOD => {
                let p = parse!(lsp::GotoDefinitionParams);
                ok(id, self.definition(&p.text_document_position_params))
            }
            rq::References::METHOD => {
                let p = parse!(lsp::ReferenceParams);
                ok(id, self.references(&p))
            }
            rq::DocumentSymbolRequest::METHOD => {
                let p = parse!(lsp::DocumentSymbolParams);
                ok(id, self.document_symbols(&p.text_document.uri))
            }
            rq::WorkspaceSymbolRequest::METHOD => {
                let p = parse!(lsp::WorkspaceSymbolParams);
                ok(id, self.workspace_symbols(&p.query))
            }
            rq::Completion::METHOD => {
                let p = parse!(lsp::CompletionParams);
                ok(id, self.completion(&p.text_document_position))
            }
            rq::CodeActionRequest::METHOD => {
                let p = parse!(lsp::CodeActionParams);
                ok(id, self.code_actions(&p))
            }
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("qbank lsp does not handle `{method}`"),
            ),
        }
    }

    /// The input (bank or document) `path` belongs to, unless qbank.toml leaves it out.
    fn input_of(&self, path: &Path) -> Option<Input> {
        if self.settings.excludes(path) {
            return None;
        }
        let bank = path.ancestors().skip(1).find(|a| {
            let meta = a.join("bank.yaml");
            self.overlay.get(&meta).is_some() || meta.is_file()
        });
        let input = match bank {
            Some(root) if !load::is_markdown(path) => Input::Bank(root.to_path_buf()),
            Some(_) => return None,
            None if load::is_markdown(path) => Input::Document(path.to_path_buf()),
            None => return None,
        };
        let root = match &input {
            Input::Bank(r) => r.clone(),
            Input::Document(p) => p.clone(),
        };
        (!self.settings.excludes(&root) && !self.settings.excludes(&root.join("bank.yaml")))
            .then_some(input)
    }

    /// Checks `input` again from the buffers and the disk, keeping the last model that
    /// loaded.
    fn analyse(&mut self, input: &Input) {
        let opts = pipeline::Options {
            overlay: Some(&self.overlay),
            ..self.settings.options(Vec::new())
        };
        let checked = pipeline::check(input, &opts, true, false);
        let previous = self.analyses.remove(input);
        let (old_bank, published) = previous.map(|a| (a.bank, a.published)).unwrap_or_default();
        self.analyses.insert(
            input.clone(),
            Analysis {
                report: checked.report,
                texts: checked.texts,
                bank: checked.bank.or(old_bank),
                published,
            },
        );
    }

    /// Checks every changed input and queues the diagnostics of its open files.
    pub fn flush(&mut self, out: &mut Vec<Message>) {
        for uri in self.pending_clear.drain(..) {
            out.push(publish(uri, Vec::new(), None));
        }
        let dirty = std::mem::take(&mut self.dirty);
        for input in dirty {
            self.analyse(&input);
            self.publish_input(&input, out);
        }
    }

    fn publish_input(&mut self, input: &Input, out: &mut Vec<Message>) {
        let Some(a) = self.analyses.get(input) else {
            return;
        };
        let mut by_file = if !a.is_input(input) {
            HashMap::new()
        } else {
            convert::diagnostics_by_file(&a.report, &a.texts, &self.docs_links, input)
        };
        let open: Vec<PathBuf> = self
            .docs
            .keys()
            .filter(|p| self.input_of(p).as_ref() == Some(input))
            .cloned()
            .collect();
        let mut published = BTreeSet::new();
        for path in open {
            let doc = &self.docs[&path];
            let diags = by_file.remove(&path).unwrap_or_default();
            out.push(publish(doc.uri.clone(), diags, Some(doc.version)));
            published.insert(path);
        }
        if let Some(a) = self.analyses.get_mut(input) {
            a.published = published;
        }
    }

    /// The analysis of the input holding `path`, checked first when it never was.
    fn analysis_of(&mut self, path: &Path) -> Option<&Analysis> {
        let input = self.input_of(path)?;
        if !self.analyses.contains_key(&input) {
            self.analyse(&input);
        }
        self.analyses.get(&input)
    }

    /// The current text of `path`: its buffer, else the file.
    fn text_of(&self, path: &Path) -> Option<Arc<str>> {
        self.overlay
            .get(path)
            .cloned()
            .or_else(|| load::read_text(path).ok())
    }

    /// Checks every input under the workspace root that was not checked yet.
    fn load_all(&mut self) {
        if self.all_loaded {
            return;
        }
        self.all_loaded = true;
        let opts = self.settings.options(vec![self.root.clone()]);
        let (inputs, _) = pipeline::inputs(&opts);
        for input in inputs {
            if !self.analyses.contains_key(&input) {
                self.analyse(&input);
            }
        }
    }
}

fn publish(uri: Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) -> Message {
    Notification::new(
        lsp::notification::PublishDiagnostics::METHOD.to_owned(),
        lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    )
    .into()
}
