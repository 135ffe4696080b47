//! Nothing lost: what `build`, `graph`, `import` and `fmt` write never
//! destroys a user's file (docs/reliability.md, "Writing outputs"). Each
//! test reproduces a way callc once lost or damaged a file.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn callc() -> Command {
    Command::new(env!("CARGO_BIN_EXE_callc"))
}

/// Runs callc, killing it (and failing) if it takes over a minute: a hang
/// is one of the bugs these tests guard against.
fn run_in(dir: &Path, args: &[&str], stdin: Option<&Path>) -> Output {
    let mut c = callc();
    c.current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c.stdin(match stdin {
        Some(p) => Stdio::from(fs::File::open(p).unwrap()),
        None => Stdio::null(),
    });
    finish(c.spawn().unwrap(), &args.join(" "))
}

fn finish(mut child: Child, what: &str) -> Output {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("`callc {what}` hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("killed by a signal")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A spec in Chinese with CRLF line ends, an emoji, and (when `faq`) an FAQ.
fn spec(id: &str, faq: bool) -> String {
    let faq = if faq {
        "  faq {\r\n    qa 价格 { q \"多少钱？💰\"  a \"每月99元。\" }\r\n  }\r\n"
    } else {
        ""
    };
    format!(
        "call {id} {{\r\n  locale \"zh-CN\"\r\n  caller 李明 {{ name \"李明\" }}\r\n  callee 张强 {{ name \"张强\" }}\r\n  \
         opening \"您好😀\"\r\n  flow {{\r\n    step 开场 {{ say \"您好，我是李明。\" }}\r\n  }}\r\n{faq}  \
         end {{ closing \"再见。\" }}\r\n}}\r\n"
    )
}

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("规格.call");
    fs::write(&spec_path, spec("t", true)).unwrap();
    (dir, spec_path)
}

#[test]
fn an_output_that_is_the_input_is_refused_however_it_is_named() {
    let (dir, spec_path) = setup();
    let before = fs::read(&spec_path).unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("规格.call", dir.path().join("link.call")).unwrap();
    fs::hard_link(&spec_path, dir.path().join("hard.call")).unwrap();
    for out in ["规格.call", "./sub/../规格.call", "link.call", "hard.call"] {
        for args in [
            vec!["build", "规格.call", "--target", "json", "-o", out],
            vec!["graph", "规格.call", "-o", out],
        ] {
            let o = run_in(dir.path(), &args, None);
            assert_eq!(code(&o), 2, "{args:?}: {}", err(&o));
            assert!(err(&o).contains("input file itself"), "{args:?}: {}", err(&o));
            assert_eq!(fs::read(&spec_path).unwrap(), before, "{args:?} damaged the spec");
        }
    }
    // Standard input that is the file itself.
    let o = run_in(
        dir.path(),
        &["build", "-", "--target", "json", "-o", "规格.call"],
        Some(&spec_path),
    );
    assert_eq!(code(&o), 2, "{}", err(&o));
    assert_eq!(fs::read(&spec_path).unwrap(), before);
    // import: the Markdown file is the output.
    let md = dir.path().join("spec.md");
    fs::write(&md, "# 标题\n").unwrap();
    let o = run_in(dir.path(), &["import", "spec.md", "-o", "spec.md"], None);
    assert_eq!(fs::read_to_string(&md).unwrap(), "# 标题\n", "{}", err(&o));
    // A Rasa project directory that would overwrite the spec.
    let proj = dir.path().join("proj");
    fs::create_dir(&proj).unwrap();
    fs::copy(&spec_path, proj.join("domain.yml")).unwrap();
    let inner = proj.join("domain.yml");
    let o = run_in(
        dir.path(),
        &["build", "proj/domain.yml", "--target", "rasa", "-o", "proj"],
        None,
    );
    assert_eq!(code(&o), 2, "{}", err(&o));
    assert_eq!(fs::read(&inner).unwrap(), before);
}

#[test]
fn dash_and_dev_stdout_are_standard_output() {
    let (dir, _) = setup();
    let reference = run_in(dir.path(), &["build", "规格.call", "--target", "json"], None);
    assert_eq!(code(&reference), 0, "{}", err(&reference));
    for out in ["-", "/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"] {
        let o = run_in(dir.path(), &["build", "规格.call", "--target", "json", "-o", out], None);
        assert_eq!(code(&o), 0, "{out}: {}", err(&o));
        assert_eq!(o.stdout, reference.stdout, "{out}");
    }
    let o = run_in(dir.path(), &["graph", "规格.call", "-o", "-"], None);
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("flowchart"),
        "{}",
        err(&o)
    );
    // A directory target needs a directory.
    let o = run_in(dir.path(), &["build", "规格.call", "--target", "rasa", "-o", "-"], None);
    assert_eq!(code(&o), 2);
}

