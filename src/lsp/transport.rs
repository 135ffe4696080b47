//! The base protocol, read and written by callc itself: `Content-Length`
//! framing on a byte stream, turned into `lsp_server::Message`s on the same
//! channels a `lsp_server::Connection` has, so [`super::serve`] does not know
//! the difference.
//!
//! `lsp_server::Connection::stdio()` trusts its input: a body that is not
//! JSON (or not UTF-8, or a batch) ends the server without a reply, and a
//! large `Content-Length` is allocated (and zero-filled) before a byte of the
//! body is read. This transport never ends on bad input and never allocates
//! more than the bytes that actually arrive:
//!
//! - a body over [`MAX_MESSAGE_BYTES`] is refused from its header, before
//!   anything is allocated: answered with `InvalidRequest` (`id: null`), and
//!   read and discarded in small chunks if it is at most
//!   [`MAX_DISCARD_BYTES`] long; a longer `Content-Length` is taken for a
//!   corrupt header and the framing for lost;
//! - a missing, repeated, non-numeric or overflowing `Content-Length`, a
//!   header line without `:` or longer than [`MAX_HEADER_LINE`]: the
//!   framing is lost; the client gets a `ParseError` (`id: null`);
//! - when the framing is lost, the input is scanned for the next
//!   `Content-Length:` (in any case) and read from there;
//! - a body that is not UTF-8 or not JSON gets `ParseError` with `id: null`;
//!   JSON that is not a message (a batch, no `method`, an id that is neither
//!   a 32-bit integer nor a string) gets `InvalidRequest` with its id when
//!   it has a readable one; a malformed notification is only logged.
//!
//! Everything dropped is logged on standard error and, for the client's
//! log, in a `window/logMessage`. docs/lsp.md ("Robustness") has the rules.

// The language server's IO (clippy.toml): the transport owns standard input and output.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::borrow::Cow;
use std::io::{self, BufWriter, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, bounded};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use serde_json::{Value, json};

use crate::source::MAX_SOURCE_BYTES;

/// The largest body read, in bytes: 97 MiB.
///
/// The largest document the server checks is [`MAX_SOURCE_BYTES`] (16 MiB;
/// a larger one only gets E0003). In JSON a byte of text takes at most six
/// bytes: a control character is written `\u001f`. (A non-ASCII character
/// written as `\uXXXX`, or as a surrogate pair, takes at most three bytes
/// per byte of its UTF-8.) So a `didOpen` or a whole-text `didChange` of the
/// largest document fits in 6 × 16 MiB; 1 MiB more leaves room for the URI,
/// the other fields and the envelope.
pub const MAX_MESSAGE_BYTES: usize = 6 * MAX_SOURCE_BYTES + (1 << 20);

/// The longest refused body that is read and discarded, in bytes (1 GiB).
///
/// A client may really send a message over [`MAX_MESSAGE_BYTES`] (a huge
/// file opened by mistake); discarding it keeps the stream in sync even if
/// its text holds `Content-Length:` itself, and reading a GiB from a pipe
/// takes about a second. A longer `Content-Length` (4 GB, 2⁶⁴ − 1) is far
/// more likely a corrupt header than a real message, and discarding it would
/// swallow every message that follows: the framing is taken for lost and the
/// input scanned for the next header instead.
pub const MAX_DISCARD_BYTES: u64 = 1 << 30;

/// The longest header line, in bytes (real ones are under 100).
pub const MAX_HEADER_LINE: usize = 4096;

/// What the scan for the next message looks for, in ASCII lower case.
const HEADER: &[u8] = b"content-length:";

/// The size of the read buffer.
const BUFFER: usize = 64 * 1024;

/// The longest excerpt of a bad message quoted in a log line, in characters.
const EXCERPT: usize = 80;

/// The limits of one transport (the tests use small ones).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Bodies over this many bytes are refused.
    pub max_body: usize,
    /// Refused bodies up to this many bytes are discarded; longer ones lose the framing.
    pub max_discard: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body: MAX_MESSAGE_BYTES,
            max_discard: MAX_DISCARD_BYTES,
        }
    }
}

