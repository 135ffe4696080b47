//! The message loop: initialisation, dispatch of requests and
//! notifications, the shutdown/exit handshake, and the guard that turns a
//! failing or panicking handler into an error response while the server
//! goes on.
//!
//! Diagnostics are published once the client pauses: after a change the
//! loop waits [`DEBOUNCE`] for the next message, so a burst of keystrokes is
//! checked once, and a request always sees the current text.

// The language server's IO (clippy.toml): the loop reports a failing handler on standard error.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentHighlightRequest, DocumentSymbolRequest, Formatting, GotoDefinition,
    HoverRequest, Initialize, PrepareRenameRequest, References, Rename, Request as _, SemanticTokensFullRequest,
    SemanticTokensRangeRequest, Shutdown,
};
use lsp_types::{
    ClientCapabilities, CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    DiagnosticTag, HoverProviderCapability, InitializeParams, InitializeResult, MarkupKind, OneOf,
    PublishDiagnosticsParams, RenameOptions, SemanticTokenModifier, SemanticTokenType, SemanticTokensFullOptions,
    SemanticTokensLegend, SemanticTokensOptions, SemanticTokensServerCapabilities, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, Uri, WorkDoneProgressOptions,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Exit;
use super::analysis::highlight::{MODIFIERS, TokenType};
use super::diagnostics::{self, Support};
use super::document::Document;
use super::position::Encoding;

/// How long the loop waits for more changes before publishing diagnostics.
pub const DEBOUNCE: Duration = Duration::from_millis(25);

/// The longest diagnostics wait while messages keep coming.
pub const MAX_DELAY: Duration = Duration::from_millis(250);

/// The method of the request that panics on purpose (debug builds only),
/// so tests can prove a panicking handler does not take the server down.
pub const DEBUG_PANIC: &str = "callc/debug/panic";

/// A failed request: an error code and a message for people.
#[derive(Debug)]
pub struct Failure {
    /// The JSON-RPC error code.
    pub code: ErrorCode,
    /// What went wrong.
    pub message: String,
}

impl Failure {
    /// A request that was understood but cannot be carried out.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::RequestFailed,
            message: message.into(),
        }
    }
}

/// What the client can do, as far as the server's answers depend on it.
#[derive(Clone, Copy, Debug, Default)]
#[allow(clippy::struct_excessive_bools)] // Independent capability flags, not a state machine.
pub struct Client {
    /// Snippets in completion items.
    pub snippets: bool,
    /// Markdown in completion documentation.
    pub completion_markdown: bool,
    /// Markdown in hovers.
    pub hover_markdown: bool,
    /// Nested document symbols.
    pub hierarchical_symbols: bool,
    /// Diagnostic extras.
    pub diagnostics: Support,
}

impl Client {
    fn new(caps: &ClientCapabilities) -> Self {
        let td = caps.text_document.as_ref();
        let item = td
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref());
        let publish = td.and_then(|t| t.publish_diagnostics.as_ref());
        Self {
            snippets: item.and_then(|i| i.snippet_support).unwrap_or(false),
            completion_markdown: item
                .and_then(|i| i.documentation_format.as_ref())
                .is_some_and(|f| f.contains(&MarkupKind::Markdown)),
            hover_markdown: td
                .and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref())
                .is_none_or(|f| f.contains(&MarkupKind::Markdown)),
            hierarchical_symbols: td
                .and_then(|t| t.document_symbol.as_ref())
                .and_then(|d| d.hierarchical_document_symbol_support)
                .unwrap_or(false),
            diagnostics: Support {
                related: publish.and_then(|p| p.related_information).unwrap_or(false),
                unnecessary_tag: publish
                    .and_then(|p| p.tag_support.as_ref())
                    .is_some_and(|t| t.value_set.contains(&DiagnosticTag::UNNECESSARY)),
            },
        }
    }
}

/// The server's state.
pub struct Server<'c> {
    connection: &'c Connection,
    /// Open documents, by URI.
    pub docs: HashMap<String, Document>,
    /// The column unit agreed at initialisation.
    pub encoding: Encoding,
    /// What the client supports.
    pub client: Client,
    shutdown: bool,
}

/// The capabilities the server announces.
fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([" ", "{", ".", "(", ">", ","].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: SemanticTokensLegend {
                    token_types: TokenType::ALL
                        .iter()
                        .map(|t| SemanticTokenType::new(t.name()))
                        .collect(),
                    token_modifiers: MODIFIERS.iter().map(|m| SemanticTokenModifier::new(m)).collect(),
                },
                range: Some(true),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..SemanticTokensOptions::default()
            },
        )),
        ..ServerCapabilities::default()
    }
}

