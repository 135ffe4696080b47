//! The request handlers: each converts positions to byte offsets, asks the
//! pure analysis, and converts the answer back to protocol types.

use std::rc::Rc;

use lsp_types::{
    CodeActionOrCommand, CodeActionParams, CodeActionResponse, CompletionItem, CompletionItemKind, CompletionParams,
    CompletionResponse, CompletionTextEdit, CompletionTriggerKind, DocumentFormattingParams, DocumentHighlight,
    DocumentHighlightKind, DocumentHighlightParams, DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse,
    Documentation, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams, InsertTextFormat,
    Location, MarkupContent, MarkupKind, PrepareRenameResponse, ReferenceParams, RenameParams, SemanticToken,
    SemanticTokens, SemanticTokensParams, SemanticTokensRangeParams, SemanticTokensRangeResult, SemanticTokensResult,
    SymbolInformation, SymbolKind, TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit,
};

use crate::check::symbols::Occurrence;

use super::analysis::complete::{self, Context, ItemKind};
use super::analysis::highlight::{self, Highlight};
use super::analysis::outline::{self, Node, NodeKind};
use super::analysis::{hover, rename};
use super::diagnostics;
use super::document::Snapshot;
use super::position::Map;
use super::server::{Failure, Server};

impl Server<'_> {
    /// The current snapshot of a document and the byte offset of a position in it.
    fn at(&mut self, p: &TextDocumentPositionParams) -> Result<(Rc<Snapshot>, usize), Failure> {
        let encoding = self.encoding;
        let doc = self.doc(&p.text_document.uri)?;
        let snap = doc.snapshot();
        let offset = snap.map(encoding).offset(p.position);
        Ok((snap, offset))
    }

    pub(super) fn hover(&mut self, p: &HoverParams) -> Result<Option<Hover>, Failure> {
        let (snap, offset) = self.at(&p.text_document_position_params)?;
        let Some(h) = hover::hover(&snap.analysis, offset) else {
            return Ok(None);
        };
        let kind = if self.client.hover_markdown {
            MarkupKind::Markdown
        } else {
            MarkupKind::PlainText
        };
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind,
                value: h.markdown,
            }),
            range: Some(snap.map(self.encoding).range(h.span)),
        }))
    }

    pub(super) fn definition(&mut self, p: &GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>, Failure> {
        let uri = p.text_document_position_params.text_document.uri.clone();
        let (snap, offset) = self.at(&p.text_document_position_params)?;
        let Some(symbols) = snap.analysis.symbols() else {
            return Ok(None);
        };
        let Some(definition) = symbols.at(offset).and_then(Occurrence::definition) else {
            return Ok(None);
        };
        let range = snap.map(self.encoding).range(symbols.definitions()[definition].span());
        Ok(Some(GotoDefinitionResponse::Scalar(Location::new(uri, range))))
    }

    pub(super) fn references(&mut self, p: &ReferenceParams) -> Result<Option<Vec<Location>>, Failure> {
        let uri = p.text_document_position.text_document.uri.clone();
        let (snap, offset) = self.at(&p.text_document_position)?;
        let Some(symbols) = snap.analysis.symbols() else {
            return Ok(None);
        };
        let Some(definition) = symbols.at(offset).and_then(Occurrence::definition) else {
            return Ok(None);
        };
        let map = snap.map(self.encoding);
        Ok(Some(
            symbols
                .occurrences_of(definition)
                .filter(|o| p.context.include_declaration || !o.is_definition())
                .map(|o| Location::new(uri.clone(), map.range(o.span())))
                .collect(),
        ))
    }

    pub(super) fn highlight(&mut self, p: &DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>, Failure> {
        let (snap, offset) = self.at(&p.text_document_position_params)?;
        let Some(symbols) = snap.analysis.symbols() else {
            return Ok(None);
        };
        let Some(occ) = symbols.at(offset) else {
            return Ok(None);
        };
        let text = snap.analysis.text();
        let map = snap.map(self.encoding);
        // An unknown name is highlighted wherever the same unknown name is written.
        let same = |o: &&Occurrence| match occ.definition() {
            Some(d) => o.definition() == Some(d),
            None => {
                o.definition().is_none() && o.kind() == occ.kind() && symbols.name(text, o) == symbols.name(text, occ)
            }
        };
        Ok(Some(
            symbols
                .occurrences()
                .iter()
                .filter(same)
                .map(|o| DocumentHighlight {
                    range: map.range(o.span()),
                    kind: Some(if o.is_definition() {
                        DocumentHighlightKind::WRITE
                    } else {
                        DocumentHighlightKind::READ
                    }),
                })
                .collect(),
        ))
    }

    pub(super) fn completion(&mut self, p: &CompletionParams) -> Result<Option<CompletionResponse>, Failure> {
        let encoding = self.encoding;
        let client = self.client;
        let doc = self.doc(&p.text_document_position.text_document.uri)?;
        let offset = doc.map(encoding).offset(p.text_document_position.position);
        let last = doc.last_parsed();
        let result = complete::complete(&doc.text, offset, last.as_ref().map(|s| &s.analysis));
        // A typed trigger character (a space after a word) completes references, not keywords
        // (nor the words a variable's line may go on with: the line is complete after its type).
        let by_character = p
            .context
            .as_ref()
            .is_some_and(|c| c.trigger_kind == CompletionTriggerKind::TRIGGER_CHARACTER);
        if by_character && matches!(result.context, Context::Statement { .. } | Context::VarPart { .. }) {
            return Ok(None);
        }
        let map = doc.map(encoding);
        let range = map.range(result.replace);
        let items = result
            .items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let (text, format) = match item.snippet.filter(|_| client.snippets) {
                    Some(s) => (s.to_owned(), InsertTextFormat::SNIPPET),
                    None => (
                        item.insert.unwrap_or_else(|| item.label.clone()),
                        InsertTextFormat::PLAIN_TEXT,
                    ),
                };
                CompletionItem {
                    kind: Some(match item.kind {
                        ItemKind::Keyword => CompletionItemKind::KEYWORD,
                        ItemKind::Field => CompletionItemKind::FIELD,
                        ItemKind::Step => CompletionItemKind::FUNCTION,
                        ItemKind::Signal => CompletionItemKind::EVENT,
                        ItemKind::Concern => CompletionItemKind::ENUM_MEMBER,
                        ItemKind::End => CompletionItemKind::CONSTANT,
                        ItemKind::Lint | ItemKind::Value => CompletionItemKind::VALUE,
                        ItemKind::Placeholder => CompletionItemKind::VARIABLE,
                        ItemKind::Event => CompletionItemKind::EVENT,
                        ItemKind::Capture => CompletionItemKind::VARIABLE,
                        ItemKind::Transfer => CompletionItemKind::CONSTANT,
                        ItemKind::Type => CompletionItemKind::TYPE_PARAMETER,
                        ItemKind::Callee => CompletionItemKind::CLASS,
                    }),
                    detail: item.detail,
                    // Markdown only for clients that asked for it; a plain string suits every client.
                    documentation: item.doc.map(|d| {
                        if client.completion_markdown {
                            Documentation::MarkupContent(MarkupContent {
                                kind: MarkupKind::Markdown,
                                value: d,
                            })
                        } else {
                            Documentation::String(d)
                        }
                    }),
                    sort_text: Some(format!("{i:04}")),
                    filter_text: Some(item.label.clone()),
                    insert_text_format: Some(format),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, text))),
                    label: item.label,
                    ..CompletionItem::default()
                }
            })
            .collect();
        Ok(Some(CompletionResponse::Array(items)))
    }

    pub(super) fn symbols(&mut self, p: &DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>, Failure> {
        let encoding = self.encoding;
        let hierarchical = self.client.hierarchical_symbols;
        let uri = p.text_document.uri.clone();
        let doc = self.doc(&p.text_document.uri)?;
        let Some(snap) = doc.last_parsed() else {
            return Ok(None);
        };
        let Some(ast) = snap.analysis.compiled.ast.as_ref() else {
            return Ok(None);
        };
        let root = outline::outline(ast);
        // The last parse may be older than the text: its offsets are clamped into the current text.
        let map = doc.map(encoding);
        if hierarchical {
            Ok(Some(DocumentSymbolResponse::Nested(vec![symbol(&root, &map)])))
        } else {
            let mut flat = Vec::new();
            flatten(&root, None, &uri, &map, &mut flat);
            Ok(Some(DocumentSymbolResponse::Flat(flat)))
        }
    }

    pub(super) fn formatting(&mut self, p: &DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>, Failure> {
        let encoding = self.encoding;
        let doc = self.doc(&p.text_document.uri)?;
        // A file with syntax errors is left alone: no edits, never a half-formatted file
        // (checked here too, so this holds whatever the formatter does with such a file).
        if !doc.snapshot().analysis.parsed() {
            return Ok(None);
        }
        let Ok(formatted) = crate::fmt::format(&doc.text) else {
            return Ok(None);
        };
        Ok(Some(minimal_edit(&doc.map(encoding), &formatted).into_iter().collect()))
    }

    pub(super) fn prepare_rename(
        &mut self,
        p: &TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>, Failure> {
        let (snap, offset) = self.at(p)?;
        let target = rename::prepare(&snap.analysis, offset).map_err(Failure::failed)?;
        Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
            range: snap.map(self.encoding).range(target.span),
            placeholder: target.name,
        }))
    }

    pub(super) fn rename(&mut self, p: &RenameParams) -> Result<Option<WorkspaceEdit>, Failure> {
        let uri = p.text_document_position.text_document.uri.clone();
        let (snap, offset) = self.at(&p.text_document_position)?;
        let edits = rename::rename(&snap.analysis, offset, &p.new_name).map_err(Failure::failed)?;
        let map = snap.map(self.encoding);
        let edits: Vec<TextEdit> = edits
            .into_iter()
            .map(|(span, new)| TextEdit::new(map.range(span), new))
            .collect();
        Ok(Some(workspace_edit(uri, edits)))
    }

    pub(super) fn semantic_tokens(
        &mut self,
        p: &SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>, Failure> {
        let encoding = self.encoding;
        let snap = self.doc(&p.text_document.uri)?.snapshot();
        let highlights = highlight::highlights(snap.analysis.text(), snap.analysis.symbols());
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: None,
            data: encode(&highlights, &snap.map(encoding), None),
        })))
    }

    pub(super) fn semantic_tokens_range(
        &mut self,
        p: &SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>, Failure> {
        let encoding = self.encoding;
        let snap = self.doc(&p.text_document.uri)?.snapshot();
        let map = snap.map(encoding);
        let wanted = map.span(p.range);
        let highlights: Vec<Highlight> = highlight::highlights(snap.analysis.text(), snap.analysis.symbols())
            .into_iter()
            .filter(|h| h.span.start < wanted.end && wanted.start < h.span.end)
            .collect();
        Ok(Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
            result_id: None,
            data: encode(&highlights, &map, Some(wanted)),
        })))
    }

    pub(super) fn code_actions(&mut self, p: &CodeActionParams) -> Result<Option<CodeActionResponse>, Failure> {
        let wants_quickfix = p.context.only.as_ref().is_none_or(|only| {
            only.iter()
                .any(|k| lsp_types::CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
        });
        if !wants_quickfix {
            return Ok(None);
        }
        let uri = p.text_document.uri.clone();
        let encoding = self.encoding;
        let support = self.client.diagnostics;
        let doc = self.doc(&p.text_document.uri)?;
        let snap = doc.snapshot();
        let map = snap.map(encoding);
        let wanted = map.span(p.range);
        let actions: Vec<CodeActionOrCommand> = snap
            .analysis
            .compiled
            .diagnostics
            .iter()
            .filter(|d| d.fix.is_some() && d.span.start <= wanted.end && wanted.start <= d.span.end)
            .filter_map(|d| diagnostics::quick_fix(d, &uri, &map, support))
            .map(CodeActionOrCommand::CodeAction)
            .collect();
        Ok(Some(actions))
    }
}

