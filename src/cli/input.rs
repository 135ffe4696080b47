//! Reading inputs without ever reading without bound, and finding the
//! `.call` files below a directory without skipping any silently.
//!
//! - At most [`MAX_SOURCE_BYTES`] + 1 bytes are read from any file or
//!   stream: a 2 GB file or `/dev/zero` is reported as too large (E0003)
//!   at once, not read whole.
//! - A FIFO that no process writes to is an error, not a wait forever.
//! - A directory walk follows symbolic links (loops are reported), and
//!   reports every entry it cannot use — a broken link, a FIFO, a folder it
//!   cannot read, a path too long — then checks the rest.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::source::MAX_SOURCE_BYTES;

use super::output::FileId;

/// What was read from one input.
pub struct Input {
    /// The name to show (see [`display_name`]).
    pub name: String,
    /// The bytes: the whole input, or its first [`MAX_SOURCE_BYTES`] + 1
    /// when it is larger.
    pub bytes: Vec<u8>,
    /// Set when the input is over the limit.
    pub too_large: Option<TooLarge>,
    /// The input file's identity, so that no output overwrites it.
    pub id: Option<FileId>,
}

/// An input over [`MAX_SOURCE_BYTES`].
#[derive(Clone, Copy, Debug)]
pub enum TooLarge {
    /// A file of this size (nothing but its first line was read).
    Size(u64),
    /// A stream, read up to the limit: its size is not known.
    Stream,
}

impl TooLarge {
    /// The size, when known.
    pub fn size(self) -> Option<u64> {
        match self {
            TooLarge::Size(n) => Some(n),
            TooLarge::Stream => None,
        }
    }
}

/// A path as text for people and for JSON: the path itself when it is
/// UTF-8, else with each byte that is not UTF-8 written `\xNN`.
#[must_use]
pub fn display_name(path: &Path) -> String {
    if let Some(s) = path.to_str() {
        return s.to_owned();
    }
    let mut out = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// The bytes of a name that is not UTF-8, in hex (for JSON records); `None`
/// for a UTF-8 name.
#[must_use]
pub fn name_hex(path: &Path) -> Option<String> {
    if path.to_str().is_some() || path.as_os_str() == OsStr::new("-") {
        return None;
    }
    let mut hex = String::new();
    for b in path.as_os_str().as_bytes() {
        let _ = write!(hex, "{b:02x}");
    }
    Some(hex)
}

/// Reads a file, or standard input for `-`.
///
/// # Errors
/// What could not be read, for people.
pub fn read(path: &Path) -> Result<Input, String> {
    if path.as_os_str() == "-" {
        let (bytes, too_large) =
            read_bounded(io::stdin().lock(), None).map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(Input {
            name: String::from("<stdin>"),
            bytes,
            too_large,
            id: FileId::of_stdin(),
        });
    }
    let name = display_name(path);
    let cannot = |e: io::Error| format!("cannot read `{name}`: {e}");
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(format!("`{name}` is a directory"));
    }
    let size = meta.is_file().then_some(meta.len());
    let (bytes, too_large) = if meta.file_type().is_fifo() {
        read_bounded(open_fifo(path).map_err(cannot)?, None)
    } else {
        read_bounded(File::open(path).map_err(cannot)?, size)
    }
    .map_err(cannot)?;
    Ok(Input {
        name,
        bytes,
        too_large,
        id: FileId::of_path(path),
    })
}

/// An input opened to be read as a stream, without bound (a call list).
pub struct Stream {
    /// The name to show (see [`display_name`]).
    pub name: String,
    /// The bytes.
    pub reader: Box<dyn Read>,
    /// Its size, when it is a regular file.
    pub size: Option<u64>,
}

/// Opens a file, or standard input for `-`, to be read as a stream.
///
/// # Errors
/// What could not be opened, for people.
pub fn open(path: &Path) -> Result<Stream, String> {
    if path.as_os_str() == "-" {
        return Ok(Stream {
            name: String::from("<stdin>"),
            reader: Box::new(io::stdin().lock()),
            size: None,
        });
    }
    let name = display_name(path);
    let cannot = |e: io::Error| format!("cannot read `{name}`: {e}");
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(format!("`{name}` is a directory"));
    }
    let (reader, size): (Box<dyn Read>, _) = if meta.file_type().is_fifo() {
        (Box::new(open_fifo(path).map_err(cannot)?), None)
    } else {
        (
            Box::new(File::open(path).map_err(cannot)?),
            meta.is_file().then_some(meta.len()),
        )
    };
    Ok(Stream { name, reader, size })
}