/// One framed unit of input.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A whole body, exactly `Content-Length` bytes.
    Body(Vec<u8>),
    /// A `Content-Length` over [`Limits::max_body`]. If `discard`, the caller
    /// must call [`Framer::discard`] with `len` to stay in sync; otherwise the
    /// framing is lost and the next frame comes from the scan.
    TooLarge {
        /// The `Content-Length`.
        len: u64,
        /// Whether the body is to be discarded (else it is scanned past).
        discard: bool,
    },
    /// The framing is lost, for this reason; the next frame comes from the scan.
    Lost(String),
    /// The input ended (or could not be read): the client went away.
    End,
}

/// Reads frames from a byte stream, through a buffer of its own so that a
/// bad header line can be scanned again for the next `Content-Length:`.
pub struct Framer<R> {
    input: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    /// The framing is lost: scan for the next header, skipping `skip` bytes first.
    lost: Option<usize>,
    limits: Limits,
}

/// The end of the next line, or why there is none.
enum Line {
    /// The line is `buf[start..start + len]`, followed by its `\n`.
    Found(usize),
    TooLong,
    End,
}

impl<R: Read> Framer<R> {
    /// A framer over `input` with the given limits.
    pub fn new(input: R, limits: Limits) -> Self {
        Self {
            input,
            buf: vec![0; BUFFER].into_boxed_slice(),
            start: 0,
            end: 0,
            lost: None,
            limits,
        }
    }

    /// Reads more input after what is buffered; `false` at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Finds the next line feed, reading as needed, without consuming anything.
    fn line(&mut self) -> io::Result<Line> {
        let mut searched = 0;
        loop {
            let available = &self.buf[self.start..self.end];
            if let Some(i) = memchr::memchr(b'\n', &available[searched..]) {
                let len = searched + i;
                return Ok(if len > MAX_HEADER_LINE {
                    Line::TooLong
                } else {
                    Line::Found(len)
                });
            }
            searched = available.len();
            if searched > MAX_HEADER_LINE {
                return Ok(Line::TooLong);
            }
            if !self.fill()? {
                return Ok(Line::End);
            }
        }
    }

    /// Moves to the next `Content-Length:` (in any case), skipping `skip`
    /// bytes first; `false` if the input ends before one.
    fn scan(&mut self, mut skip: usize) -> io::Result<bool> {
        loop {
            let available = &self.buf[self.start..self.end];
            let from = skip.min(available.len());
            if let Some(i) = find_header(&available[from..]) {
                self.start += from + i;
                return Ok(true);
            }
            // Keep the tail that could be the beginning of a header.
            let drop = available.len().saturating_sub(HEADER.len() - 1).max(from);
            self.start += drop;
            skip = from - drop.min(from);
            if !self.fill()? {
                return Ok(false);
            }
        }
    }

    /// Loses the framing: the next frame comes from the scan, which starts
    /// `skip` bytes after the current position.
    fn lose(&mut self, skip: usize, reason: String) -> Frame {
        self.lost = Some(skip);
        Frame::Lost(reason)
    }

    /// The next frame. Input errors count as the end of the input.
    pub fn next_frame(&mut self) -> Frame {
        self.try_next().unwrap_or_else(|e| {
            eprintln!("callc: reading the client's messages failed: {e}");
            Frame::End
        })
    }