#[test]
fn special_files_are_written_into_never_replaced() {
    let (dir, _) = setup();
    // A character device: as root, a null device of the test's own (a
    // regression must not replace the system's /dev/null); otherwise
    // /dev/null itself, which a normal user cannot replace.
    let null = if rustix_uid() == 0 {
        let own = dir.path().join("null");
        let made = Command::new("mknod")
            .args(["-m", "666"])
            .arg(&own)
            .args(["c", "1", "3"])
            .status();
        assert!(made.unwrap().success(), "mknod");
        own
    } else {
        PathBuf::from("/dev/null")
    };
    let o = run_in(
        dir.path(),
        &["build", "规格.call", "--target", "json", "-o", null.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(fs::metadata(&null).unwrap().file_type().is_char_device());
    let o = run_in(
        dir.path(),
        &["build", "规格.call", "--target", "json", "-o", "/dev/null"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));

    // A FIFO with a reader gets the output and stays a FIFO.
    let fifo = dir.path().join("管道");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            fs::File::open(&fifo).unwrap().read_to_string(&mut s).unwrap();
            s
        })
    };
    // Give the reader time to open its end (writing waits for no one).
    let start = Instant::now();
    let o = loop {
        let o = run_in(
            dir.path(),
            &["build", "规格.call", "--target", "json", "-o", "管道"],
            None,
        );
        if code(&o) == 0 || start.elapsed() > Duration::from_secs(20) {
            break o;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(reader.join().unwrap().contains("\"format_version\""));
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());

    // A FIFO nobody reads: an error at once, not a wait forever.
    let o = run_in(
        dir.path(),
        &["build", "规格.call", "--target", "json", "-o", "管道"],
        None,
    );
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("no process is reading"), "{}", err(&o));
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn a_symbolic_link_is_followed_and_kept() {
    let (dir, _) = setup();
    fs::create_dir(dir.path().join("out")).unwrap();
    std::os::unix::fs::symlink("out/真的.json", dir.path().join("链接.json")).unwrap();
    for _ in 0..2 {
        // Once to create the target through a dangling link, once to replace it.
        let o = run_in(
            dir.path(),
            &["build", "规格.call", "--target", "json", "-o", "链接.json"],
            None,
        );
        assert_eq!(code(&o), 0, "{}", err(&o));
        let link = fs::symlink_metadata(dir.path().join("链接.json")).unwrap();
        assert!(link.file_type().is_symlink());
        assert!(
            fs::read_to_string(dir.path().join("out/真的.json"))
                .unwrap()
                .contains("format_version")
        );
    }
}

/// A file `fmt` must rewrite.
const MESSY: &str = "call t {\r\nlocale \"zh-CN\"\r\ncaller a { name \"李明\" }\r\ncallee b { name \"张强\" }\r\n\
                     flow { step s { say \"您好😀\" } }\r\nend { closing \"再见\" }\r\n}\r\n";

