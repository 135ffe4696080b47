//! The language server driven in-process through `lsp_server::Connection::memory()`:
//! every feature, with Chinese text and emoji before the positions involved,
//! in UTF-16 (the protocol's default) and UTF-8 (when the client offers it).

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::many_single_char_names
)]

use std::fmt::Write as _;

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use callc::check::LintLevels;
use callc::lsp::Exit;
use lsp_server::{Connection, Message, Notification, Request, RequestId, ResponseError};
use serde_json::{Value, json};

/// A spec with an unknown step (`dcos`) after Chinese text and an emoji on the same line.
const BROKEN_REF: &str = r#"call 续约 {
  locale "zh-CN"
  caller 李明 { name "李明" org "长江公司" knows { 公司 "泰山公司" } }
  callee 张强 {
    name "张强"
    concern 价格 primary "价格是否透明😀"
    concern 试用 latent "能否试用"
  }
  signal 忙 "张强说忙"
  allow unhandled_voicemail
  allow unbounded_retry
  opening "您好，{callee.name}，我是{knows.公司}的朋友"
  flow {
    on 忙 -> docs
    step 开场 "开场问候" covers 价格 { say "您好😀" next offer }
    step docs "发送资料" { say "资料稍后发到您邮箱。" -> end(拒绝) }
    step offer "活动优势" covers 试用 { say "提前续约享8%专属优惠😀"  next dcos }
  }
  faq { qa 条款 covers 价格 { q "有合同模板吗？" a "有。" } }
  end { when 拒绝 "不要" callee "不要" closing "再见" }
}
"#;

fn clean() -> String {
    BROKEN_REF.replace("next dcos", "next docs")
}

const URI: &str = "file:///work/%E7%BB%AD%E7%BA%A6.call";

/// A response, as a result or an error.
#[derive(Debug)]
struct Reply {
    result: Option<Value>,
    error: Option<ResponseError>,
}

#[derive(Clone, Copy, PartialEq)]
enum Enc {
    Utf16,
    Utf8,
}

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Exit>>,
    next_id: i32,
    notifications: Vec<Notification>,
    enc: Enc,
    init: Value,
}

impl Client {
    fn start() -> Self {
        Self::with_capabilities(json!({
            "textDocument": {
                "completion": {"completionItem": {"snippetSupport": false, "documentationFormat": ["markdown"]}},
                "hover": {"contentFormat": ["markdown"]},
                "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
                "publishDiagnostics": {"relatedInformation": true, "tagSupport": {"valueSet": [1, 2]}},
                "rename": {"prepareSupport": true}
            }
        }))
    }

    #[allow(clippy::needless_pass_by_value)] // Called with `json!` literals.
    fn with_capabilities(capabilities: Value) -> Self {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || callc::lsp::serve(server).expect("server ran"));
        let enc = if capabilities["general"]["positionEncodings"]
            .as_array()
            .is_some_and(|a| a.contains(&json!("utf-8")))
        {
            Enc::Utf8
        } else {
            Enc::Utf16
        };
        let mut c = Self {
            conn: client,
            server: Some(handle),
            next_id: 0,
            notifications: Vec::new(),
            enc,
            init: Value::Null,
        };
        let init = c.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        c.init = init.result.expect("initialize result");
        c.notify("initialized", json!({}));
        c
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(method.to_owned(), params)))
            .unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Reply {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Message::Request(Request::new(id.clone(), method.to_owned(), params)))
            .unwrap();
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(20))
                .expect("a response")
            {
                Message::Response(r) if r.id == id => {
                    return match r.response_result {
                        Ok(v) => Reply {
                            result: Some(v),
                            error: None,
                        },
                        Err(e) => Reply {
                            result: None,
                            error: Some(e),
                        },
                    };
                }
                Message::Notification(n) => self.notifications.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        match (r.result, r.error) {
            (_, Some(e)) => panic!("{method} failed: {e:?}"),
            (v, None) => v.unwrap_or(Value::Null),
        }
    }

    fn error(&mut self, method: &str, params: Value) -> (i32, String) {
        let r = self.request(method, params);
        let e = r
            .error
            .unwrap_or_else(|| panic!("{method} should fail, got {:?}", r.result));
        (e.code, e.message)
    }

    /// The next diagnostics published for `uri` (waiting for them).
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(i) = self
                .notifications
                .iter()
                .position(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
            {
                let n = self.notifications.remove(i);
                return n.params["diagnostics"].as_array().cloned().unwrap_or_default();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left).expect("diagnostics in time") {
                Message::Notification(n) => self.notifications.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn open(&mut self, text: &str) -> Vec<Value> {
        self.open_at(URI, text)
    }

    fn open_at(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "call", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    #[allow(clippy::needless_pass_by_value)] // Called with `json!` literals.
    fn change(&self, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": changes}),
        );
    }

    /// The position of the `nth` occurrence of `needle` in `text` (plus `delta` characters).
    fn pos(&self, text: &str, needle: &str, nth: usize, delta: usize) -> Value {
        let mut at = text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("{needle}"))
            .0;
        for c in text[at..].chars().take(delta) {
            at += c.len_utf8();
        }
        let line = text[..at].matches('\n').count();
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let col = match self.enc {
            Enc::Utf16 => text[start..at].encode_utf16().count(),
            Enc::Utf8 => at - start,
        };
        json!({"line": line, "character": col})
    }

    fn at(&self, text: &str, needle: &str, nth: usize) -> Value {
        json!({"textDocument": {"uri": URI}, "position": self.pos(text, needle, nth, 0)})
    }

    /// The byte offset of an LSP position in `text`.
    fn offset(&self, text: &str, p: &Value) -> usize {
        let line = usize::try_from(p["line"].as_u64().unwrap()).unwrap();
        let col = usize::try_from(p["character"].as_u64().unwrap()).unwrap();
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let rest = &text[start..];
        match self.enc {
            Enc::Utf8 => start + col,
            Enc::Utf16 => {
                let mut units = 0;
                for (i, c) in rest.char_indices() {
                    if units >= col {
                        return start + i;
                    }
                    units += c.len_utf16();
                }
                start + rest.len()
            }
        }
    }

    /// The text a range covers.
    fn slice<'a>(&self, text: &'a str, range: &Value) -> &'a str {
        &text[self.offset(text, &range["start"])..self.offset(text, &range["end"])]
    }

    /// Applies text edits (any order, non-overlapping) to `text`.
    fn apply(&self, text: &str, edits: &[Value]) -> String {
        let mut spans: Vec<(usize, usize, String)> = edits
            .iter()
            .map(|e| {
                (
                    self.offset(text, &e["range"]["start"]),
                    self.offset(text, &e["range"]["end"]),
                    e["newText"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        spans.sort_by_key(|s| std::cmp::Reverse(s.0));
        let mut out = text.to_owned();
        for (a, b, new) in spans {
            out.replace_range(a..b, &new);
        }
        out
    }

    fn shutdown(mut self) -> Exit {
        let r = self.request("shutdown", Value::Null);
        assert!(r.error.is_none(), "{r:?}");
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap()
    }
}

#[test]
fn initialize_announces_every_feature_in_utf16_by_default() {
    let c = Client::start();
    let caps = &c.init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    for cap in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
    ] {
        assert_eq!(caps[cap], true, "{cap}");
    }
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(caps["semanticTokensProvider"]["full"], true);
    assert_eq!(caps["semanticTokensProvider"]["range"], true);
    assert_eq!(caps["codeActionProvider"]["codeActionKinds"], json!(["quickfix"]));
    assert!(
        caps["completionProvider"]["triggerCharacters"]
            .as_array()
            .unwrap()
            .contains(&json!("{"))
    );
    assert_eq!(c.init["serverInfo"]["name"], "callc");
    assert_eq!(c.shutdown(), Exit::Clean);
}

#[test]
fn diagnostics_match_callc_check_with_utf16_ranges_after_chinese_and_emoji() {
    let mut c = Client::start();
    let diags = c.open(BROKEN_REF);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d["code"], "E0102");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "callc");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("unknown step `dcos` in step `offer`")
    );
    assert!(d["message"].as_str().unwrap().contains("help: did you mean `docs`?"));
    // `dcos` follows 活动优势, 提前续约享8%专属优惠 and 😀 (two UTF-16 units) on its line.
    assert_eq!(d["range"]["start"], c.pos(BROKEN_REF, "dcos", 0, 0));
    assert_eq!(d["range"]["end"], c.pos(BROKEN_REF, "dcos", 0, 4));
    let line = BROKEN_REF.lines().find(|l| l.contains("dcos")).unwrap();
    let utf16 = line[..line.find("dcos").unwrap()].encode_utf16().count();
    assert_eq!(d["range"]["start"]["character"], utf16);
    assert_ne!(
        utf16,
        line[..line.find("dcos").unwrap()].chars().count(),
        "the emoji matters"
    );
    assert_eq!(d["data"]["fix"]["newText"], "docs");
    assert_eq!(c.shutdown(), Exit::Clean);
}