    fn try_next(&mut self) -> io::Result<Frame> {
        if let Some(skip) = self.lost.take()
            && !self.scan(skip)?
        {
            return Ok(Frame::End);
        }
        let mut length: Option<u64> = None;
        let mut first = true;
        loop {
            let len = match self.line()? {
                Line::Found(len) => len,
                Line::TooLong => {
                    return Ok(self.lose(1, format!("a header line longer than {MAX_HEADER_LINE} bytes")));
                }
                Line::End => return Ok(Frame::End),
            };
            let raw = &self.buf[self.start..self.start + len];
            let line = raw.strip_suffix(b"\r").unwrap_or(raw);
            if line.is_empty() {
                self.start += len + 1;
                if first {
                    // A stray line break between messages.
                    continue;
                }
                break;
            }
            first = false;
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                return Ok(self.lose(1, format!("a header line without `:`: {}", excerpt(line))));
            };
            let name = &line[..colon];
            let value = line[colon + 1..].trim_ascii();
            if name.is_empty() || !name.iter().all(|&b| is_token(b)) {
                return Ok(self.lose(1, format!("a malformed header line: {}", excerpt(line))));
            }
            if name.eq_ignore_ascii_case(b"content-length") {
                if length.is_some() {
                    return Ok(self.lose(1, "two `Content-Length` headers".to_owned()));
                }
                match parse_length(value) {
                    Ok(n) => length = Some(n),
                    Err(why) => return Ok(self.lose(1, why)),
                }
            } else if name.eq_ignore_ascii_case(b"content-type") {
                check_content_type(value);
            }
            // Other headers mean nothing to the protocol: ignored.
            self.start += len + 1;
        }
        let Some(len) = length else {
            return Ok(self.lose(0, "a message without a `Content-Length` header".to_owned()));
        };
        match usize::try_from(len) {
            Ok(n) if n <= self.limits.max_body => Ok(self.body(n)?.map_or(Frame::End, Frame::Body)),
            _ if len <= self.limits.max_discard => Ok(Frame::TooLarge { len, discard: true }),
            _ => {
                self.lost = Some(0);
                Ok(Frame::TooLarge { len, discard: false })
            }
        }
    }

    /// Reads a body of `len` bytes, growing the buffer only as bytes arrive;
    /// `None` if the input ends first.
    fn body(&mut self, len: usize) -> io::Result<Option<Vec<u8>>> {
        let buffered = (self.end - self.start).min(len);
        let mut body = Vec::with_capacity(buffered);
        body.extend_from_slice(&self.buf[self.start..self.start + buffered]);
        self.start += buffered;
        let rest = (len - buffered) as u64;
        (&mut self.input).take(rest).read_to_end(&mut body)?;
        Ok((body.len() == len).then_some(body))
    }

    /// Reads and drops `len` bytes in chunks; `false` if the input ends first.
    pub fn discard(&mut self, len: u64) -> bool {
        let buffered = (self.end - self.start).min(usize::try_from(len).unwrap_or(usize::MAX));
        self.start += buffered;
        let rest = len - buffered as u64;
        match io::copy(&mut (&mut self.input).take(rest), &mut io::sink()) {
            Ok(n) => n == rest,
            Err(e) => {
                eprintln!("callc: reading the client's messages failed: {e}");
                false
            }
        }
    }
}

/// The first `Content-Length:` in `bytes`, in any case.
fn find_header(bytes: &[u8]) -> Option<usize> {
    memchr::memchr2_iter(b'c', b'C', bytes).find(|&i| {
        bytes
            .get(i..i + HEADER.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(HEADER))
    })
}

/// A character allowed in a header name (RFC 9110's `tchar`).
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The value of `Content-Length`: decimal digits that fit in 64 bits.
fn parse_length(value: &[u8]) -> Result<u64, String> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return Err(format!("`Content-Length: {}` is not a number", excerpt(value)));
    }
    value.iter().try_fold(0u64, |n, &d| {
        n.checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(d - b'0')))
            .ok_or_else(|| format!("`Content-Length: {}` does not fit in 64 bits", excerpt(value)))
    })
}

/// The body is read as UTF-8 whatever the header says; other charsets are logged.
fn check_content_type(value: &[u8]) {
    let value = String::from_utf8_lossy(value).to_ascii_lowercase();
    let charset = value
        .split(';')
        .find_map(|p| p.trim().strip_prefix("charset="))
        .map(|c| c.trim_matches('"'));
    if let Some(c) = charset
        && c != "utf-8"
        && c != "utf8"
    {
        eprintln!("callc: `Content-Type` says charset `{c}`; messages are read as UTF-8");
    }
}

/// A short, printable excerpt of bytes for a log line: at most [`EXCERPT`]
/// characters, control characters escaped, in backquotes.
fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(EXCERPT * 4)]);
    let mut out = String::from("`");
    for c in text.chars().take(EXCERPT) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if text.chars().nth(EXCERPT).is_some() || bytes.len() > EXCERPT * 4 {
        out.push('…');
    }
    out.push('`');
    out
}

/// Why a body was not passed on.
#[derive(Debug)]
pub enum Rejected {
    /// Answer with an error response to `id` (`null` when it cannot be read).
    Answer {
        /// The request's id, or `null`.
        id: Value,
        /// `ParseError` or `InvalidRequest`.
        code: ErrorCode,
        /// What was wrong.
        message: String,
    },
    /// A malformed notification or response: logged, not answered.
    Drop(String),
}