/// Runs the server over a connection until `exit` (or until the client goes away).
///
/// # Errors
/// The connection broke while a message was being sent.
pub fn serve(connection: Connection) -> Result<Exit, Box<dyn std::error::Error + Send + Sync>> {
    let Some((id, params)) = wait_for_initialize(&connection)? else {
        return Ok(Exit::WithoutShutdown);
    };
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "callc".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    connection.sender.send(Response::new_ok(id, result).into())?;
    let mut server = Server {
        connection: &connection,
        docs: HashMap::new(),
        encoding,
        client: Client::new(&params.capabilities),
        shutdown: false,
    };
    let exit = server.run();
    drop(server);
    // Dropping the connection lets the transport's writer finish (see `run`).
    drop(connection);
    exit
}

/// Answers requests before `initialize` with `ServerNotInitialized`; `None` on `exit` or a closed connection.
fn wait_for_initialize(
    connection: &Connection,
) -> Result<Option<(RequestId, InitializeParams)>, Box<dyn std::error::Error + Send + Sync>> {
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) if req.method == Initialize::METHOD => {
                match serde_json::from_value::<InitializeParams>(req.params) {
                    Ok(params) => return Ok(Some((req.id, params))),
                    Err(e) => connection.sender.send(
                        error(
                            req.id,
                            ErrorCode::InvalidParams,
                            format!("invalid `initialize` parameters: {e}"),
                        )
                        .into(),
                    )?,
                }
            }
            Message::Request(req) => connection.sender.send(
                error(
                    req.id,
                    ErrorCode::ServerNotInitialized,
                    format!("`{}` before `initialize`", req.method),
                )
                .into(),
            )?,
            Message::Notification(n) if n.method == "exit" => return Ok(None),
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    Ok(None)
}

fn error(id: RequestId, code: ErrorCode, message: String) -> Response {
    Response {
        id,
        response_result: Err(ResponseError {
            code: code as i32,
            message,
            data: None,
        }),
    }
}

/// The text of a panic's payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_owned())
}