#[test]
fn every_fixture_gets_the_diagnostics_of_callc_check() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check");
    let mut c = Client::start();
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let mut checked = 0;
    for (i, path) in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "call"))
        .enumerate()
    {
        let text = std::fs::read_to_string(path).unwrap();
        let uri = format!("file:///fixture{i}.call");
        let got = c.open_at(&uri, &text);
        let want = callc::compile("f.call", text.as_bytes(), &LintLevels::default());
        let want: Vec<_> = want
            .diagnostics
            .iter()
            .filter(|d| d.severity().is_some())
            .map(|d| callc::render::json(&want.file, d))
            .collect();
        assert_eq!(got.len(), want.len(), "{}", path.display());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g["code"], w.code, "{}", path.display());
            assert!(
                g["message"].as_str().unwrap().starts_with(&w.message),
                "{}",
                path.display()
            );
            assert_eq!(g["severity"], if w.severity == "error" { 1 } else { 2 });
            // `callc check --format json` columns are 1-based UTF-16: LSP's plus one.
            assert_eq!(
                g["range"]["start"]["line"],
                w.range.start.line - 1,
                "{}",
                path.display()
            );
            assert_eq!(
                g["range"]["start"]["character"],
                w.range.start.column - 1,
                "{}",
                path.display()
            );
            assert_eq!(
                g["range"]["end"]["character"],
                w.range.end.column - 1,
                "{}",
                path.display()
            );
            assert_eq!(g["data"]["lint"], json!(w.lint));
            let related = g["relatedInformation"].as_array().map_or(0, Vec::len);
            assert_eq!(related, w.secondary.len(), "{}", path.display());
            for (r, s) in g["relatedInformation"]
                .as_array()
                .into_iter()
                .flatten()
                .zip(&w.secondary)
            {
                assert_eq!(r["location"]["uri"], uri.as_str());
                assert_eq!(r["message"], s.message.as_str());
                assert_eq!(r["location"]["range"]["start"]["character"], s.range.start.column - 1);
            }
            if let Some(lint) = w.lint {
                assert!(
                    g["message"].as_str().unwrap().contains(&format!("`{lint}`")),
                    "lint named"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 40, "{checked} fixtures");
    c.shutdown();
}

#[test]
fn incremental_changes_fix_and_clear_diagnostics_then_close_clears() {
    let mut c = Client::start();
    assert_eq!(c.open(BROKEN_REF).len(), 1);
    let start = c.pos(BROKEN_REF, "dcos", 0, 0);
    let end = c.pos(BROKEN_REF, "dcos", 0, 4);
    c.change(2, json!([{"range": {"start": start, "end": end}, "text": "docs"}]));
    assert_eq!(c.diagnostics(URI), Vec::<Value>::new(), "fixed");
    // Two changes in one notification: break, then re-break elsewhere after the emoji.
    let fixed = clean();
    let s2 = c.pos(&fixed, "您好😀", 0, 3);
    c.change(
        3,
        json!([
            {"range": {"start": c.pos(&fixed, "next offer", 0, 5), "end": c.pos(&fixed, "next offer", 0, 10)}, "text": "offr"},
            {"range": {"start": s2, "end": s2}, "text": "！"}
        ]),
    );
    let d = c.diagnostics(URI);
    let codes: Vec<_> = d.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E0102", "W0201"], "{d:#?}");
    assert!(d[0]["message"].as_str().unwrap().contains("`offr`"));
    assert_eq!(
        c.slice(
            &fixed.replace("next offer", "next offr").replace("您好😀", "您好😀！"),
            &d[0]["range"]
        ),
        "offr"
    );
    assert_eq!(d[1]["tags"], json!([1]), "an unreachable step is faded");
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": URI}}));
    assert_eq!(c.diagnostics(URI), Vec::<Value>::new(), "cleared on close");
    c.shutdown();
}

#[test]
fn a_burst_of_changes_is_checked_once() {
    let mut c = Client::start();
    c.open(&clean());
    let mut text = clean();
    for (v, ch) in ["一", "二", "三", "四"].iter().enumerate() {
        let p = c.pos(&text, "您好😀", 0, 0);
        c.change(
            i32::try_from(v).unwrap() + 2,
            json!([{"range": {"start": p, "end": p}, "text": ch}]),
        );
        let at = text.find("您好😀").unwrap();
        text.insert_str(at, ch);
    }
    assert_eq!(c.diagnostics(URI), Vec::<Value>::new());
    std::thread::sleep(callc::lsp::DEBOUNCE * 4);
    let r = c.request("textDocument/hover", c.at(&text, "开场", 0));
    assert!(
        r.result.unwrap()["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("> 一二三四您好😀")
    );
    let published = c
        .notifications
        .iter()
        .filter(|n| n.method == "textDocument/publishDiagnostics")
        .count();
    assert_eq!(published, 0, "one publication for the whole burst");
    c.shutdown();
}

/// Definition and references from each of the `count` occurrences of
/// `needle` (which starts with the name), the `def_nth` being the definition.
fn check_symbol(c: &mut Client, text: &str, needle: &str, count: usize, def_nth: usize) {
    let name = needle.split(' ').next().unwrap();
    let def = c.pos(text, needle, def_nth, 0);
    for nth in 0..count {
        let at = c.at(text, needle, nth);
        let d = c.result("textDocument/definition", at.clone());
        assert_eq!(d["uri"], URI, "{name}#{nth}");
        assert_eq!(d["range"]["start"], def, "{name}#{nth}");
        assert_eq!(c.slice(text, &d["range"]), name);
        let mut with = at.clone();
        with["context"] = json!({"includeDeclaration": true});
        let refs = c.result("textDocument/references", with);
        assert_eq!(refs.as_array().unwrap().len(), count, "{name}#{nth}: {refs:#}");
        for r in refs.as_array().unwrap() {
            assert_eq!(c.slice(text, &r["range"]), name);
        }
        let mut without = at;
        without["context"] = json!({"includeDeclaration": false});
        let refs = c.result("textDocument/references", without);
        assert_eq!(refs.as_array().unwrap().len(), count - 1, "{name}#{nth}");
        assert!(refs.as_array().unwrap().iter().all(|r| r["range"]["start"] != def));
    }
}

#[test]
fn definition_and_references_for_every_kind_of_id() {
    let text = clean();
    for enc_caps in [json!({}), json!({"positionEncodings": ["utf-8", "utf-16"]})] {
        let mut c = Client::with_capabilities(json!({"general": enc_caps}));
        c.open(&text);
        check_symbol(&mut c, &text, "docs", 3, 1); // `on 忙 -> docs`, `step docs`, `next docs`
        check_symbol(&mut c, &text, "价格 ", 3, 0); // concern, covers in a step, covers in a qa
        check_symbol(&mut c, &text, "忙 ", 2, 0); // signal and `on 忙`
        check_symbol(&mut c, &text, "拒绝", 2, 1); // `end(拒绝)` and `when 拒绝`
        check_symbol(&mut c, &text, "offer", 2, 1);
        check_symbol(&mut c, &text, "条款", 1, 0);
        check_symbol(&mut c, &text, "李明 ", 1, 0);
        check_symbol(&mut c, &text, "张强 {", 1, 0);
        check_symbol(&mut c, &text, "续约", 1, 0);
        // A placeholder leads to its `knows` entry.
        let d = c.result("textDocument/definition", c.at(&text, "knows.公司", 0));
        assert_eq!(d["range"]["start"], c.pos(&text, "公司 \"", 0, 0));
        // Highlights: the definition is a write, references are reads.
        let h = c.result("textDocument/documentHighlight", c.at(&text, "docs", 0));
        let kinds: Vec<_> = h
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["kind"].as_i64().unwrap())
            .collect();
        assert_eq!(kinds, [2, 3, 2]);
        // Nothing on a keyword or in a string.
        assert_eq!(c.result("textDocument/definition", c.at(&text, "flow", 0)), Value::Null);
        assert_eq!(
            c.result("textDocument/definition", c.at(&text, "资料稍后", 0)),
            Value::Null
        );
        c.shutdown();
    }
}

#[test]
fn utf8_is_used_when_the_client_offers_it() {
    let mut c = Client::with_capabilities(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}));
    assert_eq!(c.init["capabilities"]["positionEncoding"], "utf-8");
    let d = c.open(BROKEN_REF);
    let line = BROKEN_REF.lines().find(|l| l.contains("dcos")).unwrap();
    assert_eq!(d[0]["range"]["start"]["character"], line.find("dcos").unwrap());
    c.shutdown();
}