#[test]
fn fmt_keeps_mode_owner_links_and_refuses_read_only_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    // Mode 0600 stays 0600.
    fs::write(p("私密.call"), MESSY).unwrap();
    fs::set_permissions(p("私密.call"), fs::Permissions::from_mode(0o600)).unwrap();
    // A symbolic link: its target is formatted, the link stays.
    fs::write(p("target.call"), MESSY).unwrap();
    std::os::unix::fs::symlink("target.call", p("link.call")).unwrap();
    // Two hard links: both see the formatted text.
    fs::write(p("one.call"), MESSY).unwrap();
    fs::hard_link(p("one.call"), p("two.call")).unwrap();
    // Someone else's file, formatted by root, stays theirs.
    fs::write(p("theirs.call"), MESSY).unwrap();
    let root = rustix_uid() == 0;
    if root {
        std::os::unix::fs::chown(p("theirs.call"), Some(65534), Some(65534)).unwrap();
    }
    let o = run_in(
        dir.path(),
        &["fmt", "私密.call", "link.call", "one.call", "theirs.call"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let formatted = fs::read_to_string(p("私密.call")).unwrap();
    assert_ne!(formatted, MESSY);
    assert_eq!(
        fs::metadata(p("私密.call")).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(fs::symlink_metadata(p("link.call")).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_to_string(p("target.call")).unwrap(), formatted);
    assert_eq!(fs::read_to_string(p("one.call")).unwrap(), formatted);
    assert_eq!(fs::read_to_string(p("two.call")).unwrap(), formatted);
    assert_eq!(
        fs::metadata(p("one.call")).unwrap().ino(),
        fs::metadata(p("two.call")).unwrap().ino()
    );
    if root {
        let m = fs::metadata(p("theirs.call")).unwrap();
        assert_eq!((m.uid(), m.gid()), (65534, 65534));
        assert_eq!(fs::read_to_string(p("theirs.call")).unwrap(), formatted);
    }
    // A read-only file is refused and left as it is.
    fs::write(p("只读.call"), MESSY).unwrap();
    fs::set_permissions(p("只读.call"), fs::Permissions::from_mode(0o444)).unwrap();
    let o = run_in(dir.path(), &["fmt", "只读.call"], None);
    assert_eq!(code(&o), 2, "{}", err(&o));
    assert!(err(&o).contains("read-only"), "{}", err(&o));
    assert_eq!(fs::read_to_string(p("只读.call")).unwrap(), MESSY);
}

fn rustix_uid() -> u32 {
    fs::metadata("/proc/self").map_or(1, |m| m.uid())
}

/// Every file below `dir` (relative path → contents), hidden ones included.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push((
                    e.path().strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(e.path()).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_rasa_rebuild_removes_its_stale_files_and_keeps_the_users() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("faq.call"), spec("有问答", true)).unwrap();
    fs::write(dir.path().join("plain.call"), spec("无问答", false)).unwrap();
    let build = |s: &str| {
        let o = run_in(dir.path(), &["build", s, "--target", "rasa", "-o", "proj"], None);
        assert_eq!(code(&o), 0, "{}", err(&o));
    };
    build("plain.call");
    let plain = tree(&dir.path().join("proj"));
    build("faq.call");
    let proj = dir.path().join("proj");
    let with_faq: Vec<PathBuf> = tree(&proj).into_iter().map(|(p, _)| p).collect();
    let extra: Vec<&PathBuf> = with_faq
        .iter()
        .filter(|p| !plain.iter().any(|(q, _)| q == *p))
        .collect();
    assert!(!extra.is_empty(), "the FAQ spec should write more files: {with_faq:?}");
    // The user's own files, beside and inside callc's folders.
    fs::write(proj.join("endpoints.yml"), "# mine\n").unwrap();
    fs::write(proj.join("data").join("我的.yml"), "# mine\n").unwrap();
    build("plain.call");
    let now = tree(&proj);
    for f in &extra {
        assert!(!proj.join(f).exists(), "stale {} left from the FAQ build", f.display());
    }
    let theirs: Vec<(PathBuf, Vec<u8>)> = now
        .iter()
        .filter(|(p, _)| p.ends_with("endpoints.yml") || p.ends_with("我的.yml"))
        .cloned()
        .collect();
    assert_eq!(theirs.len(), 2, "the user's files must stay: {now:?}");
    let ours: Vec<(PathBuf, Vec<u8>)> = now.into_iter().filter(|f| !theirs.contains(f)).collect();
    assert_eq!(ours, plain, "the rebuilt project is exactly the plain build");
}

