//! Writing what callc produces without ever losing a user's file.
//!
//! - A regular file is replaced atomically: a temporary file beside it,
//!   synced, then renamed over it. An existing file keeps its mode and (when
//!   callc runs as root) its owner; a symbolic link is followed and its
//!   target replaced, the link kept; a file with several hard links is
//!   rewritten in place (a rename would cut the links), with a copy of the
//!   old contents put back if the write fails; a file without any write
//!   permission is refused.
//! - A special file (a FIFO, a terminal, `/dev/null`) is written into as it
//!   is, never replaced; `/dev/stdout`, `/dev/stderr` and `/dev/fd/N`,
//!   `/proc/self/fd/N` are the process's own streams.
//! - An output that is the input file (the same file, however it is named)
//!   is refused before anything is written.
//! - A directory output (a Rasa project) is one unit: under a lock, the whole
//!   project is staged in a hidden folder inside it, then each file is
//!   renamed into place, the replaced ones kept until every rename has
//!   succeeded (and put back if one fails). A manifest lists the files
//!   callc wrote, so a rebuild removes the ones it no longer writes; files
//!   it did not write are never touched.
//! - Temporary files carry a lock while in use; one left behind by a killed
//!   run (no lock) is removed by the next run that writes beside it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// The prefix of every temporary file and folder callc makes.
const TEMP_PREFIX: &str = ".callc-";
/// The suffix of temporary files.
const TEMP_SUFFIX: &str = ".tmp";
/// The manifest of a directory output: the files callc wrote, one per line.
pub const MANIFEST: &str = ".callc.manifest";
/// The lock file of a directory output.
pub const LOCK: &str = ".callc.lock";
/// What the lock file says to whoever opens it.
const LOCK_TEXT: &str =
    "callc locks this file while it writes this directory, so that two builds never mix their files.\n";
/// How many symbolic links are followed before giving up (as Linux does).
const MAX_LINKS: usize = 40;

/// A file's identity: device and inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    /// The identity of what `path` names (following links), if it exists.
    pub fn of_path(path: &Path) -> Option<Self> {
        fs::metadata(path).ok().map(|m| Self::of(&m))
    }

    /// The identity of the file behind standard input, if it is one.
    pub fn of_stdin() -> Option<Self> {
        rustix::fs::fstat(io::stdin()).ok().map(|st| Self {
            dev: st.st_dev,
            ino: st.st_ino,
        })
    }

    fn of(m: &fs::Metadata) -> Self {
        Self {
            dev: m.dev(),
            ino: m.ino(),
        }
    }
}

/// Where an output goes.
#[derive(Debug)]
pub enum Sink {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
    /// A file or directory path.
    Path(PathBuf),
}

impl Sink {
    /// `-o -` is standard output; `/dev/stdout`, `/dev/fd/1`,
    /// `/proc/self/fd/1` (also reached through links) are too, and their `2`
    /// forms standard error. Anything else is a path.
    pub fn parse(path: &Path) -> Sink {
        if path.as_os_str() == "-" {
            return Sink::Stdout;
        }
        let mut p = path.to_path_buf();
        for _ in 0..MAX_LINKS {
            match stream_of(&p) {
                Some(1) => return Sink::Stdout,
                Some(2) => return Sink::Stderr,
                _ => {}
            }
            match fs::read_link(&p) {
                Ok(target) => p = relative_to_link(&p, &target),
                Err(_) => break,
            }
        }
        Sink::Path(path.to_path_buf())
    }
}

/// Which of the process's own descriptors a path names, if it is one of
/// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`, `/proc/PID/fd/N`.
fn stream_of(p: &Path) -> Option<u32> {
    let s = p.to_str()?;
    match s {
        "/dev/stdout" => return Some(1),
        "/dev/stderr" => return Some(2),
        _ => {}
    }
    let n = s
        .strip_prefix("/dev/fd/")
        .or_else(|| s.strip_prefix("/proc/self/fd/"))
        .or_else(|| {
            let rest = s.strip_prefix("/proc/")?;
            let (pid, fd) = rest.split_once("/fd/")?;
            (pid == std::process::id().to_string()).then_some(fd)
        })?;
    n.parse().ok()
}

/// A link's target as a path usable from here.
fn relative_to_link(link: &Path, target: &Path) -> PathBuf {
    if target.is_absolute() {
        target.to_path_buf()
    } else {
        link.parent().unwrap_or(Path::new("")).join(target)
    }
}