#[test]
fn hover_explains_each_kind_in_markdown() {
    let text = clean();
    let mut c = Client::start();
    c.open(&text);
    let mut hover = |needle: &str, nth: usize| -> String {
        let h = c.result("textDocument/hover", c.at(&text, needle, nth));
        assert_eq!(h["contents"]["kind"], "markdown", "{needle}");
        h["contents"]["value"].as_str().unwrap().to_owned()
    };
    let h = hover("docs", 0);
    assert!(
        h.contains("**step** `docs` — 发送资料") && h.contains("> 资料稍后发到您邮箱。"),
        "{h}"
    );
    assert!(h.contains("then `end(拒绝)`"), "{h}");
    let h = hover("价格 ", 0);
    assert!(h.contains("· primary") && h.contains("> 价格是否透明😀"), "{h}");
    let h = hover("忙 ", 0);
    assert!(h.contains("> 张强说忙") && h.contains("at every step → `docs`"), "{h}");
    let h = hover("条款", 0);
    assert!(h.contains("Q: 有合同模板吗？") && h.contains("> 有。"), "{h}");
    let h = hover("拒绝", 0);
    assert!(
        h.contains("caller side:\n> 不要") && h.contains("callee side:\n> 不要"),
        "{h}"
    );
    let h = hover("李明 ", 0);
    assert!(h.contains("**caller** `李明` — 李明 (长江公司)"), "{h}");
    assert!(hover("knows.公司", 0).contains("> 泰山公司"));
    assert!(hover("callee.name", 0).contains("> 张强"));
    assert!(hover("covers", 0).contains("keyword `covers`"));
    let none = c.result("textDocument/hover", c.at(&text, "\"再见\"", 0));
    assert_eq!(none, Value::Null);
    c.shutdown();
}

fn labels(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn completion_offers_what_fits_the_place() {
    let mut c = Client::start();
    c.open(&clean());
    // Typing `next ` after Chinese and an emoji: the file does not parse, completion still works.
    let text = clean().replace("next docs }", "next  }");
    c.change(2, json!([{"text": text}]));
    let d = c.diagnostics(URI);
    assert_eq!(d[0]["code"], "E0001");
    let at = json!({"textDocument": {"uri": URI}, "position": c.pos(&text, "next  }", 0, 5),
        "context": {"triggerKind": 2, "triggerCharacter": " "}});
    let items = c.result("textDocument/completion", at);
    assert_eq!(labels(&items), ["开场", "docs", "offer", "end", "end(拒绝)"]);
    assert_eq!(items[1]["detail"], "发送资料");
    assert_eq!(items[1]["textEdit"]["newText"], "docs");
    // `on ` → signals; `covers 价格, ` → the other concerns; `end(` → end conditions.
    for (edit, needle, delta, want) in [
        ("say \"您好😀\" on ", "on  ", 3, vec!["忙", "silence", "hangup"]),
        ("covers 价格, {", "价格, {", 4, vec!["试用"]),
        ("-> end( }", "end( }", 4, vec!["拒绝"]),
    ] {
        let text = clean().replace(
            match needle {
                "on  " => "say \"您好😀\"",
                "价格, {" => "covers 价格 {",
                _ => "-> end(拒绝) }",
            },
            edit,
        );
        c.change(3, json!([{"text": text}]));
        let at = json!({"textDocument": {"uri": URI}, "position": c.pos(&text, needle, 0, delta)});
        let items = c.result("textDocument/completion", at);
        assert_eq!(labels(&items), want, "{edit}");
    }
    // A space after a finished statement does not pop keywords up; asking does.
    let text = clean().replace("say \"您好😀\"", "say \"您好😀\" ");
    c.change(4, json!([{"text": text}]));
    let p = c.pos(&text, "😀\" ", 0, 3);
    let by_space = c.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": p, "context": {"triggerKind": 2, "triggerCharacter": " "}}),
    );
    assert_eq!(by_space, Value::Null);
    let invoked = c.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": p, "context": {"triggerKind": 1}}),
    );
    // The step has its `next offer` already: a second is E0105, so it is not offered.
    assert_eq!(
        labels(&invoked),
        ["on", "say", "continue", "capture", "retry", "allow", "warn", "deny"]
    );
    assert!(
        invoked[1]["documentation"]["value"]
            .as_str()
            .unwrap()
            .contains("a line the caller says")
    );
    assert_eq!(invoked[1]["insertTextFormat"], 1, "no snippets for this client");
    // Placeholders inside a string, after `{`.
    let text = clean().replace("say \"您好😀\"", "say \"您好😀{\"");
    c.change(5, json!([{"text": text}]));
    let items = c.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": c.pos(&text, "😀{", 0, 2)}),
    );
    let l = labels(&items);
    assert!(
        l.contains(&"callee.name".to_owned()) && l.contains(&"knows.公司".to_owned()),
        "{l:?}"
    );
    let k = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "knows.公司")
        .unwrap();
    assert_eq!(k["textEdit"]["newText"], "knows.公司}");
    c.shutdown();
}

#[test]
fn completion_uses_snippets_when_the_client_supports_them() {
    let mut c = Client::with_capabilities(
        json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}}),
    );
    let text = clean().replace("    step 开场", "    \n    step 开场");
    c.open(&text);
    let items = c.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": c.pos(&text, "    \n", 0, 4)}),
    );
    let step = items.as_array().unwrap().iter().find(|i| i["label"] == "step").unwrap();
    assert_eq!(step["insertTextFormat"], 2);
    assert!(
        step["textEdit"]["newText"]
            .as_str()
            .unwrap()
            .starts_with("step ${1:id}")
    );
    assert!(
        step["documentation"].is_string(),
        "markdown was not offered: plain text"
    );
    c.shutdown();
}

