"""Diagnostics as you type: the same as `callc check`, ranges exact after Chinese
text and emoji, kept up to date by incremental changes, cleared when fixed and
on close."""

from __future__ import annotations

import json
import subprocess

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from helpers import BROKEN, CALLC, CLEAN, MANY, URI, change, covered, open_doc, pos, published, replace_all, units


async def test_an_unknown_step_after_chinese_and_emoji(client: LanguageClient):
    diags = await open_doc(client, BROKEN)
    assert len(diags) == 1
    d = diags[0]
    assert d.code == "E0102"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.source == "callc"
    assert d.message.startswith("unknown step `dcos` in step `offer`")
    assert "help: did you mean `docs`?" in d.message
    # The line holds 活动优势, 提前续约享8%专属优惠 and 😀 before `dcos`.
    line = BROKEN.split("\n")[d.range.start.line]
    assert d.range.start.character == units(client, line[: line.index("dcos")])
    assert d.range == types.Range(start=pos(client, BROKEN, "dcos"), end=pos(client, BROKEN, "dcos", delta=4))
    assert covered(client, BROKEN, d.range) == "dcos"


async def test_the_same_as_callc_check(client: LanguageClient, tmp_path):
    text = BROKEN.replace("step docs", "step 开场").replace("signal 忙", "signal 忙\n  signal 闲")
    diags = await open_doc(client, text)
    path = tmp_path / "t.call"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run([CALLC, "check", "--format", "json", str(path)], capture_output=True, text=True)
    want = [json.loads(line) for line in run.stdout.splitlines()]
    assert [d.code for d in diags] == [w["code"] for w in want]
    assert len(want) >= 3
    for d, w in zip(diags, want):
        assert d.message.startswith(w["message"])
        assert d.severity == (types.DiagnosticSeverity.Error if w["severity"] == "error" else types.DiagnosticSeverity.Warning)
        assert d.range.start.line == w["range"]["start"]["line"] - 1
        if client.encoding == "utf-16":
            # `--format json` columns are UTF-16 and 1-based.
            assert d.range.start.character == w["range"]["start"]["column"] - 1
        if w["lint"]:
            assert f"`{w['lint']}`" in d.message
        # Secondary labels become related information in the same document.
        related = d.related_information or []
        assert [r.message for r in related] == [s["message"] for s in w["secondary"]]
        assert all(r.location.uri == URI for r in related)
    duplicate = next(d for d in diags if d.code == "E0101")
    assert covered(client, text, duplicate.related_information[0].location.range) == "开场"
    unused = next(d for d in diags if d.code == "W0204")
    assert unused.severity == types.DiagnosticSeverity.Warning


async def test_incremental_changes_fix_break_and_close(client: LanguageClient):
    assert len(await open_doc(client, BROKEN)) == 1
    start, end = pos(client, BROKEN, "dcos"), pos(client, BROKEN, "dcos", delta=4)
    fixed = await change(
        client, 2, [types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text="docs")]
    )
    assert fixed == [], "cleared once fixed"
    # Two edits in one notification, on the line with the emoji: insert after 😀, then rename a target.
    after_emoji = pos(client, CLEAN, "您好😀", delta=3)
    step1 = CLEAN.replace("您好😀", "您好😀！", 1)
    broken = await change(
        client,
        3,
        [
            types.TextDocumentContentChangePartial(range=types.Range(start=after_emoji, end=after_emoji), text="！"),
            types.TextDocumentContentChangePartial(
                range=types.Range(
                    start=pos(client, step1, "next offer", delta=5),
                    end=pos(client, step1, "next offer", delta=10),
                ),
                text="offr",
            ),
        ],
    )
    now = step1.replace("next offer", "next offr")
    assert [d.code for d in broken] == ["E0102", "W0201"]
    assert covered(client, now, broken[0].range) == "offr"
    closed = await published(
        client,
        lambda: client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI))
        ),
    )
    assert closed == [], "cleared on close"


async def test_a_file_that_does_not_parse_gets_its_syntax_error(client: LanguageClient):
    await open_doc(client, CLEAN)
    text = CLEAN.replace("covers 价格 {", "covers 价格 ｛", 1)
    diags = await replace_all(client, 2, text)
    assert [d.code for d in diags] == ["E0001"]
    assert "full-width form of `{`" in diags[0].message
    assert covered(client, text, diags[0].range) == "｛"


async def test_crlf_files(client: LanguageClient):
    text = BROKEN.replace("\n", "\r\n")
    diags = await open_doc(client, text)
    assert covered(client, text, diags[0].range) == "dcos"


async def test_variables_are_checked_as_you_type(client: LanguageClient):
    assert await open_doc(client, MANY) == []
    # An unused variable: a warning, faded for clients that show `unnecessary`.
    text = MANY.replace("回拨{var.回拨}", "", 1)
    diags = await replace_all(client, 2, text)
    assert [d.code for d in diags] == ["W0218"]
    assert covered(client, text, diags[0].range) == "回拨"
    assert diags[0].severity == types.DiagnosticSeverity.Warning
    assert "`unused_var` is a warning by default" in diags[0].message
    publish = client_capabilities(client.client_name).text_document.publish_diagnostics
    faded = bool(publish and publish.tag_support and types.DiagnosticTag.Unnecessary in publish.tag_support.value_set)
    assert list(diags[0].tags or []) == ([types.DiagnosticTag.Unnecessary] if faded else [])
    # A value that is not of its type, after Chinese and an emoji on the line.
    text = MANY.replace('example "2026-12-31"', 'example "2026-02-30"', 1)
    diags = await replace_all(client, 3, text)
    assert [d.code for d in diags] == ["E0106"]
    assert covered(client, text, diags[0].range) == '"2026-02-30"'
    # An `extends` that closes a cycle.
    text = MANY.replace("callee 张强 {", "callee 张强 extends 比价 {", 1)
    diags = await replace_all(client, 4, text)
    assert "E0114" in [d.code for d in diags]