/// Follows symbolic links to the path that will really be written: the
/// final target, existing or not (a dangling link creates its target).
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p)?;
                p = relative_to_link(&p, &target);
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Why an output was not written.
#[derive(Debug)]
pub struct WriteError {
    /// The path the problem is about.
    pub path: PathBuf,
    /// What went wrong, for people.
    pub message: String,
}

impl WriteError {
    fn io(path: &Path, e: &io::Error) -> Self {
        Self {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }

    fn new(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}

/// Refuses to write over `input` (the spec or Markdown being read).
fn refuse_input(path: &Path, input: Option<FileId>) -> Result<(), WriteError> {
    if let (Some(input), Some(out)) = (input, FileId::of_path(path))
        && input == out
    {
        return Err(WriteError::new(
            path,
            "this is the input file itself: writing the output there would destroy it; give another `-o`",
        ));
    }
    Ok(())
}

/// Writes one file safely (see the module's documentation). `input` is the
/// file being read, never to be overwritten. `keep_existing_mode` keeps an
/// existing file's mode and owner (always true for callc's outputs; new
/// files are created 0644 less the umask).
///
/// # Errors
/// A refused or failed write; the destination is then as it was.
pub fn write_file(path: &Path, contents: &[u8], input: Option<FileId>) -> Result<(), WriteError> {
    refuse_input(path, input)?;
    let real = resolve(path).map_err(|e| WriteError::io(path, &e))?;
    match fs::metadata(&real) {
        Ok(m) if m.is_dir() => Err(WriteError::new(path, "is a directory; give a file name with `-o`")),
        Ok(m) if !m.is_file() => write_special(&real, contents).map_err(|e| WriteError::io(path, &e)),
        Ok(m) => {
            if m.permissions().mode() & 0o222 == 0 {
                return Err(WriteError::new(path, "is read-only; nothing was written"));
            }
            if m.nlink() > 1 {
                write_in_place(&real, contents).map_err(|e| WriteError::io(path, &e))
            } else {
                replace(&real, contents, Some(&m)).map_err(|e| WriteError::io(path, &e))
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            replace(&real, contents, None).map_err(|e| WriteError::io(path, &e))
        }
        Err(e) => Err(WriteError::io(path, &e)),
    }
}

/// Writes into a FIFO, a terminal or a device as it is. A FIFO nobody reads
/// is an error, not a wait forever.
fn write_special(path: &Path, contents: &[u8]) -> io::Result<()> {
    let fifo = fs::metadata(path).is_ok_and(|m| {
        use std::os::unix::fs::FileTypeExt;
        m.file_type().is_fifo()
    });
    let mut file = if fifo {
        let f = OpenOptions::new()
            .write(true)
            .custom_flags(rustix::fs::OFlags::NONBLOCK.bits().cast_signed())
            .open(path)
            .map_err(|e| {
                if e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) {
                    io::Error::other("a FIFO that no process is reading")
                } else {
                    e
                }
            })?;
        // A reader is there: from now on, wait for it like any writer.
        let flags = rustix::fs::fcntl_getfl(&f)?;
        rustix::fs::fcntl_setfl(&f, flags - rustix::fs::OFlags::NONBLOCK)?;
        f
    } else {
        OpenOptions::new().write(true).open(path)?
    };
    file.write_all(contents)?;
    file.flush()
}

/// Rewrites a hard-linked file in place (so every link sees the new text),
/// keeping a copy of the old contents beside it until the write succeeded.
fn write_in_place(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = parent_dir(path);
    let mut old = Vec::new();
    File::open(path)?.read_to_end(&mut old)?;
    let backup = stage(&dir, &old, None)?;
    let result = (|| {
        let mut f = OpenOptions::new().write(true).open(path)?;
        f.write_all(contents)?;
        f.set_len(contents.len() as u64)?;
        f.sync_all()
    })();
    if let Err(e) = result {
        // Put the old text back; the backup is removed either way.
        if let Ok(mut f) = OpenOptions::new().write(true).open(path) {
            let _ = f.seek(SeekFrom::Start(0));
            let _ = f.write_all(&old);
            let _ = f.set_len(old.len() as u64);
        }
        drop(backup);
        return Err(e);
    }
    drop(backup);
    Ok(())
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A temporary file in `dir`, holding `contents`, synced, locked while it
/// lives (so that a run that finds it knows it is not stale), with the mode
/// and owner of `like` when given, else 0644.
fn stage(dir: &Path, contents: &[u8], like: Option<&fs::Metadata>) -> io::Result<tempfile::NamedTempFile> {
    fs::create_dir_all(dir)?;
    remove_stale_temporaries(dir);
    let mode = like.map_or(0o644, |m| m.permissions().mode() & 0o7777);
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .permissions(fs::Permissions::from_mode(mode))
        .tempfile_in(dir)?;
    tmp.as_file().lock()?;
    if let Some(m) = like {
        // The mode again: the umask may have taken bits away at creation.
        tmp.as_file().set_permissions(fs::Permissions::from_mode(mode))?;
        if (m.uid(), m.gid()) != current_owner(tmp.as_file()) {
            // Only root can give a file away. For anyone else this fails when
            // the file is not theirs, and a rename would make it theirs:
            // refuse instead.
            std::os::unix::fs::fchown(tmp.as_file(), Some(m.uid()), Some(m.gid())).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("it belongs to another user or group, and replacing it would change that ({e})"),
                )
            })?;
        }
    }
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

fn current_owner(f: &File) -> (u32, u32) {
    f.metadata().map_or((u32::MAX, u32::MAX), |m| (m.uid(), m.gid()))
}

/// Replaces (or creates) a regular file through a temporary file and a rename.
fn replace(path: &Path, contents: &[u8], like: Option<&fs::Metadata>) -> io::Result<()> {
    let tmp = stage(&parent_dir(path), contents, like)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Removes temporary files of callc's in `dir` that no running callc holds:
/// what a killed run left behind. Best effort, once per folder and run (a
/// `fmt` of 10,000 files in one folder reads that folder once).
fn remove_stale_temporaries(dir: &Path) {
    static CLEANED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    if let Ok(mut cleaned) = CLEANED.lock() {
        if cleaned.iter().any(|d| d == dir) {
            return;
        }
        cleaned.push(dir.to_path_buf());
    }
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        if let Ok(f) = File::open(&path)
            && f.try_lock().is_ok()
        {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Writes a directory of files as one unit (see the module's documentation).
/// `files` are paths relative to `root` with their contents.
///
/// # Errors
/// A refused or failed write; the directory is then as it was (files
/// renamed into place are put back), except for the stale temporary files
/// of earlier runs, which are removed.
pub fn write_directory(root: &Path, files: &[(PathBuf, &[u8])], input: Option<FileId>) -> Result<(), WriteError> {
    for (rel, _) in files {
        if !is_plain_relative(rel) {
            return Err(WriteError::new(rel, "an output path that leaves the output directory"));
        }
        refuse_input(&root.join(rel), input)?;
    }
    let root = resolve(root).map_err(|e| WriteError::io(root, &e))?;
    match fs::metadata(&root) {
        Ok(m) if !m.is_dir() => {
            return Err(WriteError::new(
                &root,
                "is not a directory; this target writes a directory of files",
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(&root).map_err(|e| WriteError::io(&root, &e))?;
        }
        Err(e) => return Err(WriteError::io(&root, &e)),
    }
    // One build at a time in this directory: a second waits for the first.
    let lock_path = root.join(LOCK);
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| WriteError::io(&lock_path, &e))?;
    lock.lock().map_err(|e| WriteError::io(&lock_path, &e))?;
    if lock.metadata().is_ok_and(|m| m.len() == 0) {
        let _ = (&lock).write_all(LOCK_TEXT.as_bytes());
    }
    // Holding the lock, every staging folder here is a killed run's.
    remove_stale_stages(&root);

    let stage_dir = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}stage-"))
        .tempdir_in(&root)
        .map_err(|e| WriteError::io(&root, &e))?;
    let old_manifest = read_manifest(&root);
    let mut new_manifest = String::new();
    let mut names: Vec<&Path> = Vec::new();
    for (rel, contents) in files {
        let staged = stage_dir.path().join("new").join(rel);
        write_new(&staged, contents).map_err(|e| WriteError::io(&root.join(rel), &e))?;
        names.push(rel);
        new_manifest.push_str(&manifest_line(rel));
        new_manifest.push('\n');
    }
    let manifest_rel = Path::new(MANIFEST);
    write_new(
        &stage_dir.path().join("new").join(manifest_rel),
        new_manifest.as_bytes(),
    )
    .map_err(|e| WriteError::io(&root.join(MANIFEST), &e))?;
    names.push(manifest_rel);
    // Stale: what an earlier build wrote and this one does not.
    let stale: Vec<PathBuf> = old_manifest
        .into_iter()
        .filter(|old| is_plain_relative(old) && !names.contains(&old.as_path()))
        .collect();

    let mut tx = Transaction {
        root: &root,
        backup: stage_dir.path().join("old"),
        moved_away: Vec::new(),
        placed: Vec::new(),
    };
    let result = tx.commit(stage_dir.path(), &names, &stale);
    if let Err(e) = result {
        tx.roll_back();
        return Err(e);
    }
    drop(stage_dir); // the replaced files go with it
    for rel in &stale {
        remove_empty_parents(&root, rel);
    }
    drop(lock);
    Ok(())
}

/// Renames in a directory output, undone in reverse order if one fails.
struct Transaction<'a> {
    root: &'a Path,
    backup: PathBuf,
    /// Files moved from the output into the backup (relative paths).
    moved_away: Vec<PathBuf>,
    /// Files renamed into place (relative paths).
    placed: Vec<PathBuf>,
}

impl Transaction<'_> {
    fn commit(&mut self, stage: &Path, names: &[&Path], stale: &[PathBuf]) -> Result<(), WriteError> {
        // First every file that will be replaced or removed goes to the backup…
        for rel in names.iter().copied().chain(stale.iter().map(PathBuf::as_path)) {
            let live = self.root.join(rel);
            match fs::symlink_metadata(&live) {
                Ok(m) if m.is_dir() => {
                    return Err(WriteError::new(&live, "is a directory where the output has a file"));
                }
                Ok(_) => {
                    let kept = self.backup.join(rel);
                    create_parent(&kept).map_err(|e| WriteError::io(&live, &e))?;
                    fs::rename(&live, &kept).map_err(|e| WriteError::io(&live, &e))?;
                    self.moved_away.push(rel.to_path_buf());
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(WriteError::io(&live, &e)),
            }
        }
        // …then every new file is renamed into place.
        for rel in names {
            let live = self.root.join(rel);
            create_parent(&live).map_err(|e| WriteError::io(&live, &e))?;
            fs::rename(stage.join("new").join(rel), &live).map_err(|e| WriteError::io(&live, &e))?;
            self.placed.push(rel.to_path_buf());
        }
        Ok(())
    }

    fn roll_back(&mut self) {
        for rel in self.placed.drain(..).rev() {
            let _ = fs::remove_file(self.root.join(&rel));
        }
        for rel in self.moved_away.drain(..).rev() {
            let _ = fs::rename(self.backup.join(&rel), self.root.join(&rel));
        }
    }
}

/// A new file (its folders created), 0644 less the umask, synced.
fn write_new(path: &Path, contents: &[u8]) -> io::Result<()> {
    create_parent(path)?;
    let mut f = OpenOptions::new().write(true).create_new(true).mode(0o644).open(path)?;
    f.write_all(contents)?;
    f.sync_all()
}

fn create_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => fs::create_dir_all(p),
        _ => Ok(()),
    }
}

/// Only `a/b/c`: no root, no `..`, no `.`, not empty.
fn is_plain_relative(p: &Path) -> bool {
    !p.as_os_str().is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

/// One manifest line: the relative path with `/` separators (paths callc
/// writes are ASCII names it made itself).
fn manifest_line(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The files an earlier build recorded; nothing when there is no manifest.
fn read_manifest(root: &Path) -> Vec<PathBuf> {
    let Ok(text) = fs::read_to_string(root.join(MANIFEST)) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(PathBuf::from)
        .collect()
}

/// Staging folders of killed runs (the caller holds the directory's lock).
fn remove_stale_stages(root: &Path) {
    let Ok(entries) = fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name
            .to_str()
            .is_some_and(|n| n.starts_with(&format!("{TEMP_PREFIX}stage-")))
            && entry.file_type().is_ok_and(|t| t.is_dir())
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Removes the folders of a removed stale file that are now empty, up to `root`.
fn remove_empty_parents(root: &Path, rel: &Path) {
    let mut dir = rel.parent();
    while let Some(d) = dir {
        if d.as_os_str().is_empty() || fs::remove_dir(root.join(d)).is_err() {
            break;
        }
        dir = d.parent();
    }
}