#[test]
fn document_symbols_outline_the_call() {
    let text = clean();
    let mut c = Client::start();
    c.open(&text);
    let s = c.result("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    let root = &s[0];
    assert_eq!(root["name"], "续约");
    let names: Vec<_> = root["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["李明", "张强", "忙", "flow", "faq", "end"]);
    let caller = &root["children"][0];
    assert_eq!(caller["children"][0]["name"], "knows");
    assert_eq!(caller["children"][0]["children"][0]["name"], "公司");
    let callee = &root["children"][1];
    assert_eq!(callee["children"][0]["name"], "价格");
    assert_eq!(callee["children"][0]["detail"], "primary · 价格是否透明😀");
    let flow = &root["children"][3];
    let steps: Vec<_> = flow["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["on 忙 -> docs", "开场", "docs", "offer"]);
    let offer = &flow["children"][3];
    assert_eq!(offer["kind"], 12, "a step is a function");
    assert_eq!(c.slice(&text, &offer["selectionRange"]), "offer");
    assert!(c.slice(&text, &offer["range"]).starts_with("step offer \"活动优势\""));
    assert_eq!(root["children"][5]["children"][0]["name"], "拒绝");
    // While the text does not parse, the outline of the last good parse stays.
    let broken = text.replace("flow {", "flow");
    c.change(2, json!([{"text": broken}]));
    let again = c.result("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    assert_eq!(again[0]["children"].as_array().unwrap().len(), 6);
    c.shutdown();
}

#[test]
fn flat_symbols_for_clients_without_hierarchy() {
    let mut c = Client::with_capabilities(json!({}));
    c.open(&clean());
    let s = c.result("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    let offer = s.as_array().unwrap().iter().find(|s| s["name"] == "offer").unwrap();
    assert_eq!(offer["containerName"], "flow");
    c.shutdown();
}

#[test]
fn formatting_goes_through_callc_fmt_and_leaves_broken_files_alone() {
    let text = clean().replace("  locale", "\tlocale  ");
    let mut c = Client::start();
    c.open(&text);
    let edits = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let want = callc::fmt::format(&text).expect("formats");
    assert_eq!(c.apply(&text, edits.as_array().unwrap()), want);
    let broken = text.replace("flow {", "flow");
    c.change(2, json!([{"text": broken}]));
    let none = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(none, Value::Null, "no edits for a file with syntax errors");
    c.shutdown();
}

#[test]
fn rename_changes_every_occurrence_and_refuses_clearly() {
    let text = clean();
    let mut c = Client::start();
    c.open(&text);
    let p = c.result("textDocument/prepareRename", c.at(&text, "docs", 0));
    assert_eq!(p["placeholder"], "docs");
    assert_eq!(c.slice(&text, &p["range"]), "docs");
    let mut params = c.at(&text, "docs", 2);
    params["newName"] = json!("发资料");
    let edit = c.result("textDocument/rename", params);
    let edits = edit["changes"][URI].as_array().unwrap().clone();
    assert_eq!(edits.len(), 3);
    let renamed = c.apply(&text, &edits);
    assert_eq!(renamed, text.replace("docs", "发资料"));
    // Refusals: a keyword, a string, a field, a taken name, not an identifier.
    let (code, msg) = c.error("textDocument/prepareRename", c.at(&text, "step", 0));
    assert_eq!(code, -32803);
    assert!(msg.contains("`step` is a keyword"), "{msg}");
    let (_, msg) = c.error("textDocument/prepareRename", c.at(&text, "资料稍后", 0));
    assert!(msg.contains("inside a string"), "{msg}");
    let (_, msg) = c.error("textDocument/prepareRename", c.at(&text, "callee.name", 0));
    assert!(msg.contains("field of the callee"), "{msg}");
    for (new, why) in [
        ("offer", "already the id of a step"),
        ("忙", "already the id of a signal"),
        ("a b", "not an identifier"),
        ("end", "keyword"),
    ] {
        let mut params = c.at(&text, "docs", 0);
        params["newName"] = json!(new);
        let (code, msg) = c.error("textDocument/rename", params);
        assert_eq!(code, -32803);
        assert!(msg.contains(why), "{new}: {msg}");
    }
    c.shutdown();
}

#[test]
fn code_actions_apply_each_fix_with_its_diagnostic() {
    let mut c = Client::start();
    let diags = c.open(BROKEN_REF);
    let params = json!({
        "textDocument": {"uri": URI},
        "range": diags[0]["range"],
        "context": {"diagnostics": diags}
    });
    let actions = c.result("textDocument/codeAction", params);
    let a = &actions[0];
    assert_eq!(a["kind"], "quickfix");
    assert_eq!(a["title"], "Replace `dcos` with `docs`");
    assert_eq!(a["diagnostics"][0]["code"], "E0102");
    assert_eq!(a["isPreferred"], true);
    let fixed = c.apply(BROKEN_REF, a["edit"]["changes"][URI].as_array().unwrap());
    assert_eq!(fixed, clean());
    // Full-width punctuation and a lone brace get their fixes too.
    for (text, title, check) in [
        (
            clean().replace("covers 价格 {", "covers 价格 ｛"),
            "Replace `｛` with `{`",
            "covers 价格 {",
        ),
        (clean().replace("有。", "有{。"), "Replace `{` with `{{`", "有{{。"),
    ] {
        c.change(2, json!([{"text": text}]));
        let diags = c.diagnostics(URI);
        let params =
            json!({"textDocument": {"uri": URI}, "range": diags[0]["range"], "context": {"diagnostics": diags}});
        let actions = c.result("textDocument/codeAction", params);
        assert_eq!(actions[0]["title"], title);
        let fixed = c.apply(&text, actions[0]["edit"]["changes"][URI].as_array().unwrap());
        assert!(fixed.contains(check), "{fixed}");
    }
    // Nothing where there is no fix.
    let params = json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}});
    assert_eq!(c.result("textDocument/codeAction", params), json!([]));
    c.shutdown();
}

#[test]
fn failures_are_answered_and_the_server_goes_on() {
    let mut c = Client::start();
    c.open(&clean());
    let (code, _) = c.error(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}}),
    );
    assert_eq!(code, -32601, "MethodNotFound");
    let (code, _) = c.error("initialize", json!({"capabilities": {}}));
    assert_eq!(code, -32600, "initialize twice");
    let (code, _) = c.error("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(code, -32602, "InvalidParams");
    let (code, msg) = c.error(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nope.call"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(code, -32803);
    assert!(msg.contains("not open"), "{msg}");
    // The panic on request exists in debug builds only; a release build
    // (`cargo test --release`) does not know the method.
    let (code, msg) = c.error(callc::lsp::DEBUG_PANIC, Value::Null);
    if cfg!(debug_assertions) {
        assert_eq!(code, -32603, "InternalError");
        assert!(msg.contains("internal error in callc"), "{msg}");
    } else {
        assert_eq!(code, -32601, "MethodNotFound in release builds");
    }
    // Notifications for unknown documents are ignored; positions far out are clamped.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nope.call", "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    c.notify("$/cancelRequest", json!({"id": 99}));
    c.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    let far = json!({"textDocument": {"uri": URI}, "position": {"line": 9999, "character": 9999}});
    assert_eq!(c.result("textDocument/hover", far), Value::Null);
    let h = c.result("textDocument/hover", c.at(&clean(), "docs", 0));
    assert!(
        h["contents"]["value"].as_str().unwrap().contains("**step** `docs`"),
        "still answering"
    );
    c.shutdown();
}

#[test]
fn requests_after_shutdown_are_refused_and_exit_without_shutdown_is_reported() {
    let mut c = Client::start();
    let r = c.request("shutdown", Value::Null);
    assert!(r.error.is_none());
    let (code, _) = c.error("textDocument/hover", json!({}));
    assert_eq!(code, -32600, "InvalidRequest after shutdown");
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), Exit::Clean);

    let c = Client::start();
    c.notify("exit", Value::Null);
    let mut c = c;
    assert_eq!(c.server.take().unwrap().join().unwrap(), Exit::WithoutShutdown);
}

#[test]
fn requests_before_initialize_are_refused() {
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || callc::lsp::serve(server).expect("server ran"));
    client
        .sender
        .send(Message::Request(Request::new(
            1.into(),
            "textDocument/hover".to_owned(),
            json!({}),
        )))
        .unwrap();
    match client.receiver.recv_timeout(Duration::from_secs(10)).unwrap() {
        Message::Response(r) => assert_eq!(r.response_result.unwrap_err().code, -32002),
        other => panic!("{other:?}"),
    }
    client
        .sender
        .send(Message::Notification(Notification::new("exit".to_owned(), Value::Null)))
        .unwrap();
    assert_eq!(handle.join().unwrap(), Exit::WithoutShutdown);
}

/// Every construct of calls that listen (first speaker, silence timeout,
/// the four events, `continue`, captures, `retry`, a transfer, `requires`),
/// with Chinese ids and emoji before the positions involved. It checks clean.
const LISTEN: &str = r#"call 续约 {
  locale "zh-CN"
  first_speaker callee // 对方先开口😀
  silence_timeout 8
  caller 李明 { name "李明" org "长江公司" }
  callee 张强 { name "张强" concern 条款 primary "条款😀" }
  signal 忙 "张强说忙😀"
  signal 转人工 "张强要人工"
  flow {
    on voicemail -> 留言
    on no_answer -> end(未接通)
    on hangup -> end(挂断)
    on silence -> 确认在线
    on 忙 -> 要邮箱
    step 说明 "说明😀" { say "您好😀，续约跟进。" continue }
    step 报价 "报价😀" covers 条款 {
      say "优惠8%😀，您选哪个？"
      capture 套餐 one_of(标准, 高级) optional "套餐😀"
    }
    step 要邮箱 "确认邮箱" {
      say "邮箱是？😀"
      capture 邮箱 email "张强的邮箱😀"
      retry 2 -> end(挂断)
    }
    step 转接 "询问转接" {
      say "需要我帮您转接销售顾问吗？😀"
      on 转人工 -> transfer(销售) // 邮箱已记录，才转接
      -> end(留邮箱)
    }
    step 确认在线 { say "还在吗？😀" retry 1 -> end(挂断) on hangup -> end(挂断) -> 报价 }
    step 留言 { say "请回电😀" continue -> end(已留言) }
  }
  end {
    when 留邮箱 "留下邮箱" callee "给了邮箱" requires 邮箱
    when 挂断 "挂断" callee "挂了"
    when 未接通 "未接通" callee "没接"
    when 已留言 "已留言" callee "语音信箱"
    transfer 销售 "销售顾问😀" {
      say "请稍候😀。"
      to "queue:renewal_sales"
      fallback end(挂断)
      requires 邮箱
    }
    closing "再见"
  }
}
"#;

#[test]
fn the_listen_spec_checks_clean() {
    let c = callc::compile("t.call", LISTEN.as_bytes(), &LintLevels::default());
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
}

#[test]
fn captures_transfers_and_events_are_navigated() {
    for enc_caps in [json!({}), json!({"positionEncodings": ["utf-8", "utf-16"]})] {
        let mut c = Client::with_capabilities(json!({"general": enc_caps}));
        assert_eq!(c.open(LISTEN), Vec::<Value>::new());
        // A capture from its definition and from both `requires` (of a `when`
        // and of a transfer); a transfer from its definition and its target.
        for (name, def, places) in [
            (
                "邮箱",
                ("邮箱 email", 0, 0),
                vec![
                    ("邮箱 email", 0, 0),
                    ("requires 邮箱\n", 0, 9),
                    ("requires 邮箱\n", 1, 9),
                ],
            ),
            (
                "销售",
                ("transfer 销售", 0, 9),
                vec![("transfer 销售", 0, 9), ("transfer(销售)", 0, 9)],
            ),
        ] {
            let def = c.pos(LISTEN, def.0, def.1, def.2);
            for &(needle, nth, delta) in &places {
                let at = json!({"textDocument": {"uri": URI}, "position": c.pos(LISTEN, needle, nth, delta)});
                let d = c.result("textDocument/definition", at.clone());
                assert_eq!(d["range"]["start"], def, "{needle}");
                assert_eq!(c.slice(LISTEN, &d["range"]), name);
                for include in [true, false] {
                    let mut with = at.clone();
                    with["context"] = json!({"includeDeclaration": include});
                    let refs = c.result("textDocument/references", with);
                    let refs = refs.as_array().unwrap();
                    assert_eq!(refs.len(), places.len() - usize::from(!include), "{needle}: {refs:#?}");
                    assert!(refs.iter().all(|r| c.slice(LISTEN, &r["range"]) == name));
                }
                let h = c.result("textDocument/documentHighlight", at);
                let kinds: Vec<i64> = h
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h["kind"].as_i64().unwrap())
                    .collect();
                assert_eq!(kinds.iter().filter(|k| **k == 3).count(), 1, "one definition, a write");
                assert_eq!(kinds.len(), places.len());
            }
        }
        // An event has no definition; its highlights are every branch on it.
        let at = c.at(LISTEN, "hangup", 0);
        assert_eq!(c.result("textDocument/definition", at.clone()), Value::Null);
        let h = c.result("textDocument/documentHighlight", at);
        let h = h.as_array().unwrap();
        assert_eq!(h.len(), 2);
        assert!(
            h.iter()
                .all(|h| c.slice(LISTEN, &h["range"]) == "hangup" && h["kind"] == 2)
        );
        c.shutdown();
    }
}