/// A body as a message, or why it is not one.
///
/// # Errors
/// Bad UTF-8 or JSON ([`ErrorCode::ParseError`]), JSON that is not a
/// message ([`ErrorCode::InvalidRequest`]), a malformed notification or
/// response ([`Rejected::Drop`]).
pub fn decode(body: &[u8]) -> Result<Message, Rejected> {
    let parse_error = |message: String| Rejected::Answer {
        id: Value::Null,
        code: ErrorCode::ParseError,
        message,
    };
    let text = std::str::from_utf8(body).map_err(|e| parse_error(format!("the message is not valid UTF-8: {e}")))?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| parse_error(format!("the message is not valid JSON: {e}")))?;
    message(value)
}

/// A JSON value as a message: a request, a notification or a response.
fn message(value: Value) -> Result<Message, Rejected> {
    let invalid = |id: Option<Value>, message: String| Rejected::Answer {
        id: id.map_or(Value::Null, echo),
        code: ErrorCode::InvalidRequest,
        message,
    };
    let mut object = match value {
        Value::Object(o) => o,
        Value::Array(_) => {
            return Err(invalid(
                None,
                "a batch (a JSON array): the Language Server Protocol sends one message at a time".to_owned(),
            ));
        }
        other => return Err(invalid(None, format!("{} is not a message (an object)", kind(&other)))),
    };
    let id = object.remove("id");
    if let Some(method) = object.remove("method") {
        let params = object.remove("params").unwrap_or(Value::Null);
        let Value::String(method) = method else {
            let why = format!("`method` is {}, not a string", kind(&method));
            return Err(match id {
                None => Rejected::Drop(format!("a notification whose {why}")),
                Some(id) => invalid(Some(id), why),
            });
        };
        return match id {
            None => Ok(Notification { method, params }.into()),
            Some(id) => match request_id(&id) {
                Some(id) => Ok(Request { id, method, params }.into()),
                None => {
                    let why = format!(
                        "the id of a `{}` request is {}: it must be a string or an integer of 32 bits",
                        cut(&method),
                        kind(&id)
                    );
                    Err(invalid(Some(id), why))
                }
            },
        };
    }
    if object.contains_key("result") || object.contains_key("error") {
        // A response to a request of the server's (it sends none today): never answered.
        let Some(id) = id.as_ref().and_then(request_id) else {
            return Err(Rejected::Drop("a response without a valid id".to_owned()));
        };
        let response_result = match (object.remove("result"), object.remove("error")) {
            (Some(result), None) => Ok(result),
            (None, Some(error)) => Err(serde_json::from_value::<ResponseError>(error)
                .map_err(|e| Rejected::Drop(format!("a response with a malformed `error`: {e}")))?),
            _ => return Err(Rejected::Drop("a response with both `result` and `error`".to_owned())),
        };
        return Ok(Response { id, response_result }.into());
    }
    Err(invalid(
        id,
        "a message without `method` (neither a request nor a notification) and without `result` or `error`".to_owned(),
    ))
}

/// The id of a request as the protocol has it: a string or a 32-bit integer.
fn request_id(id: &Value) -> Option<RequestId> {
    match id {
        Value::String(s) => Some(RequestId::from(s.clone())),
        Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()).map(RequestId::from),
        _ => None,
    }
}

/// The id to answer with: a number or string as it was, anything else `null` (JSON-RPC 2.0).
fn echo(id: Value) -> Value {
    match id {
        Value::Number(_) | Value::String(_) => id,
        _ => Value::Null,
    }
}

/// What kind of JSON value this is, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "`null`",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A method name short enough to quote.
fn cut(s: &str) -> Cow<'_, str> {
    match s.char_indices().nth(EXCERPT) {
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
        None => Cow::Borrowed(s),
    }
}

/// The output stream, shared by the writer thread (the server's messages)
/// and the reader thread (answers to messages that never reach the server).
type Output<W> = Arc<Mutex<W>>;

/// Writes one framed message.
fn write_frame<W: Write>(output: &Output<W>, body: &str) -> io::Result<()> {
    let mut w = output.lock().unwrap_or_else(PoisonError::into_inner);
    write!(w, "Content-Length: {}\r\n\r\n", body.len())?;
    w.write_all(body.as_bytes())?;
    w.flush()
}