#[allow(clippy::mutable_key_type)] // `Uri` hashes its string; nothing in it changes.
fn workspace_edit(uri: Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(std::iter::once((uri, edits)).collect()),
        ..WorkspaceEdit::default()
    }
}

/// One edit turning the text into `new`: the differing middle only, so the
/// cursor and folds outside it stay put.
fn minimal_edit(map: &Map<'_>, new: &str) -> Option<TextEdit> {
    let old = map.text;
    if old == new {
        return None;
    }
    let mut prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    let span = crate::source::Span::new(prefix, old.len() - suffix);
    Some(TextEdit::new(
        map.range(span),
        new[prefix..new.len() - suffix].to_owned(),
    ))
}

/// Highlights as the protocol's relative tokens: one per line of a span
/// (a block string is cut at its line breaks, so no client needs
/// multi-line tokens), lengths in the negotiated column unit; only the
/// lines that meet `within`, if given.
fn encode(highlights: &[Highlight], map: &Map<'_>, within: Option<crate::source::Span>) -> Vec<SemanticToken> {
    let text = map.text;
    let mut out = Vec::with_capacity(highlights.len());
    let (mut line, mut column) = (0, 0);
    for h in highlights {
        let end = h.span.end.min(text.len());
        let mut from = h.span.start;
        while from < end {
            let stop = text[from..end].find('\n').map_or(end, |i| from + i);
            let content_end = from + text[from..stop].trim_end_matches('\r').len();
            let wanted = within.is_none_or(|w| from < w.end && w.start < content_end);
            if content_end > from && wanted {
                let (a, b) = (map.position(from), map.position(content_end));
                let delta_line = a.line.saturating_sub(line);
                out.push(SemanticToken {
                    delta_line,
                    delta_start: if delta_line == 0 {
                        a.character.saturating_sub(column)
                    } else {
                        a.character
                    },
                    length: b.character.saturating_sub(a.character),
                    token_type: h.kind.index(),
                    token_modifiers_bitset: h.modifiers,
                });
                (line, column) = (a.line, a.character);
            }
            from = stop + 1;
        }
    }
    out
}