#[test]
fn hover_explains_events_captures_transfers_and_turns() {
    let mut c = Client::start();
    c.open(LISTEN);
    let mut hover = |needle: &str, nth: usize, delta: usize| -> String {
        let at = json!({"textDocument": {"uri": URI}, "position": c.pos(LISTEN, needle, nth, delta)});
        let h = c.result("textDocument/hover", at);
        h["contents"]["value"].as_str().unwrap_or_default().to_owned()
    };
    let h = hover("voicemail", 0, 0);
    assert!(
        h.starts_with("**event** `voicemail` (built in)") && h.contains("when the call starts → `留言`"),
        "{h}"
    );
    let h = hover("silence ->", 0, 0);
    assert!(
        h.contains("(`silence_timeout`: 8 s)") && h.contains("at every step → `确认在线`"),
        "{h}"
    );
    let h = hover("邮箱 email", 0, 0);
    assert!(
        h.starts_with("**capture** `邮箱`: `email` — asked at step `要邮箱`"),
        "{h}"
    );
    assert!(h.contains("required by `end(留邮箱)`, `transfer(销售)`"), "{h}");
    let h = hover("email \"", 0, 0);
    assert_eq!(h, "**capture type** `email`\n\nan e-mail address");
    let h = hover("销售)", 0, 0);
    assert!(
        h.starts_with("**transfer** `销售` — 销售顾问😀") && h.contains("to `queue:renewal\\_sales`"),
        "{h}"
    );
    let h = hover("callee //", 0, 0);
    assert!(h.starts_with("**first speaker** `callee` (the default)"), "{h}");
    let h = hover("要邮箱 \"", 0, 0);
    assert!(
        h.contains("- waits for a reply") && h.contains("- captures `邮箱` (`email`)"),
        "{h}"
    );
    assert!(
        h.contains("- retry: runs again at most 2 times, then → `end(挂断)`"),
        "{h}"
    );
    let h = hover("说明", 0, 0);
    assert!(h.contains("- does not wait for a reply (`continue`)"), "{h}");
    let h = hover("continue", 0, 0);
    assert!(h.starts_with("keyword `continue`"), "{h}");
    c.shutdown();
}

#[test]
fn completion_knows_the_places_of_calls_that_listen() {
    let mut c = Client::with_capabilities(
        json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}}),
    );
    c.open(LISTEN);
    let complete = |c: &mut Client, old: &str, new: &str, needle: &str, delta: usize| -> Value {
        assert!(LISTEN.contains(old), "{old}");
        let text = LISTEN.replacen(old, new, 1);
        c.change(2, json!([{"text": text}]));
        let at = json!({"textDocument": {"uri": URI}, "position": c.pos(&text, needle, 0, delta)});
        c.result("textDocument/completion", at)
    };
    // `on ` in `flow`: the signals, then the four events with their docs.
    let branches = "    on voicemail -> 留言\n    on no_answer -> end(未接通)\n    on hangup -> end(挂断)\n    on silence -> 确认在线\n    on 忙 -> 要邮箱\n";
    let items = complete(&mut c, branches, "    on \n", "    on \n", 7);
    assert_eq!(
        labels(&items),
        ["忙", "转人工", "voicemail", "no_answer", "silence", "hangup"]
    );
    assert_eq!(items[2]["kind"], 23, "an event");
    assert!(
        items[2]["documentation"]
            .as_str()
            .unwrap()
            .contains("answering machine")
    );
    // What `flow` branches on already is left out (E0105).
    let items = complete(&mut c, "    on voicemail -> 留言", "    on ", "    on \n", 7);
    assert_eq!(labels(&items), ["转人工", "voicemail"]);
    // Capture types, `integer(…)` and `one_of(…)` as snippets.
    let items = complete(&mut c, "capture 邮箱 email", "capture 邮箱 ", "邮箱  \"张强", 3);
    let int = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "integer(…)")
        .unwrap();
    assert_eq!(int["insertTextFormat"], 2);
    assert_eq!(int["textEdit"]["newText"], "integer(${1:1}..${2:100})");
    // `transfer(` after an arrow, after Chinese and an emoji: the transfers, closing the `)`.
    let items = complete(&mut c, "-> end(已留言)", "-> transfer(", "transfer( }", 9);
    assert_eq!(labels(&items), ["销售"]);
    assert_eq!(items[0]["textEdit"]["newText"], "销售)");
    assert_eq!(items[0]["detail"], "销售顾问😀");
    // A target after `retry N ->` offers `transfer(销售)`; after `fallback` it does not.
    let items = complete(&mut c, "retry 2 -> end(挂断)", "retry 2 -> ", "retry 2 -> \n", 11);
    assert!(labels(&items).contains(&"transfer(销售)".to_owned()), "{items:#}");
    let items = complete(&mut c, "fallback end(挂断)", "fallback ", "fallback \n", 9);
    assert!(!labels(&items).iter().any(|l| l.starts_with("transfer")), "{items:#}");
    // `requires `: the captures, each with its type and step.
    let items = complete(
        &mut c,
        "callee \"给了邮箱\" requires 邮箱",
        "callee \"给了邮箱\" requires ",
        "requires \n",
        9,
    );
    assert_eq!(labels(&items), ["套餐", "邮箱"]);
    assert_eq!(items[0]["detail"], "one_of(标准, 高级), optional · step 报价");
    assert_eq!(items[1]["detail"], "email · step 要邮箱");
    // `first_speaker `: the two parties.
    let items = complete(
        &mut c,
        "first_speaker callee",
        "first_speaker ",
        "first_speaker  //",
        14,
    );
    assert_eq!(labels(&items), ["callee", "caller"]);
    c.shutdown();
}

#[test]
fn rename_follows_captures_and_transfers_and_refuses_events() {
    let mut c = Client::start();
    c.open(LISTEN);
    let mut params = json!({"textDocument": {"uri": URI}, "position": c.pos(LISTEN, "requires 邮箱\n", 0, 9)});
    params["newName"] = json!("email地址");
    let edits = c.result("textDocument/rename", params)["changes"][URI]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(edits.len(), 3);
    let renamed = c.apply(LISTEN, &edits);
    assert_eq!(
        renamed,
        LISTEN
            .replace("邮箱 email", "email地址 email")
            .replace("requires 邮箱", "requires email地址")
    );
    let mut params = c.at(LISTEN, "销售)", 0);
    params["newName"] = json!("人工");
    let edits = c.result("textDocument/rename", params)["changes"][URI]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        c.apply(LISTEN, &edits),
        LISTEN
            .replace("transfer(销售)", "transfer(人工)")
            .replace("transfer 销售", "transfer 人工")
    );
    let (code, msg) = c.error("textDocument/prepareRename", c.at(LISTEN, "silence ->", 0));
    assert_eq!(code, -32803);
    assert!(msg.contains("`silence` is a built-in telephony event"), "{msg}");
    let mut params = c.at(LISTEN, "确认在线 {", 0);
    params["newName"] = json!("silence");
    let (_, msg) = c.error("textDocument/rename", params);
    assert!(msg.contains("E0108"), "{msg}");
    c.shutdown();
}