/// Answers, logs or reports (stderr and `window/logMessage`) a problem found by the reader.
fn report<W: Write>(output: &Output<W>, answer: Option<(Value, ErrorCode)>, message: &str) {
    eprintln!("callc: {message}");
    let mut frames = vec![
        json!({
            "jsonrpc": "2.0",
            "method": "window/logMessage",
            "params": {"type": 2, "message": format!("callc: {message}")},
        })
        .to_string(),
    ];
    if let Some((id, code)) = answer {
        frames.push(
            json!({
                "jsonrpc": "2.0",
                "id": id,
                "error": {"code": code as i32, "message": message},
            })
            .to_string(),
        );
    }
    for frame in frames {
        if let Err(e) = write_frame(output, &frame) {
            eprintln!("callc: writing to the client failed: {e}");
            return;
        }
    }
}

/// The reader thread: frames in, messages to the server, problems answered.
fn read_loop<R: Read, W: Write>(input: R, limits: Limits, to_server: &Sender<Message>, output: &Output<W>) {
    let mut framer = Framer::new(input, limits);
    loop {
        match framer.next_frame() {
            Frame::End => return,
            Frame::Lost(reason) => report(
                output,
                Some((Value::Null, ErrorCode::ParseError)),
                &format!("framing error: {reason}; skipping to the next `Content-Length` header"),
            ),
            Frame::TooLarge { len, discard } => {
                let then = if discard {
                    "it is skipped"
                } else {
                    "the header is taken for corrupt; skipping to the next `Content-Length` header"
                };
                report(
                    output,
                    Some((Value::Null, ErrorCode::InvalidRequest)),
                    &format!(
                        "a message of {len} bytes is over the limit of {} bytes and is not read: {then} (a document over {} MiB is not checked anyway)",
                        limits.max_body,
                        MAX_SOURCE_BYTES >> 20
                    ),
                );
                if discard && !framer.discard(len) {
                    return;
                }
            }
            Frame::Body(body) => match decode(&body) {
                Ok(msg) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                    // The server is gone (it returned): nothing more to read for.
                    if to_server.send(msg).is_err() || exit {
                        return;
                    }
                }
                Err(Rejected::Answer { id, code, message }) => {
                    let what = format!("{message} (message skipped: {})", excerpt(&body));
                    report(output, Some((id, code)), &what);
                }
                Err(Rejected::Drop(why)) => {
                    report(output, None, &format!("{why} (message skipped: {})", excerpt(&body)));
                }
            },
        }
    }
}

/// The writer thread: the server's messages out, one frame each.
fn write_loop<W: Write>(from_server: &Receiver<Message>, output: &Output<W>) -> io::Result<()> {
    for msg in from_server {
        let mut w = output.lock().unwrap_or_else(PoisonError::into_inner);
        msg.write(&mut *w)?;
    }
    Ok(())
}

/// The transport's threads, to join once the server has returned.
pub struct Threads {
    reader: JoinHandle<()>,
    writer: JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Waits for both threads. The reader stops at `exit`, at the end of the
    /// input, or once the server has returned; the writer once the server's
    /// `Connection` is dropped.
    ///
    /// # Errors
    /// Writing to the client failed, or a thread panicked.
    pub fn join(self) -> io::Result<()> {
        self.reader
            .join()
            .map_err(|_| io::Error::other("the transport's reader panicked"))?;
        self.writer
            .join()
            .map_err(|_| io::Error::other("the transport's writer panicked"))?
    }
}

/// A connection over any byte streams, with the given limits.
///
/// # Errors
/// A thread could not be started.
pub fn connect<R, W>(input: R, output: W, limits: Limits) -> io::Result<(Connection, Threads)>
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    let output = Arc::new(Mutex::new(output));
    // Rendezvous channels, as lsp-server's: the reader waits for the server
    // to take each message, so a client that floods is held back by the pipe.
    let (to_server, from_reader) = bounded::<Message>(0);
    let (to_writer, from_server) = bounded::<Message>(0);
    let out = Arc::clone(&output);
    let writer = thread::Builder::new()
        .name("callc-lsp-writer".to_owned())
        .spawn(move || write_loop(&from_server, &out))?;
    let reader = thread::Builder::new()
        .name("callc-lsp-reader".to_owned())
        .spawn(move || read_loop(input, limits, &to_server, &output))?;
    Ok((
        Connection {
            sender: to_writer,
            receiver: from_reader,
        },
        Threads { reader, writer },
    ))
}