impl Server<'_> {
    fn run(&mut self) -> Result<Exit, Box<dyn std::error::Error + Send + Sync>> {
        let connection = self.connection;
        let mut pending_since: Option<Instant> = None;
        loop {
            let pending = self.docs.values().any(|d| d.unpublished);
            let since = *pending_since.get_or_insert_with(Instant::now);
            if !pending {
                pending_since = None;
            } else if since.elapsed() >= MAX_DELAY {
                // A client that never pauses (requests on every cursor move) still gets its diagnostics.
                self.publish_pending()?;
                pending_since = None;
                continue;
            }
            let msg = if pending {
                match connection.receiver.recv_timeout(DEBOUNCE) {
                    Ok(msg) => msg,
                    Err(e) if e.is_timeout() => {
                        self.publish_pending()?;
                        pending_since = None;
                        continue;
                    }
                    Err(_) => break,
                }
            } else {
                match connection.receiver.recv() {
                    Ok(msg) => msg,
                    Err(_) => break,
                }
            };
            match msg {
                Message::Request(req) => {
                    let response = self.on_request(req);
                    connection.sender.send(response.into())?;
                }
                Message::Notification(n) if n.method == "exit" => {
                    return Ok(if self.shutdown {
                        Exit::Clean
                    } else {
                        Exit::WithoutShutdown
                    });
                }
                Message::Notification(n) => self.on_notification(n),
                Message::Response(_) => {}
            }
        }
        // The client went away without `exit`.
        Ok(if self.shutdown {
            Exit::Clean
        } else {
            Exit::WithoutShutdown
        })
    }

    fn on_request(&mut self, req: Request) -> Response {
        if self.shutdown {
            return error(
                req.id,
                ErrorCode::InvalidRequest,
                "the server is shutting down".to_owned(),
            );
        }
        match req.method.as_str() {
            Shutdown::METHOD => {
                self.shutdown = true;
                Response::new_ok(req.id, ())
            }
            Initialize::METHOD => error(req.id, ErrorCode::InvalidRequest, "already initialized".to_owned()),
            HoverRequest::METHOD => self.handle::<HoverRequest>(req, Self::hover),
            GotoDefinition::METHOD => self.handle::<GotoDefinition>(req, Self::definition),
            References::METHOD => self.handle::<References>(req, Self::references),
            DocumentHighlightRequest::METHOD => self.handle::<DocumentHighlightRequest>(req, Self::highlight),
            Completion::METHOD => self.handle::<Completion>(req, Self::completion),
            DocumentSymbolRequest::METHOD => self.handle::<DocumentSymbolRequest>(req, Self::symbols),
            Formatting::METHOD => self.handle::<Formatting>(req, Self::formatting),
            PrepareRenameRequest::METHOD => self.handle::<PrepareRenameRequest>(req, Self::prepare_rename),
            Rename::METHOD => self.handle::<Rename>(req, Self::rename),
            CodeActionRequest::METHOD => self.handle::<CodeActionRequest>(req, Self::code_actions),
            SemanticTokensFullRequest::METHOD => self.handle::<SemanticTokensFullRequest>(req, Self::semantic_tokens),
            SemanticTokensRangeRequest::METHOD => {
                self.handle::<SemanticTokensRangeRequest>(req, Self::semantic_tokens_range)
            }
            DEBUG_PANIC if cfg!(debug_assertions) => self.guarded(req.id, DEBUG_PANIC, |_| -> Result<(), Failure> {
                #[allow(clippy::panic)] // The point of this request.
                {
                    panic!("a panic requested by `{DEBUG_PANIC}`")
                }
            }),
            _ => error(
                req.id,
                ErrorCode::MethodNotFound,
                // A method name is the client's text: quoted in part, like any diagnostic's.
                crate::diagnostic::bound_text(format!("callc's language server does not handle `{}`", req.method)),
            ),
        }
    }

    /// Decodes the parameters and runs a handler under [`Self::guarded`].
    fn handle<R>(&mut self, req: Request, f: fn(&mut Self, &R::Params) -> Result<R::Result, Failure>) -> Response
    where
        R: lsp_types::request::Request,
        R::Params: DeserializeOwned,
        R::Result: Serialize,
    {
        match serde_json::from_value::<R::Params>(req.params) {
            Ok(params) => self.guarded(req.id, R::METHOD, |s| f(s, &params)),
            Err(e) => error(
                req.id,
                ErrorCode::InvalidParams,
                format!("invalid parameters for `{}`: {e}", R::METHOD),
            ),
        }
    }

    /// Runs a handler; a failure or a panic becomes an error response.
    fn guarded<T: Serialize>(
        &mut self,
        id: RequestId,
        method: &str,
        f: impl FnOnce(&mut Self) -> Result<T, Failure>,
    ) -> Response {
        match catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(Ok(result)) => Response::new_ok(id, result),
            Ok(Err(failure)) => error(id, failure.code, failure.message),
            Err(payload) => error(
                id,
                ErrorCode::InternalError,
                format!(
                    "internal error in callc while handling `{method}`: {} (this is a bug in callc; the server goes on)",
                    panic_message(payload.as_ref())
                ),
            ),
        }
    }

    fn on_notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let outcome = catch_unwind(AssertUnwindSafe(|| match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    self.docs
                        .insert(d.uri.as_str().to_owned(), Document::new(d.uri, d.version, d.text));
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) {
                    let encoding = self.encoding;
                    // Changes to a document that is not open are ignored.
                    if let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) {
                        doc.apply(p.text_document.version, p.content_changes, encoding);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                    && self.docs.remove(p.text_document.uri.as_str()).is_some()
                {
                    let _ = self.publish(p.text_document.uri, Vec::new(), None);
                }
            }
            // `initialized`, `didSave`, `$/cancelRequest`, `$/setTrace` and the rest need nothing.
            _ => {}
        }));
        if let Err(payload) = outcome {
            eprintln!(
                "callc: internal error while handling `{method}`: {} (the server goes on)",
                panic_message(payload.as_ref())
            );
        }
    }

    /// Publishes the diagnostics of every document changed since they were last published.
    fn publish_pending(&mut self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let uris: Vec<String> = self
            .docs
            .iter()
            .filter(|(_, d)| d.unpublished)
            .map(|(u, _)| u.clone())
            .collect();
        for key in uris {
            let encoding = self.encoding;
            let support = self.client.diagnostics;
            let Some(doc) = self.docs.get_mut(&key) else { continue };
            doc.unpublished = false;
            let uri = doc.uri.clone();
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let snap = doc.snapshot();
                let map = snap.map(encoding);
                let list = diagnostics::publishable(
                    &snap.analysis.compiled.diagnostics,
                    snap.analysis.compiled.omitted,
                    &uri,
                    &map,
                    support,
                );
                (list, snap.version)
            }));
            match outcome {
                Ok((list, version)) => self.publish(uri, list, Some(version))?,
                Err(payload) => eprintln!(
                    "callc: internal error while checking `{}`: {} (the server goes on)",
                    uri.as_str(),
                    panic_message(payload.as_ref())
                ),
            }
        }
        Ok(())
    }

    fn publish(
        &self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.connection
            .sender
            .send(Notification::new(PublishDiagnostics::METHOD.to_owned(), params).into())?;
        Ok(())
    }

    /// The open document at `uri`, or a failure saying it is not open.
    pub fn doc(&mut self, uri: &Uri) -> Result<&mut Document, Failure> {
        self.docs
            .get_mut(uri.as_str())
            .ok_or_else(|| Failure::failed(format!("`{}` is not open in the language server", uri.as_str())))
    }
}