#[test]
fn the_outline_holds_captures_and_transfers() {
    let mut c = Client::start();
    c.open(LISTEN);
    let s = c.result("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    let children = |v: &Value| -> Vec<String> {
        v["children"].as_array().map_or(Vec::new(), |a| {
            a.iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect()
        })
    };
    let flow = s[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "flow")
        .unwrap()
        .clone();
    let ask = flow["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "要邮箱")
        .unwrap()
        .clone();
    assert_eq!(children(&ask), ["邮箱"]);
    assert_eq!(ask["children"][0]["kind"], 13, "a capture is a variable");
    assert_eq!(ask["children"][0]["detail"], "email · 张强的邮箱😀");
    assert_eq!(c.slice(LISTEN, &ask["children"][0]["selectionRange"]), "邮箱");
    assert_eq!(flow["children"][0]["detail"], "when the call starts");
    let end = s[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "end")
        .unwrap()
        .clone();
    assert_eq!(children(&end), ["留邮箱", "挂断", "未接通", "已留言", "销售"]);
    assert_eq!(end["children"][4]["detail"], "销售顾问😀");
    c.shutdown();
}

#[test]
fn the_fixes_of_calls_that_listen_are_quick_fixes() {
    let mut c = Client::start();
    c.open(LISTEN);
    for (version, (old, new, title)) in [
        (
            "capture 邮箱 email",
            "capture 邮箱 emial",
            "Replace `emial` with `email`",
        ),
        ("on voicemail", "on voicemial", "Replace `voicemial` with `voicemail`"),
        (
            "first_speaker callee",
            "first_speaker agent",
            "Replace `agent` with `caller`",
        ),
        (
            "say \"请回电😀\" continue",
            "say \"请回电😀\" continue continue",
            "Remove `continue`",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let text = LISTEN.replacen(old, new, 1);
        c.change(i32::try_from(version).unwrap() + 2, json!([{"text": text}]));
        let diags = c.diagnostics(URI);
        let with_fix: Vec<&Value> = diags.iter().filter(|d| !d["data"]["fix"].is_null()).collect();
        assert_eq!(with_fix.len(), 1, "{new}: {diags:#?}");
        let params = json!({"textDocument": {"uri": URI}, "range": with_fix[0]["range"], "context": {"diagnostics": [with_fix[0]]}});
        let actions = c.result("textDocument/codeAction", params);
        assert_eq!(actions[0]["title"], title, "{new}");
        assert_eq!(actions[0]["kind"], "quickfix");
        let fixed = c.apply(&text, actions[0]["edit"]["changes"][URI].as_array().unwrap());
        let check = callc::compile("t.call", fixed.as_bytes(), &LintLevels::default());
        assert!(!check.has_errors(), "{new}: {:#?}", check.diagnostics);
        if title != "Remove `continue`" {
            assert_eq!(
                fixed,
                LISTEN.replacen(
                    old,
                    if new.contains("agent") {
                        "first_speaker caller"
                    } else {
                        old
                    },
                    1
                ),
                "{new}"
            );
        }
    }
    c.shutdown();
}

/// Semantic tokens decoded: (line, start column, length, type, modifiers).
fn decode(data: &Value) -> Vec<(u64, u64, u64, u64, u64)> {
    let data: Vec<u64> = data.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let (mut line, mut col) = (0, 0);
    data.chunks(5)
        .map(|t| {
            if t[0] > 0 {
                col = 0;
            }
            line += t[0];
            col += t[1];
            (line, col, t[2], t[3], t[4])
        })
        .collect()
}

#[test]
fn semantic_tokens_colour_every_construct_in_utf16_and_utf8() {
    let with_block = LISTEN.replace("say \"请稍候😀。\"", "say \"\"\"\n        请稍候😀。\n      \"\"\"");
    for (enc_caps, text) in [
        (json!({}), with_block.clone()),
        (json!({"positionEncodings": ["utf-8", "utf-16"]}), with_block.clone()),
        (json!({}), with_block.replace('\n', "\r\n")),
    ] {
        let mut c = Client::with_capabilities(json!({"general": enc_caps}));
        let legend = c.init["capabilities"]["semanticTokensProvider"]["legend"].clone();
        let types: Vec<String> = legend["tokenTypes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect();
        let modifiers: Vec<&str> = legend["tokenModifiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(modifiers, ["declaration", "defaultLibrary"]);
        assert_eq!(c.init["capabilities"]["semanticTokensProvider"]["range"], true);
        assert_eq!(c.open(&text), Vec::<Value>::new());
        let tokens = decode(
            &c.result(
                "textDocument/semanticTokens/full",
                json!({"textDocument": {"uri": URI}}),
            )["data"],
        );
        // What the token at `needle` (its `nth` occurrence) is.
        let token_at = |needle: &str, nth: usize| -> (String, u64, String) {
            let p = c.pos(&text, needle, nth, 0);
            let (line, col) = (p["line"].as_u64().unwrap(), p["character"].as_u64().unwrap());
            let t = tokens
                .iter()
                .find(|t| t.0 == line && t.1 == col)
                .unwrap_or_else(|| panic!("no token at {needle}"));
            let start = json!({"line": t.0, "character": t.1});
            let end = json!({"line": t.0, "character": t.1 + t.2});
            let covered = c.slice(&text, &json!({"start": start, "end": end})).to_owned();
            (types[usize::try_from(t.3).unwrap()].clone(), t.4, covered)
        };
        for (needle, nth, kind, modifiers, covered) in [
            ("voicemail", 0, "event", 2, "voicemail"),
            ("转人工 ->", 0, "event", 0, "转人工"),
            ("transfer(销售)", 0, "keyword", 0, "transfer"),
            ("销售)", 0, "struct", 0, "销售"),
            ("销售 \"", 0, "struct", 1, "销售"),
            ("continue", 0, "keyword", 0, "continue"),
            ("邮箱 email", 0, "variable", 1, "邮箱"),
            ("email \"", 0, "type", 2, "email"),
            ("one_of", 0, "type", 2, "one_of"),
            ("标准", 0, "enumMember", 0, "标准"),
            ("callee // ", 0, "enumMember", 2, "callee"),
            ("要邮箱 \"", 0, "function", 1, "要邮箱"),
            ("->", 0, "operator", 0, "->"),
            ("\"请回电😀\"", 0, "string", 0, "\"请回电😀\""),
            // The lines of a block string, each from its start.
            ("        请稍候😀。", 0, "string", 0, "        请稍候😀。"),
            ("// 对方先开口😀", 0, "comment", 0, "// 对方先开口😀"),
        ] {
            assert_eq!(
                token_at(needle, nth),
                (kind.to_owned(), modifiers, covered.to_owned()),
                "{needle}"
            );
        }
        // A block string is cut at its line breaks: no token spans lines.
        let block = text.find("\"\"\"").unwrap();
        let line = u64::try_from(text[..block].matches('\n').count()).unwrap();
        assert_eq!(
            tokens
                .iter()
                .filter(|t| (line..=line + 2).contains(&t.0) && types[usize::try_from(t.3).unwrap()] == "string")
                .count(),
            3
        );
        // A range asks for the tokens of those lines only.
        let range = json!({"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}});
        let some = decode(
            &c.result(
                "textDocument/semanticTokens/range",
                json!({"textDocument": {"uri": URI}, "range": range}),
            )["data"],
        );
        assert!(!some.is_empty() && some.len() < 5, "{some:?}");
        assert!(some.iter().all(|t| t.0 == line), "{some:?}");
        // While the text does not parse, ids are still coloured from their declarations.
        let broken = text.replacen("flow {", "flow", 1);
        c.change(2, json!([{"text": broken}]));
        let tokens = decode(
            &c.result(
                "textDocument/semanticTokens/full",
                json!({"textDocument": {"uri": URI}}),
            )["data"],
        );
        let p = c.pos(&broken, "销售)", 0, 0);
        let t = tokens
            .iter()
            .find(|t| t.0 == p["line"].as_u64().unwrap() && t.1 == p["character"].as_u64().unwrap())
            .unwrap();
        assert_eq!(types[usize::try_from(t.3).unwrap()], "struct");
        c.shutdown();
    }
}

#[test]
fn crlf_documents_keep_positions_right() {
    let text = BROKEN_REF.replace('\n', "\r\n");
    let mut c = Client::start();
    let d = c.open(&text);
    assert_eq!(c.slice(&text, &d[0]["range"]), "dcos");
    let d = c.result("textDocument/definition", c.at(&text, "offer", 0));
    assert_eq!(c.slice(&text, &d["range"]), "offer");
    c.shutdown();
}

/// A spec of about 1 MB: many steps of Chinese text with emoji, each going to the next.
fn large_spec() -> String {
    let mut s = String::from(
        "call 大 {\n  locale \"zh-CN\"\n  caller a { name \"李明\" }\n  callee b { name \"张强\" concern 价格 primary \"价格\" }\n  signal 忙 \"忙\"\n  flow {\n    on voicemail -> end\n    on 忙 -> end\n",
    );
    let mut i = 0;
    while s.len() < 1_000_000 {
        let _ = writeln!(
            s,
            "    step 步骤{i} \"标题😀{i}\" covers 价格 {{ say \"您好😀，这是第{i}步，提前续约享8%专属优惠。\" next 步骤{} }}",
            i + 1
        );
        i += 1;
    }
    let _ = write!(
        s,
        "    step 步骤{i} {{ say \"再见\" -> end }}\n  }}\n  end {{ closing \"再见\" }}\n}}\n"
    );
    s
}

#[test]
fn a_one_megabyte_spec_stays_responsive() {
    let text = large_spec();
    let mut c = Client::start();
    let t = Instant::now();
    assert_eq!(c.open(&text), Vec::<Value>::new());
    let open = t.elapsed();
    // Type one character near the end, with Chinese and emoji before it on the line.
    let t = Instant::now();
    let p = c.pos(&text, "next 步骤", 4000, 5);
    c.change(2, json!([{"range": {"start": p, "end": p}, "text": "x"}]));
    let d = c.diagnostics(URI);
    assert_eq!(d.iter().filter(|d| d["code"] == "E0102").count(), 1);
    let change = t.elapsed();
    let t = Instant::now();
    let refs = c.result(
        "textDocument/references",
        json!({"textDocument": {"uri": URI}, "position": c.pos(&text, "价格 primary", 0, 0), "context": {"includeDeclaration": true}}),
    );
    assert!(refs.as_array().unwrap().len() > 5000);
    c.result("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    c.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": p}),
    );
    let requests = t.elapsed();
    let t = Instant::now();
    let tokens = c.result(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": URI}}),
    );
    assert!(tokens["data"].as_array().unwrap().len() > 5 * 50_000);
    let highlighting = t.elapsed();
    eprintln!(
        "1 MB spec: open {open:?}, change {change:?}, references + symbols + completion {requests:?}, semantic tokens {highlighting:?}"
    );
    // Generous bounds (debug build, slow CI): a quadratic step would take minutes.
    assert!(open + change + requests + highlighting < Duration::from_secs(60));
    c.shutdown();
}

/// Every feature of the pure analysis at every offset of every fixture
/// (most of them broken on purpose), and of text cut at every offset: no panic.
#[test]
fn no_offset_in_any_fixture_breaks_the_analysis() {
    use callc::lsp::analysis::{Analysis, complete, highlight, hover, outline, rename};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "call"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    texts.push(clean());
    texts.push(LISTEN.to_owned());
    texts.extend(LISTEN.char_indices().step_by(11).map(|(i, _)| LISTEN[..i].to_owned()));
    texts.push(MANY.to_owned());
    texts.extend(MANY.char_indices().step_by(13).map(|(i, _)| MANY[..i].to_owned()));
    let cut: Vec<String> = clean()
        .char_indices()
        .step_by(7)
        .map(|(i, _)| clean()[..i].to_owned())
        .collect();
    texts.extend(cut);
    let mut offsets = 0;
    for text in &texts {
        let a = Analysis::new("t.call", text);
        let last = Some(&a);
        if let Some(ast) = &a.compiled.ast {
            let _ = outline::outline(ast);
        }
        let _ = highlight::highlights(text, a.symbols());
        for i in 0..=text.len() + 1 {
            let _ = hover::hover(&a, i);
            let _ = complete::complete(text, i, last);
            let _ = rename::prepare(&a, i);
            if i % 5 == 0 {
                let _ = rename::rename(&a, i, "新名字");
            }
            offsets += 1;
        }
    }
    assert!(offsets > 10_000, "{offsets}");
}

#[test]
fn diagnostics_arrive_while_requests_keep_coming() {
    let mut c = Client::start();
    c.open(&clean());
    c.change(2, json!([{"text": BROKEN_REF}]));
    // Requests every 5 ms, never a pause as long as the debounce: diagnostics come anyway.
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(800) {
        c.request("textDocument/hover", c.at(BROKEN_REF, "docs", 0));
        std::thread::sleep(Duration::from_millis(5));
        if c.notifications
            .iter()
            .any(|n| n.method == "textDocument/publishDiagnostics")
        {
            break;
        }
    }
    assert!(
        start.elapsed() < Duration::from_millis(800),
        "no diagnostics while requests kept coming"
    );
    assert_eq!(c.diagnostics(URI)[0]["code"], "E0102");
    c.shutdown();
}

/// The language server tests' shared spec (see the file's header).
const MANY: &str = include_str!("fixtures/lsp/many.call");

#[test]
fn the_many_spec_checks_clean() {
    let c = callc::compile("t.call", MANY.as_bytes(), &LintLevels::default());
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
}

#[test]
fn variables_and_callees_are_navigated() {
    for enc_caps in [json!({}), json!({"positionEncodings": ["utf-8", "utf-16"]})] {
        let mut c = Client::with_capabilities(json!({"general": enc_caps}));
        assert_eq!(c.open(MANY), Vec::<Value>::new());
        // (name, its definition, every place it is written: needle, nth, characters into it)
        for (name, def, places) in [
            (
                "客户",
                ("客户   text", 0, 0),
                vec![("客户   text", 0, 0), ("{var.客户}", 0, 5), ("{var.客户}", 1, 5)],
            ),
            (
                "到期日",
                ("到期日 date", 0, 0),
                vec![("到期日 date", 0, 0), ("{var.到期日}", 0, 5)],
            ),
            (
                "张强",
                ("callee 张强", 0, 7),
                vec![("callee 张强", 0, 7), ("extends 张强", 0, 8)],
            ),
            (
                "忙碌",
                ("callee 忙碌", 0, 7),
                vec![("callee 忙碌", 0, 7), ("extends 忙碌", 0, 8)],
            ),
        ] {
            let def = c.pos(MANY, def.0, def.1, def.2);
            for &(needle, nth, delta) in &places {
                // From the name, and for a placeholder from its brace too.
                let mut from = vec![c.pos(MANY, needle, nth, delta)];
                if needle.starts_with('{') {
                    from.push(c.pos(MANY, needle, nth, 0));
                }
                for position in from {
                    let at = json!({"textDocument": {"uri": URI}, "position": position});
                    let d = c.result("textDocument/definition", at.clone());
                    assert_eq!(d["range"]["start"], def, "{needle}");
                    assert_eq!(c.slice(MANY, &d["range"]), name);
                    let mut with = at.clone();
                    with["context"] = json!({"includeDeclaration": true});
                    let refs = c.result("textDocument/references", with);
                    let refs = refs.as_array().unwrap();
                    assert_eq!(refs.len(), places.len(), "{needle}: {refs:#?}");
                    assert!(refs.iter().all(|r| c.slice(MANY, &r["range"]) == name));
                    let h = c.result("textDocument/documentHighlight", at);
                    let kinds: Vec<i64> = h
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|h| h["kind"].as_i64().unwrap())
                        .collect();
                    assert_eq!(kinds.iter().filter(|k| **k == 3).count(), 1, "one definition, a write");
                    assert_eq!(kinds.len(), places.len());
                }
            }
        }
        c.shutdown();
    }
}

#[test]
fn hover_explains_variables_callees_and_their_words() {
    let mut c = Client::start();
    c.open(MANY);
    let mut hover = |needle: &str, delta: usize| -> (String, String) {
        let at = json!({"textDocument": {"uri": URI}, "position": c.pos(MANY, needle, 0, delta)});
        let h = c.result("textDocument/hover", at);
        (
            h["contents"]["value"].as_str().unwrap_or_default().to_owned(),
            c.slice(MANY, &h["range"]).to_owned(),
        )
    };
    let (h, covered) = hover("{var.到期日}", 6);
    assert_eq!(covered, "{var.到期日}");
    assert_eq!(
        h,
        "**variable** `{var.到期日}` · `date`\n\n- required: every call gives it\n- example `2026-12-31` (said \
         “12月31日”)\n- used once, in step `开场`"
    );
    let (h, covered) = hover("优惠   percent", 0);
    assert_eq!(covered, "优惠");
    assert!(h.contains("- default `8` (said “8%”)"), "{h}");
    let (h, _) = hover("回拨   phone", 0);
    assert!(h.contains("personal data (`pii`)"), "{h}");
    let (h, _) = hover("比价 extends", 0);
    assert!(h.contains("- extends `忙碌` → `张强`"), "{h}");
    assert!(h.contains("- `价格` · primary — 只关心最终价格"), "{h}");
    assert!(
        h.contains("- `条款` · primary — 条款是否有书面明细😀 (from `张强`)"),
        "{h}"
    );
    let (h, covered) = hover("money(CNY)", 0);
    assert_eq!(
        (h.as_str(), covered.as_str()),
        ("**type** `money`\n\nan amount in one currency, `money(CNY)`", "money")
    );
    let (h, _) = hover("example \"张强\"", 0);
    assert!(h.starts_with("keyword `example`") && h.contains("previews"), "{h}");
    let (h, _) = hover("extends 张强", 0);
    assert!(h.starts_with("keyword `extends`"), "{h}");
    let (h, _) = hover("价格 latent", 0);
    assert!(h.contains("`忙碌` · latent\n> 价格之后再看"), "{h}");
    c.shutdown();
}

#[test]
fn completion_knows_variables_callees_and_signal_examples() {
    let mut c = Client::with_capabilities(
        json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}}),
    );
    c.open(MANY);
    let mut version = 1;
    let mut complete =
        |c: &mut Client, old: &str, new: &str, needle: &str, delta: usize, trigger: Option<&str>| -> Value {
            assert!(MANY.contains(old), "{old}");
            let text = MANY.replacen(old, new, 1);
            version += 1;
            c.change(version, json!([{"text": text}]));
            let mut params = json!({"textDocument": {"uri": URI}, "position": c.pos(&text, needle, 0, delta)});
            if let Some(t) = trigger {
                params["context"] = json!({"triggerKind": 2, "triggerCharacter": t});
            }
            c.result("textDocument/completion", params)
        };
    // `{var.` in a line, after Chinese and an emoji: the variables, closing the `}`.
    let items = complete(&mut c, "回拨{var.回拨}", "回拨{var.", "{var.\"", 5, Some("."));
    assert_eq!(
        labels(&items),
        ["var.客户", "var.到期日", "var.优惠", "var.费用", "var.套餐", "var.回拨"]
    );
    assert_eq!(items[1]["detail"], "date · example 2026-12-31");
    assert_eq!(items[1]["kind"], 6, "a variable");
    assert_eq!(items[1]["textEdit"]["newText"], "var.到期日}");
    let text = MANY.replacen("回拨{var.回拨}", "回拨{var.", 1);
    assert_eq!(c.slice(&text, &items[1]["textEdit"]["range"]), "var.");
    // A variable's id, then its type (`money(…)` as a snippet), then the words of its line.
    let items = complete(&mut c, "回拨   phone", "回拨   ", "回拨   ", 5, Some(" "));
    let money = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "money(…)")
        .unwrap();
    assert_eq!(
        (money["insertTextFormat"].clone(), money["textEdit"]["newText"].clone()),
        (json!(2), json!("money(${1:CNY})"))
    );
    let items = complete(
        &mut c,
        "required example \"张强\"",
        "required ",
        "required  \"",
        9,
        None,
    );
    assert_eq!(labels(&items), ["example", "pii"]);
    assert_eq!(items[0]["textEdit"]["newText"], "example \"$0\"");
    // A space after the type does not pop the list up: the line is complete.
    let items = complete(
        &mut c,
        "回拨   phone              optional pii",
        "回拨 phone ",
        "phone \n",
        6,
        Some(" "),
    );
    assert_eq!(items, Value::Null);
    let items = complete(&mut c, "default 标准", "default ", "default \n", 8, Some(" "));
    assert_eq!(labels(&items), ["标准", "高级"]);
    // `extends `: the callees it may extend; in a signal's braces, `example`.
    let items = complete(&mut c, "忙碌 extends 张强", "忙碌 extends ", "extends  {", 8, Some(" "));
    assert_eq!(labels(&items), ["张强"]);
    assert_eq!(items[0]["kind"], 7, "a class");
    assert_eq!(items[0]["detail"], "{var.客户}");
    let items = complete(
        &mut c,
        "    example \"在开会😀\"\n",
        "    example \"在开会😀\"\n    \n",
        "    \n  }\n  vars",
        4,
        None,
    );
    assert_eq!(labels(&items)[0], "example");
    c.shutdown();
}