/// A connection over standard input and output.
///
/// # Errors
/// A thread could not be started.
pub fn stdio() -> io::Result<(Connection, Threads)> {
    connect(io::stdin(), BufWriter::new(io::stdout()), Limits::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8], limits: Limits) -> Vec<Frame> {
        let mut f = Framer::new(input, limits);
        let mut out = Vec::new();
        loop {
            let frame = f.next_frame();
            if let Frame::TooLarge { len, discard: true } = frame
                && !f.discard(len)
            {
                out.push(frame);
                out.push(Frame::End);
                return out;
            }
            let end = frame == Frame::End;
            out.push(frame);
            if end {
                return out;
            }
        }
    }

    fn small() -> Limits {
        Limits {
            max_body: 10,
            max_discard: 100,
        }
    }

    fn body(s: &str) -> Frame {
        Frame::Body(s.as_bytes().to_vec())
    }

    fn lost(f: &Frame) -> bool {
        matches!(f, Frame::Lost(_))
    }

    #[test]
    fn frames_are_read_whatever_the_case_spacing_and_extra_headers() {
        let input = b"Content-Length: 3\r\n\r\n{}\ncontent-length:2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\nX-Other: 1\r\n\r\n[]\r\n\r\nCONTENT-LENGTH:   5  \n\n\"\xE4\xB8\xAD\"";
        assert_eq!(
            frames(input, small()),
            vec![body("{}\n"), body("[]"), body("\"中\""), Frame::End]
        );
    }

    #[test]
    fn the_limit_is_inclusive_and_refused_bodies_are_discarded_exactly() {
        // The refused body holds a header of its own: discarding, not scanning, skips it.
        let input = b"Content-Length: 10\r\n\r\n0123456789Content-Length: 30\r\n\r\nContent-Length: 1\r\n\r\nx12345678Content-Length: 1\r\n\r\ny";
        assert_eq!(
            frames(input, small()),
            vec![
                body("0123456789"),
                Frame::TooLarge { len: 30, discard: true },
                body("y"),
                Frame::End
            ]
        );
    }

    #[test]
    fn lengths_beyond_the_discard_bound_lose_the_framing_and_the_scan_finds_the_next_header() {
        for len in ["101", "4000000000", "20000000000", "18446744073709551615"] {
            let input = format!("Content-Length: {len}\r\n\r\n{{\"short\":1}}Content-Length: 2\r\n\r\nok");
            let f = frames(input.as_bytes(), small());
            assert_eq!(
                f,
                vec![
                    Frame::TooLarge {
                        len: len.parse().unwrap(),
                        discard: false
                    },
                    body("ok"),
                    Frame::End
                ],
                "{len}"
            );
        }
    }

    #[test]
    fn bad_length_headers_lose_the_framing() {
        for header in [
            "Content-Length: 18446744073709551616",
            "Content-Length: 99999999999999999999999",
            "Content-Length: -1",
            "Content-Length: 1e3",
            "Content-Length: +2",
            "Content-Length: ",
            "Content-Length: 2\r\nContent-Length: 2",
            "Content-Type: application/vscode-jsonrpc",
            "Content-Length 2",
            "{\"a\": 1}",
        ] {
            let input = format!("{header}\r\n\r\n{{}}Content-Length: 2\r\n\r\nok");
            let f = frames(input.as_bytes(), small());
            assert!(lost(&f[0]), "{header}: {f:?}");
            assert_eq!(f[1..], [body("ok"), Frame::End], "{header}");
        }
    }

    #[test]
    fn a_header_glued_after_garbage_on_its_line_is_found() {
        let input = b"garbage{}Content-Length: 2\r\n\r\nok";
        let f = frames(input, small());
        assert!(lost(&f[0]));
        assert_eq!(f[1..], [body("ok"), Frame::End]);
    }

    #[test]
    fn an_endless_header_line_is_cut_and_the_scan_goes_on_across_buffers() {
        let mut input = vec![b'x'; BUFFER * 3 + 7];
        input.extend_from_slice(b"Content-Length: 2\r\n\r\nok");
        let f = frames(&input, small());
        assert!(lost(&f[0]), "{:?}", f[0]);
        assert_eq!(f[1..], [body("ok"), Frame::End]);
        // A header split across two reads of the buffer is still found.
        for pad in BUFFER - 40..BUFFER {
            let mut input = b"Content-Length: 999\r\n\r\n".to_vec();
            input.extend(std::iter::repeat_n(b'.', pad));
            input.extend_from_slice(b"Content-Length: 2\r\n\r\nok");
            let f = frames(&input, small());
            assert_eq!(f[1..], [body("ok"), Frame::End], "{pad}");
        }
    }

    #[test]
    fn the_end_of_the_input_anywhere_is_the_end() {
        for input in [
            &b""[..],
            b"\r\n",
            b"Content-Len",
            b"Content-Length: 5\r\n",
            b"Content-Length: 5\r\n\r\nabc",
            b"Content-Length: 15\r\n\r\nabc",
            b"Content-Length: 99999\r\n\r\nabc",
            b"junk without a header",
        ] {
            let f = frames(input, small());
            assert_eq!(f.last(), Some(&Frame::End));
            assert!(!f.iter().any(|f| matches!(f, Frame::Body(_))), "{f:?}");
        }
    }

    fn answer(body: &[u8]) -> (Value, i32) {
        match decode(body) {
            Err(Rejected::Answer { id, code, .. }) => (id, code as i32),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_bodies_get_the_json_rpc_error_and_the_id_when_there_is_one() {
        let parse = ErrorCode::ParseError as i32;
        let invalid = ErrorCode::InvalidRequest as i32;
        assert_eq!(answer(b"{\"id\": 1, \"method\": \"\xFF\"}"), (Value::Null, parse));
        assert_eq!(answer(b"{\"id\": 1, \"method\": "), (Value::Null, parse));
        assert_eq!(answer("你好".as_bytes()), (Value::Null, parse));
        assert_eq!(answer(&vec![b'['; 100_000]), (Value::Null, parse));
        assert_eq!(answer(b"[]"), (Value::Null, invalid));
        assert_eq!(answer(b"[{\"id\":1,\"method\":\"shutdown\"}]"), (Value::Null, invalid));
        assert_eq!(answer(b"\"\xE4\xB8\xAD\""), (Value::Null, invalid));
        assert_eq!(answer(b"{\"id\": 7}"), (json!(7), invalid));
        assert_eq!(
            answer(b"{\"id\": \"\xE4\xB8\xAD\", \"params\": {}}"),
            (json!("中"), invalid)
        );
        assert_eq!(answer(b"{\"id\": 7, \"method\": 5}"), (json!(7), invalid));
        assert_eq!(
            answer(b"{\"id\": 4294967296, \"method\": \"x\"}"),
            (json!(4_294_967_296_u64), invalid)
        );
        assert_eq!(answer(b"{\"id\": 1.5, \"method\": \"x\"}"), (json!(1.5), invalid));
        assert_eq!(answer(b"{\"id\": null, \"method\": \"x\"}"), (Value::Null, invalid));
        assert_eq!(answer(b"{\"id\": [1], \"method\": \"x\"}"), (Value::Null, invalid));
        assert!(matches!(decode(b"{\"method\": 5}"), Err(Rejected::Drop(_))));
        assert!(matches!(decode(b"{\"result\": 5}"), Err(Rejected::Drop(_))));
        assert!(matches!(decode(b"{\"id\": 1, \"error\": 5}"), Err(Rejected::Drop(_))));
    }

    #[test]
    fn good_bodies_are_messages() {
        let m = decode(br#"{"jsonrpc":"2.0","id":"a","method":"shutdown"}"#).unwrap();
        assert!(matches!(m, Message::Request(r) if r.id == RequestId::from("a".to_owned()) && r.params.is_null()));
        let m = decode(br#"{"jsonrpc":"2.0","method":"exit","params":null}"#).unwrap();
        assert!(matches!(m, Message::Notification(n) if n.method == "exit"));
        let m = decode(br#"{"jsonrpc":"2.0","id":-2147483648,"result":null}"#).unwrap();
        assert!(matches!(m, Message::Response(r) if r.id == RequestId::from(i32::MIN)));
        let m = decode(br#"{"id":3,"error":{"code":-1,"message":"no"}}"#).unwrap();
        assert!(matches!(m, Message::Response(r) if r.response_result.is_err()));
    }
}