/// Opens a FIFO for reading without waiting for a writer, then reads it
/// like a pipe; with no writer at all, says so.
fn open_fifo(path: &Path) -> io::Result<impl Read + use<>> {
    use rustix::fs::OFlags;
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(OFlags::NONBLOCK.bits().cast_signed())
        .open(path)?;
    // With no writer, a non-blocking read of a FIFO says end of file at once;
    // with one, it has data or would block.
    let mut first = [0u8; 1];
    let got = match (&f).read(&mut first) {
        Ok(0) => return Err(io::Error::other("a FIFO that no process is writing to")),
        Ok(n) => n,
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => 0,
        Err(e) => return Err(e),
    };
    let flags = rustix::fs::fcntl_getfl(&f)?;
    rustix::fs::fcntl_setfl(&f, flags - OFlags::NONBLOCK)?;
    Ok(io::Cursor::new(first[..got].to_vec()).chain(f))
}

/// Reads at most [`MAX_SOURCE_BYTES`] + 1 bytes. `size` is the input's size
/// when known (a regular file), so that a too-large one is not read at all.
fn read_bounded(reader: impl Read, size: Option<u64>) -> io::Result<(Vec<u8>, Option<TooLarge>)> {
    let limit = MAX_SOURCE_BYTES as u64;
    if let Some(len) = size
        && len > limit
    {
        // Enough to point at the first line.
        let mut head = Vec::new();
        reader.take(200).read_to_end(&mut head)?;
        return Ok((head, Some(TooLarge::Size(len))));
    }
    let mut bytes = Vec::with_capacity(size.map_or(64 * 1024, |n| usize::try_from(n).unwrap_or(0)));
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        bytes.truncate(200);
        return Ok((bytes, Some(TooLarge::Stream)));
    }
    Ok((bytes, None))
}

/// One entry of a walk: a file to check, or why an entry was not checked.
pub type Entry = Result<PathBuf, String>;

/// Every `.call` file a path names, sorted, and every entry below it that
/// could not be used; a path that is not a directory is taken as given.
#[must_use]
pub fn expand(path: &Path) -> Vec<Entry> {
    if path.as_os_str() == "-" || !path.is_dir() {
        return vec![Ok(path.to_path_buf())];
    }
    let mut entries = Vec::new();
    let mut found = false;
    for entry in walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name() {
        match entry {
            Ok(e) => {
                if e.path().extension().is_none_or(|x| x != "call") {
                    continue;
                }
                let t = e.file_type();
                if t.is_file() {
                    found = true;
                    entries.push(Ok(e.into_path()));
                } else if !t.is_dir() {
                    entries.push(Err(format!(
                        "`{}` is not a regular file ({}); not checked",
                        display_name(e.path()),
                        kind(t)
                    )));
                }
            }
            // A broken link matters only where a spec was meant to be.
            Err(e)
                if e.io_error().is_some_and(|io| io.kind() == io::ErrorKind::NotFound)
                    && e.path().is_some_and(|p| p.extension().is_none_or(|x| x != "call")) => {}
            Err(e) => entries.push(Err(walk_error(&e))),
        }
    }
    if !found && entries.is_empty() {
        entries.push(Err(format!("no `.call` file in `{}`", display_name(path))));
    }
    entries
}

fn kind(t: std::fs::FileType) -> &'static str {
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "not a file"
    }
}

fn walk_error(e: &walkdir::Error) -> String {
    let at = e
        .path()
        .map_or_else(String::new, |p| format!("`{}`: ", display_name(p)));
    if let Some(ancestor) = e.loop_ancestor() {
        return format!(
            "{at}a symbolic link loops back to `{}`; not followed",
            display_name(ancestor)
        );
    }
    match e.io_error() {
        Some(io) if io.kind() == io::ErrorKind::NotFound => {
            format!("{at}a broken symbolic link (its target does not exist); not checked")
        }
        Some(io) => format!("{at}cannot be read ({io}); not checked"),
        None => format!("{at}{e}"),
    }
}