#[test]
fn rename_follows_variables_and_callees() {
    let mut c = Client::start();
    c.open(MANY);
    let mut params = json!({"textDocument": {"uri": URI}, "position": c.pos(MANY, "{var.客户}", 1, 6)});
    let prepared = c.result("textDocument/prepareRename", params.clone());
    assert_eq!(prepared["placeholder"], "客户");
    assert_eq!(c.slice(MANY, &prepared["range"]), "客户");
    params["newName"] = json!("customer_name");
    let edits = c.result("textDocument/rename", params)["changes"][URI]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        c.apply(MANY, &edits),
        MANY.replace("客户   text", "customer_name   text")
            .replace("{var.客户}", "{var.customer_name}")
    );
    let mut params = c.at(MANY, "回拨   phone", 0);
    params["newName"] = json!("pii");
    let (code, msg) = c.error("textDocument/rename", params);
    assert_eq!(code, -32803);
    assert!(msg.contains("a word of a variable's line"), "{msg}");
    let mut params = json!({"textDocument": {"uri": URI}, "position": c.pos(MANY, "extends 张强", 0, 8)});
    params["newName"] = json!("zhang");
    let edits = c.result("textDocument/rename", params)["changes"][URI]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        c.apply(MANY, &edits),
        MANY.replace("callee 张强", "callee zhang")
            .replace("extends 张强", "extends zhang")
    );
    let (_, msg) = c.error("textDocument/prepareRename", c.at(MANY, "extends 张强", 0));
    assert!(msg.contains("`extends` is a keyword here"), "{msg}");
    c.shutdown();
}

