//! The language server's transport, through the built binary over pipes:
//! raw bytes that are not what the base protocol says — a body that is not
//! JSON, a batch, bad UTF-8, JSON that is not a message, a `Content-Length`
//! of gigabytes or of 2⁶⁴ − 1, no `Content-Length` at all — and a spec
//! whose diagnostics would make one huge `publishDiagnostics`. After each,
//! the server answers the next request at once and, at the end, exits
//! cleanly: none of these may end it.
//!
//! `tests/lsp.rs` tests the features in-process; this file needs the real
//! standard input and output, so it runs `callc lsp`.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use callc::lsp::diagnostics::{MAX_LABEL_BYTES, MAX_MESSAGE_BYTES, MAX_PUBLISHED};
use callc::lsp::transport::MAX_MESSAGE_BYTES as MAX_BODY;
use serde_json::{Value, json};

/// How long a reply may take before the test fails (a guard against a
/// server that died or hangs, not a speed measurement: that is [`PROMPT`]).
const TIMEOUT: Duration = Duration::from_secs(30);

/// How soon the request after a bad message must be answered. The server
/// answers in a few milliseconds; the margin is for a loaded machine and a
/// debug build.
const PROMPT: Duration = Duration::from_millis(500);

const URI: &str = "file:///work/%E7%BB%AD%E7%BA%A6.call";

/// A small spec with Chinese ids and text.
const SPEC: &str = r#"call 续约 {
  locale "zh-CN"
  caller 李明 { name "李明" org "长江公司" }
  callee 张强 { name "张强" concern 价格 primary "价格是否透明" }
  flow {
    step 开场 "开场问候" covers 价格 { say "您好，我是长江公司的李明。" next 报价 }
    step 报价 "说明价格" { say "提前续约享8%专属优惠。" -> end }
  }
  end { closing "再见" }
}
"#;

/// One message from the server: its `Content-Length` and its body.
type Frame = (usize, Value);

struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    frames: Receiver<Frame>,
    stderr: Option<JoinHandle<String>>,
    next_id: i64,
    /// Messages received while waiting for another.
    seen: Vec<Value>,
}

/// Reads the server's frames; the channel closes when its output ends.
fn read_frames(out: impl Read + Send + 'static) -> Receiver<Frame> {
    let (tx, rx) = channel();
    thread::spawn(move || {
        let mut out = BufReader::new(out);
        loop {
            let mut len = None;
            loop {
                let mut line = String::new();
                if out.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                let (name, value) = line.split_once(':').expect("a header from the server");
                if name.eq_ignore_ascii_case("content-length") {
                    len = Some(value.trim().parse::<usize>().expect("a length"));
                }
            }
            let len = len.expect("the server always sends Content-Length");
            let mut body = vec![0; len];
            if out.read_exact(&mut body).is_err() {
                return;
            }
            let value = serde_json::from_slice(&body).expect("the server writes JSON");
            if tx.send((len, value)).is_err() {
                return;
            }
        }
    });
    rx
}