#[test]
fn a_rasa_build_that_fails_midway_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("faq.call"), spec("有问答", true)).unwrap();
    fs::write(dir.path().join("plain.call"), spec("无问答", false)).unwrap();
    let o = run_in(
        dir.path(),
        &["build", "plain.call", "--target", "rasa", "-o", "proj"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let proj = dir.path().join("proj");
    // A folder where the FAQ build writes a file: that one rename must fail.
    let files: Vec<PathBuf> = {
        let o = run_in(
            dir.path(),
            &["build", "faq.call", "--target", "rasa", "-o", "probe"],
            None,
        );
        assert_eq!(code(&o), 0);
        tree(&dir.path().join("probe")).into_iter().map(|(p, _)| p).collect()
    };
    let blocked = files
        .iter()
        .filter(|p| !proj.join(p).exists() && p.extension().is_some_and(|e| e == "yml"))
        .max()
        .expect("a file only the FAQ build writes");
    fs::create_dir_all(proj.join(blocked).join("挡住")).unwrap();
    let before = tree(&proj);
    let o = run_in(
        dir.path(),
        &["build", "faq.call", "--target", "rasa", "-o", "proj"],
        None,
    );
    assert_eq!(code(&o), 2, "{}", err(&o));
    assert_eq!(tree(&proj), before, "a failed build changed the project");
    let leftovers: Vec<_> = fs::read_dir(&proj)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".callc-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn concurrent_rasa_builds_never_mix_their_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.call"), spec("甲", true)).unwrap();
    fs::write(dir.path().join("b.call"), spec("乙", false)).unwrap();
    let alone = |s: &str, out: &str| {
        let o = run_in(dir.path(), &["build", s, "--target", "rasa", "-o", out], None);
        assert_eq!(code(&o), 0, "{}", err(&o));
        tree(&dir.path().join(out))
    };
    let (only_a, only_b) = (alone("a.call", "only-a"), alone("b.call", "only-b"));
    for round in 0..12 {
        let spawn = |s: &str| {
            callc()
                .current_dir(dir.path())
                .args(["build", s, "--target", "rasa", "-o", "shared"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        for child in [spawn("a.call"), spawn("b.call")] {
            let out = finish(child, "concurrent build");
            assert_eq!(code(&out), 0, "{}", err(&out));
        }
        let got = tree(&dir.path().join("shared"));
        assert!(
            got == only_a || got == only_b,
            "round {round}: a mixed project: {:?}",
            got.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
    }
}

#[test]
fn temporaries_of_a_killed_run_are_removed_and_live_ones_kept() {
    let (dir, _) = setup();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    // What `kill -9` leaves: an unlocked temporary file beside a single
    // output, and a staging folder inside a directory output.
    fs::write(out.join(".callc-dead01.tmp"), vec![b'x'; 1 << 20]).unwrap();
    let live_path = out.join(".callc-live01.tmp");
    let live = fs::File::create(&live_path).unwrap();
    live.lock().unwrap();
    let o = run_in(
        dir.path(),
        &["build", "规格.call", "--target", "json", "-o", "out/t.json"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(
        !out.join(".callc-dead01.tmp").exists(),
        "a stale temporary file was left"
    );
    assert!(live_path.exists(), "a temporary file still in use was removed");
    drop(live);

    let proj = dir.path().join("proj");
    let o = run_in(
        dir.path(),
        &["build", "规格.call", "--target", "rasa", "-o", "proj"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let stage = proj.join(".callc-stage-dead").join("new").join("data");
    fs::create_dir_all(&stage).unwrap();
    let mut f = fs::File::create(stage.join("flows.yml")).unwrap();
    f.write_all(&vec![b'y'; 1 << 20]).unwrap();
    let o = run_in(
        dir.path(),
        &["build", "规格.call", "--target", "rasa", "-o", "proj"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(
        !proj.join(".callc-stage-dead").exists(),
        "a killed run's staging folder was left"
    );
}