#[test]
fn the_outline_holds_variables_and_every_callee() {
    let mut c = Client::start();
    c.open(MANY);
    let s = c.result("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    let top = s[0]["children"].as_array().unwrap();
    let named: Vec<(&str, &str)> = top
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["detail"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        named[1..6],
        [
            ("张强", "callee · {var.客户}"),
            ("忙碌", "callee extends 张强"),
            ("比价", "callee extends 忙碌"),
            ("忙", "张强说忙😀 (2 examples)"),
            ("vars", ""),
        ]
    );
    let vars = &top[5];
    assert_eq!(vars["children"].as_array().unwrap().len(), 6);
    assert_eq!(vars["children"][2]["kind"], 13, "a variable");
    assert_eq!(vars["children"][2]["detail"], "percent · default 8");
    assert_eq!(c.slice(MANY, &vars["children"][2]["selectionRange"]), "优惠");
    c.shutdown();
}

#[test]
fn the_fixes_of_variables_and_callees_are_quick_fixes() {
    let mut c = Client::start();
    c.open(MANY);
    for (version, (old, new, title)) in [
        (
            "到期日 date               required example \"2026-12-31\"",
            "到期日 date               required",
            "Insert `example \"2026-12-31\"`",
        ),
        (
            "{var.到期日}",
            "{var.到其日}",
            "Replace `{var.到其日}` with `{var.到期日}`",
        ),
        ("extends 张强", "extends 张墙", "Replace `张墙` with `张强`"),
        ("优惠   percent", "优惠   pct", "Replace `pct` with `percent`"),
    ]
    .into_iter()
    .enumerate()
    {
        let text = MANY.replacen(old, new, 1);
        c.change(i32::try_from(version).unwrap() + 2, json!([{"text": text}]));
        let diags = c.diagnostics(URI);
        let with_fix: Vec<&Value> = diags.iter().filter(|d| !d["data"]["fix"].is_null()).collect();
        assert_eq!(with_fix.len(), 1, "{new}: {diags:#?}");
        let params = json!({"textDocument": {"uri": URI}, "range": with_fix[0]["range"], "context": {"diagnostics": [with_fix[0]]}});
        let actions = c.result("textDocument/codeAction", params);
        assert_eq!(actions[0]["title"], title, "{new}");
        assert_eq!(actions[0]["kind"], "quickfix");
        let fixed = c.apply(&text, actions[0]["edit"]["changes"][URI].as_array().unwrap());
        let check = callc::compile("t.call", fixed.as_bytes(), &LintLevels::default());
        assert!(check.diagnostics.is_empty(), "{new}: {:#?}", check.diagnostics);
        if version > 0 {
            assert_eq!(fixed, MANY, "{new}");
        }
    }
    // An unused variable is shown faded.
    let text = MANY.replacen("回拨{var.回拨}", "", 1);
    c.change(10, json!([{"text": text}]));
    let diags = c.diagnostics(URI);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        (diags[0]["code"].clone(), diags[0]["tags"].clone()),
        (json!("W0218"), json!([1]))
    );
    assert_eq!(c.slice(&text, &diags[0]["range"]), "回拨");
    c.shutdown();
}

#[test]
fn semantic_tokens_colour_variable_lines_and_callees() {
    for enc_caps in [json!({}), json!({"positionEncodings": ["utf-8", "utf-16"]})] {
        let mut c = Client::with_capabilities(json!({"general": enc_caps}));
        let types: Vec<String> = c.init["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(c.open(MANY), Vec::<Value>::new());
        let tokens = decode(
            &c.result(
                "textDocument/semanticTokens/full",
                json!({"textDocument": {"uri": URI}}),
            )["data"],
        );
        for (needle, nth, kind, modifiers, covered) in [
            ("客户   text", 0, "variable", 1, "客户"),
            ("text ", 0, "type", 2, "text"),
            ("required", 0, "keyword", 0, "required"),
            ("example \"张强\"", 0, "keyword", 0, "example"),
            ("example \"我", 0, "property", 0, "example"),
            ("CNY", 0, "enumMember", 0, "CNY"),
            ("pii", 0, "keyword", 0, "pii"),
            ("{var.到期日}", 0, "variable", 0, "{var.到期日}"),
            ("extends", 0, "keyword", 0, "extends"),
            ("张强 {", 1, "class", 0, "张强"),
            ("忙碌 extends", 0, "class", 1, "忙碌"),
        ] {
            let p = c.pos(MANY, needle, nth, 0);
            let (line, col) = (p["line"].as_u64().unwrap(), p["character"].as_u64().unwrap());
            let t = tokens
                .iter()
                .find(|t| t.0 == line && t.1 == col)
                .unwrap_or_else(|| panic!("no token at {needle}"));
            let end = json!({"line": t.0, "character": t.1 + t.2});
            assert_eq!(
                (
                    types[usize::try_from(t.3).unwrap()].as_str(),
                    t.4,
                    c.slice(MANY, &json!({"start": p, "end": end}))
                ),
                (kind, modifiers, covered),
                "{needle}"
            );
        }
        c.shutdown();
    }
}