fn symbol_kind(kind: NodeKind) -> SymbolKind {
    match kind {
        NodeKind::Call => SymbolKind::MODULE,
        NodeKind::Party => SymbolKind::CLASS,
        NodeKind::Group => SymbolKind::NAMESPACE,
        NodeKind::Entry => SymbolKind::PROPERTY,
        NodeKind::Concern => SymbolKind::ENUM_MEMBER,
        NodeKind::Signal => SymbolKind::EVENT,
        NodeKind::Step => SymbolKind::FUNCTION,
        NodeKind::Branch => SymbolKind::OPERATOR,
        NodeKind::Qa => SymbolKind::INTERFACE,
        NodeKind::When => SymbolKind::CONSTANT,
        NodeKind::Capture => SymbolKind::VARIABLE,
        NodeKind::Transfer => SymbolKind::OBJECT,
        NodeKind::Var => SymbolKind::VARIABLE,
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
fn symbol(n: &Node, map: &Map<'_>) -> DocumentSymbol {
    DocumentSymbol {
        name: n.name.clone(),
        detail: n.detail.clone(),
        kind: symbol_kind(n.kind),
        tags: None,
        deprecated: None,
        range: map.range(n.span),
        selection_range: map.range(n.selection),
        children: (!n.children.is_empty()).then(|| n.children.iter().map(|c| symbol(c, map)).collect()),
    }
}

#[allow(deprecated)] // `SymbolInformation::deprecated` must still be written.
fn flatten(n: &Node, container: Option<&str>, uri: &Uri, map: &Map<'_>, out: &mut Vec<SymbolInformation>) {
    out.push(SymbolInformation {
        name: n.name.clone(),
        kind: symbol_kind(n.kind),
        tags: None,
        deprecated: None,
        location: Location::new(uri.clone(), map.range(n.span)),
        container_name: container.map(str::to_owned),
    });
    for c in &n.children {
        flatten(c, Some(&n.name), uri, map, out);
    }
}