impl Server {
    /// Starts `callc lsp`, initialises it and opens [`SPEC`].
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_callc"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("callc lsp starts");
        let frames = read_frames(child.stdout.take().unwrap());
        let mut stderr = child.stderr.take().unwrap();
        let stderr = thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        let mut s = Self {
            stdin: child.stdin.take(),
            child,
            frames,
            stderr: Some(stderr),
            next_id: 0,
            seen: Vec::new(),
        };
        let init = s.request("initialize", json!({"processId": null, "capabilities": {}}));
        assert!(init["result"]["capabilities"].is_object(), "{init}");
        s.notify("initialized", json!({}));
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "call", "version": 1, "text": SPEC}}),
        );
        s
    }

    fn raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("the server reads its input");
        stdin.flush().unwrap();
    }

    fn frame(&mut self, body: &[u8]) {
        let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        bytes.extend_from_slice(body);
        self.raw(&bytes);
    }

    #[allow(clippy::needless_pass_by_value)] // Called with `json!` literals.
    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params}).to_string();
        self.frame(body.as_bytes());
    }

    #[allow(clippy::needless_pass_by_value)] // Called with `json!` literals.
    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
        self.frame(body.as_bytes());
        id
    }

    /// The next message for which `want` holds; others are kept in `seen`.
    fn wait(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Frame {
        if let Some(i) = self.seen.iter().position(&want) {
            let v = self.seen.remove(i);
            return (v.to_string().len(), v);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.frames.recv_timeout(left) {
                Ok((len, v)) if want(&v) => return (len, v),
                Ok((_, v)) => self.seen.push(v),
                Err(RecvTimeoutError::Timeout) => panic!("no {what} within {TIMEOUT:?}; {}", self.died()),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server's output ended before {what}; {}", self.died())
                }
            }
        }
    }

    /// What became of the process, for a failure message.
    fn died(&mut self) -> String {
        let _ = self.child.kill();
        let status = self.child.wait().unwrap();
        let stderr = self.stderr.take().map(|h| h.join().unwrap()).unwrap_or_default();
        format!("status {status}, stderr:\n{stderr}")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.wait(&format!("reply to `{method}`"), |v| {
            v["id"] == id && v.get("method").is_none()
        })
        .1
    }

    /// The error reply with `id` (a value, `null` included).
    fn error_reply(&mut self, id: &Value) -> Value {
        let (_, v) = self.wait(&format!("an error reply with id {id}"), |v| {
            v.get("method").is_none() && v.get("id") == Some(id) && v.get("error").is_some()
        });
        v["error"].clone()
    }

    /// A hover on `报价`, answered with its text: the server is alive, and prompt.
    fn hover_works(&mut self) -> Duration {
        let line = SPEC.lines().position(|l| l.contains("step 报价")).unwrap();
        let character = SPEC.lines().nth(line).unwrap().find("报价").unwrap();
        let character = SPEC.lines().nth(line).unwrap()[..character].encode_utf16().count();
        let t = Instant::now();
        let r = self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}),
        );
        let took = t.elapsed();
        let text = r["result"]["contents"].to_string();
        assert!(text.contains("说明价格"), "{r}");
        eprintln!("hover answered in {took:?}");
        assert!(took < PROMPT, "the hover after a bad message took {took:?}");
        took
    }

    /// `shutdown`, `exit`, and the process ends with status 0; returns its standard error.
    fn shutdown(mut self) -> String {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "the server did not exit; {}", self.died());
            thread::sleep(Duration::from_millis(5));
        };
        let stderr = self.stderr.take().unwrap().join().unwrap();
        assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
        stderr
    }

    /// The server's peak resident memory in bytes, where Linux tells it.
    fn peak_memory(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

#[test]
fn a_body_that_is_not_json_gets_a_parse_error_and_the_server_goes_on() {
    let mut s = Server::start();
    for body in [
        &br#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"#[..],
        "你好，这不是 JSON".as_bytes(),
        b"",
        &vec![b'['; 10_000],
    ] {
        s.frame(body);
        let e = s.error_reply(&Value::Null);
        assert_eq!(e["code"], PARSE_ERROR, "{e}");
        assert!(e["message"].as_str().unwrap().contains("not valid JSON"), "{e}");
        s.hover_works();
    }
    let stderr = s.shutdown();
    assert!(stderr.contains("not valid JSON"), "{stderr}");
}

#[test]
fn a_body_that_is_not_utf8_gets_a_parse_error_and_the_server_goes_on() {
    let mut s = Server::start();
    // GBK bytes of 你好 where UTF-8 is expected, then a lone continuation byte.
    s.frame(b"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"textDocument/hover\",\"params\":\"\xC4\xE3\xBA\xC3\"}");
    let e = s.error_reply(&Value::Null);
    assert_eq!(e["code"], PARSE_ERROR);
    assert!(e["message"].as_str().unwrap().contains("UTF-8"), "{e}");
    s.hover_works();
    s.frame(b"\x80");
    assert_eq!(s.error_reply(&Value::Null)["code"], PARSE_ERROR);
    s.hover_works();
    s.shutdown();
}

#[test]
fn a_batch_gets_invalid_request_and_the_server_goes_on() {
    let mut s = Server::start();
    s.frame(br#"[{"jsonrpc":"2.0","id":90,"method":"shutdown"},{"jsonrpc":"2.0","method":"exit"}]"#);
    let e = s.error_reply(&Value::Null);
    assert_eq!(e["code"], INVALID_REQUEST);
    assert!(e["message"].as_str().unwrap().contains("batch"), "{e}");
    s.hover_works();
    s.frame(b"[]");
    assert_eq!(s.error_reply(&Value::Null)["code"], INVALID_REQUEST);
    s.hover_works();
    // The batch's `shutdown` was not carried out: the server still answers.
    s.shutdown();
}

#[test]
fn json_that_is_not_a_message_gets_invalid_request_with_its_id() {
    let mut s = Server::start();
    for (body, id) in [
        (r#"{"jsonrpc":"2.0","id":77}"#, json!(77)),
        (r#"{"jsonrpc":"2.0","id":"请求-1","method":42}"#, json!("请求-1")),
        (
            r#"{"jsonrpc":"2.0","id":4294967296,"method":"textDocument/hover"}"#,
            json!(4_294_967_296_u64),
        ),
        (r#"{"jsonrpc":"2.0","id":{"对象":1},"method":"shutdown"}"#, Value::Null),
        (r#""只是一个字符串""#, Value::Null),
    ] {
        s.frame(body.as_bytes());
        let e = s.error_reply(&id);
        assert_eq!(e["code"], INVALID_REQUEST, "{body}: {e}");
        s.hover_works();
    }
    // A malformed notification is logged, not answered: the next reply is the hover's.
    s.frame(r#"{"jsonrpc":"2.0","method":["通知"]}"#.as_bytes());
    s.hover_works();
    assert!(
        !s.seen.iter().any(|v| v.get("error").is_some()),
        "a notification was answered: {:?}",
        s.seen
    );
    let (_, log) = s.wait("a log message", |v| {
        v["method"] == "window/logMessage" && v["params"]["message"].as_str().unwrap().contains("通知")
    });
    assert!(
        log["params"]["message"].as_str().unwrap().contains("notification"),
        "{log}"
    );
    s.shutdown();
}

/// After each `Content-Length` (header only; no gigabytes are sent), a short
/// body follows, then a valid message: the server refuses the length from the
/// header, answers, finds the next header and answers the next request.
#[test]
fn a_huge_content_length_is_refused_from_its_header() {
    let mut s = Server::start();
    for len in ["4000000000", "20000000000", "18446744073709551615"] {
        s.raw(format!("Content-Length: {len}\r\n\r\n{{\"jsonrpc\":\"2.0\",\"method\":\"中文\"}}").as_bytes());
        let e = s.error_reply(&Value::Null);
        assert_eq!(e["code"], INVALID_REQUEST, "{len}: {e}");
        assert!(e["message"].as_str().unwrap().contains(len), "{e}");
        s.hover_works();
    }
    if let Some(peak) = s.peak_memory() {
        assert!(peak < 256 << 20, "peak memory {peak} bytes: a length was allocated");
    }
    s.shutdown();
}

/// A body over the limit but not absurdly so is read and dropped in chunks,
/// exactly: a header inside it is not taken for the next message.
#[test]
fn a_body_over_the_limit_is_discarded_exactly_and_the_stream_stays_in_sync() {
    let mut s = Server::start();
    let len = MAX_BODY + 1;
    let inner = r#"{"jsonrpc":"2.0","id":999,"method":"shutdown"}"#;
    let mut body = format!("Content-Length: {}\r\n\r\n{inner}", inner.len()).into_bytes();
    body.resize(len, b' ');
    s.raw(format!("Content-Length: {len}\r\n\r\n").as_bytes());
    let e = s.error_reply(&Value::Null);
    assert_eq!(e["code"], INVALID_REQUEST, "{e}");
    // The reply came before the body: the server did not wait for it.
    s.raw(&body);
    s.hover_works();
    assert!(!s.seen.iter().any(|v| v["id"] == 999), "{:?}", s.seen);
    if let Some(peak) = s.peak_memory() {
        assert!(peak < 64 << 20, "peak memory {peak} bytes: the refused body was kept");
    }
    s.shutdown();
}

#[test]
fn bad_framing_is_reported_and_the_next_header_is_found() {
    let mut s = Server::start();
    let shutdown = r#"{"jsonrpc":"2.0","id":500,"method":"shutdown"}"#;
    for headers in [
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n".to_owned(),
        format!("Content-Length: {0}\r\nContent-Length: {0}\r\n", shutdown.len()),
        "Content-Length: 四十六\r\n".to_owned(),
        "Content-Length: 99999999999999999999999\r\n".to_owned(),
        "Content-Length: -46\r\n".to_owned(),
        "这不是一个头\r\n".to_owned(),
    ] {
        // The body is a `shutdown` that must not be carried out: its length is unknown.
        s.raw(format!("{headers}\r\n{shutdown}").as_bytes());
        let e = s.error_reply(&Value::Null);
        assert_eq!(e["code"], PARSE_ERROR, "{headers}: {e}");
        assert!(e["message"].as_str().unwrap().contains("framing"), "{e}");
        s.hover_works();
        assert!(!s.seen.iter().any(|v| v["id"] == 500), "{headers}");
    }
    // A header line that never ends.
    s.raw(&vec![b'X'; 100_000]);
    s.raw(b"\r\n\r\n");
    assert_eq!(s.error_reply(&Value::Null)["code"], PARSE_ERROR);
    s.hover_works();
    s.shutdown();
}

#[test]
fn lost_framing_at_the_end_of_the_input_ends_the_server_as_a_client_that_went_away() {
    let mut s = Server::start();
    s.hover_works();
    s.raw(b"Content-Length: 20000000000\r\n\r\n{\"jsonrpc\":");
    assert_eq!(s.error_reply(&Value::Null)["code"], INVALID_REQUEST);
    drop(s.stdin.take());
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not end");
        thread::sleep(Duration::from_millis(5));
    };
    // No `shutdown` before the end: status 1, as the protocol says, not a crash.
    assert_eq!(status.code(), Some(1));
}

/// 5,000 steps, each going to a step that does not exist (ten of them with
/// ids of 100 KB of Chinese): about 10,000 diagnostics, some quoting 100 KB.
fn spec_with_many_diagnostics() -> String {
    let mut s = String::from(
        "call 大 {\n  locale \"zh-CN\"\n  caller a { name \"李明\" }\n  callee b { name \"张强\" concern 价格 primary \"价格\" }\n  flow {\n",
    );
    let huge = "长".repeat(100_000 / 3);
    for i in 0..5000 {
        let target = if i < 10 {
            format!("{huge}{i}")
        } else {
            format!("未知{i}")
        };
        let _ = writeln!(
            s,
            "    step 步骤{i} \"标题{i}\" covers 价格 {{ say \"您好，第{i}步\" next {target} }}"
        );
    }
    s.push_str("  }\n  end { closing \"再见\" }\n}\n");
    s
}

#[test]
fn many_diagnostics_quoting_huge_ids_make_one_bounded_publish() {
    let text = spec_with_many_diagnostics();
    let uri = "file:///work/%E5%A4%A7.call";
    let mut s = Server::start();
    let t = Instant::now();
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "call", "version": 1, "text": text}}),
    );
    let (len, n) = s.wait("the big spec's diagnostics", |v| {
        v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
    });
    let took = t.elapsed();
    eprintln!("{} bytes of spec: {len} bytes of diagnostics in {took:?}", text.len());
    let list = n["params"]["diagnostics"].as_array().unwrap();
    assert_eq!(list.len(), MAX_PUBLISHED);
    // Mostly short messages; the ten that quote 100 KB ids are cut to 2 KiB (and their labels to 512 bytes).
    assert!(len < 1 << 20, "publishDiagnostics of {len} bytes");
    for d in list {
        let message = d["message"].as_str().unwrap();
        assert!(message.len() <= MAX_MESSAGE_BYTES, "{} bytes", message.len());
        if let Some(label) = d["data"]["label"].as_str() {
            assert!(label.len() <= MAX_LABEL_BYTES);
        }
    }
    // Errors first, and the ids of 100 KB cut on a character boundary.
    assert!(list[..MAX_PUBLISHED - 1].iter().all(|d| d["code"] == "E0102"));
    assert!(
        list[0]["message"].as_str().unwrap().contains("长长长…"),
        "{}",
        list[0]["message"]
    );
    let last = list.last().unwrap()["message"].as_str().unwrap();
    assert!(last.contains("more diagnostics are not shown"), "{last}");
    s.hover_works();
    s.shutdown();
}

#[test]
fn an_unknown_method_is_quoted_in_part() {
    // The method name is the client's text: a 1 MB one made a 1 MB reply.
    let mut s = Server::start();
    let method = format!("callc/{}", "方法".repeat(200_000));
    let id = s.send_request(&method, json!({}));
    let (len, v) = s.wait("the reply to an unknown method", |v| v["id"] == id);
    assert_eq!(v["error"]["code"], -32601, "{v}");
    assert!(len < 4096, "a {len}-byte reply");
    s.hover_works();
    s.shutdown();
}
