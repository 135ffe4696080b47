//! `check DIR` checks every spec it can and reports every entry it
//! cannot: a spec behind a symbolic link, a broken link, a FIFO, a path
//! too long to open, a file name that is not UTF-8.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn check(args: &[&OsStr]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callc"))
        .arg("check")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("`callc check` hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// A spec with one error (an unknown step), in Chinese.
const BROKEN: &str = "call t {\n  locale \"zh-CN\"\n  caller a { name \"李明\" }\n  callee b { name \"张强\" }\n  \
                      flow { step 开场 { say \"您好😀\" next 不存在 } }\n  end { closing \"再见\" }\n}\n";

fn mkfifo(p: &Path) {
    assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
}

#[test]
fn every_bad_entry_is_reported_and_the_rest_checked() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    fs::create_dir_all(tree.join("子")).unwrap();
    fs::write(tree.join("子/真.call"), BROKEN).unwrap();
    // A spec kept elsewhere, reached through a link inside the tree.
    fs::create_dir(dir.path().join("elsewhere")).unwrap();
    fs::write(dir.path().join("elsewhere/外.call"), BROKEN).unwrap();
    std::os::unix::fs::symlink("../elsewhere/外.call", tree.join("链接.call")).unwrap();
    // A broken link named *.call, and one that is no spec (ignored).
    std::os::unix::fs::symlink("没有.call", tree.join("断.call")).unwrap();
    std::os::unix::fs::symlink("nothing.txt", tree.join("notes.txt")).unwrap();
    // A FIFO named *.call: reported, never opened (it would block).
    mkfifo(&tree.join("管道.call"));
    // A path longer than PATH_MAX: reported, the walk goes on. (Made one
    // folder at a time from inside, as no single path may be that long.)
    let home = std::env::current_dir().unwrap();
    let segment = "d".repeat(250);
    fs::create_dir(tree.join("深")).unwrap();
    std::env::set_current_dir(tree.join("深")).unwrap();
    for _ in 0..20 {
        fs::create_dir(&segment).unwrap();
        std::env::set_current_dir(&segment).unwrap();
    }
    fs::write("deep.call", BROKEN).unwrap();
    std::env::set_current_dir(home).unwrap();

    let o = check(&[tree.as_os_str()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an entry that cannot be used is an IO problem: {err}"
    );
    assert!(
        err.contains("子/真.call") && err.contains("链接.call"),
        "both specs checked: {err}"
    );
    assert_eq!(err.matches("error[E0102]").count(), 2, "{err}");
    assert!(err.contains("断.call") && err.contains("broken symbolic link"), "{err}");
    assert!(!err.contains("notes.txt"), "{err}");
    assert!(err.contains("管道.call") && err.contains("FIFO"), "{err}");
    assert!(
        err.contains("File name too long") || err.contains("cannot be read"),
        "{err}"
    );
}

#[test]
fn a_fifo_without_a_writer_is_an_error_not_a_wait() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("管道.call");
    mkfifo(&fifo);
    let o = check(&[fifo.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no process is writing"));
    // With a writer, it is read like any pipe.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let start = Instant::now();
            loop {
                match fs::OpenOptions::new().write(true).open(&fifo) {
                    Ok(mut f) => {
                        std::io::Write::write_all(&mut f, BROKEN.as_bytes()).unwrap();
                        return;
                    }
                    Err(_) if start.elapsed() < Duration::from_secs(20) => {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(e) => panic!("{e}"),
                }
            }
        })
    };
    // The writer's open waits for a reader: retry until callc is that reader.
    let start = Instant::now();
    let o = loop {
        let o = check(&[fifo.as_os_str()]);
        if o.status.code() == Some(1) || start.elapsed() > Duration::from_secs(20) {
            break o;
        }
    };
    writer.join().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_name_that_is_not_utf8_is_identifiable() {
    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"bad\xff\xfe.call");
    let path = dir.path().join(name);
    fs::write(&path, BROKEN).unwrap();
    let o = check(&[OsStr::new("--format"), OsStr::new("json"), dir.path().as_os_str()]);
    assert_eq!(o.status.code(), Some(1));
    let line = String::from_utf8(o.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert!(v["file"].as_str().unwrap().ends_with("bad\\xFF\\xFE.call"), "{v}");
    let hex = v["file_hex"].as_str().unwrap();
    assert!(hex.ends_with("626164fffe2e63616c6c"), "{hex}");
}
