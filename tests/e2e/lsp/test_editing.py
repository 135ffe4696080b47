"""The outline, formatting, rename and quick fixes."""

from __future__ import annotations

import subprocess

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from helpers import BROKEN, CALLC, CLEAN, LISTEN, MANY, URI, apply, at, covered, open_doc, pos, replace_all

DOC = types.TextDocumentIdentifier(uri=URI)


async def test_document_symbols_outline_the_call(client: LanguageClient):
    await open_doc(client, CLEAN)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=DOC))
    root = symbols[0]
    assert isinstance(root, types.DocumentSymbol), "these clients take the hierarchy"
    assert root.name == "续约" and root.kind == types.SymbolKind.Module
    assert [c.name for c in root.children] == ["李明", "张强", "忙", "flow", "faq", "end"]
    caller, callee, signal, flow, faq, end = root.children
    assert caller.children[0].name == "knows" and caller.children[0].children[0].name == "公司"
    assert [c.name for c in callee.children] == ["价格", "试用"]
    assert callee.children[0].detail == "primary · 价格是否透明😀"
    assert signal.kind == types.SymbolKind.Event and signal.detail == "张强说忙"
    assert [c.name for c in flow.children] == ["on 忙 -> docs", "开场", "docs", "offer"]
    offer = flow.children[3]
    assert offer.kind == types.SymbolKind.Function and offer.detail == "活动优势"
    assert covered(client, CLEAN, offer.selection_range) == "offer"
    assert covered(client, CLEAN, offer.range).startswith('step offer "活动优势"')
    assert covered(client, CLEAN, offer.range).endswith("}")
    assert [c.name for c in faq.children] == ["条款"]
    assert [c.name for c in end.children] == ["拒绝"]
    # While the file does not parse, the outline of its last good version stays.
    await replace_all(client, 2, CLEAN.replace("flow {", "flow"))
    again = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=DOC))
    assert [c.name for c in again[0].children] == ["李明", "张强", "忙", "flow", "faq", "end"]


OPTIONS = types.FormattingOptions(tab_size=2, insert_spaces=True)


async def test_formatting_is_callc_fmt(client: LanguageClient):
    text = CLEAN.replace("  locale", "\tlocale  ").replace("step 开场", "step    开场")
    await open_doc(client, text)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(text_document=DOC, options=OPTIONS))
    want = subprocess.run([CALLC, "fmt", "-"], input=text, capture_output=True, text=True, check=True).stdout
    assert apply(client, text, edits or []) == want


async def test_formatting_leaves_a_broken_file_alone(client: LanguageClient):
    await open_doc(client, CLEAN.replace("flow {", "flow"))
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(text_document=DOC, options=OPTIONS))
    assert not edits


async def test_rename_changes_every_occurrence(client: LanguageClient):
    await open_doc(client, CLEAN)
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(**at(client, CLEAN, "docs")))
    assert prepared.placeholder == "docs"
    assert covered(client, CLEAN, prepared.range) == "docs"
    edit = await client.text_document_rename_async(types.RenameParams(**at(client, CLEAN, "docs", 2), new_name="发资料"))
    renamed = apply(client, CLEAN, edit.changes[URI])
    assert renamed == CLEAN.replace("docs", "发资料")
    # The result is checked like any other text: no new diagnostic.
    assert await replace_all(client, 2, renamed) == []


@pytest.mark.parametrize(
    "needle,why",
    [("step", "`step` is a keyword"), ("资料稍后", "inside a string"), ("callee.name", "field of the callee")],
)
async def test_prepare_rename_refuses_what_is_not_an_id(client: LanguageClient, needle, why):
    await open_doc(client, CLEAN)
    with pytest.raises(JsonRpcException) as e:
        await client.text_document_prepare_rename_async(types.PrepareRenameParams(**at(client, CLEAN, needle)))
    assert why in str(e.value)


@pytest.mark.parametrize(
    "new,why",
    [("offer", "already the id of a step"), ("忙", "already the id of a signal"), ("a b", "not an identifier"), ("end", "keyword")],
)
async def test_rename_refuses_bad_names(client: LanguageClient, new, why):
    await open_doc(client, CLEAN)
    with pytest.raises(JsonRpcException) as e:
        await client.text_document_rename_async(types.RenameParams(**at(client, CLEAN, "docs"), new_name=new))
    assert why in str(e.value)


async def test_a_quick_fix_applies_the_did_you_mean(client: LanguageClient):
    diags = await open_doc(client, BROKEN)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=DOC, range=diags[0].range, context=types.CodeActionContext(diagnostics=diags)
        )
    )
    assert len(actions) == 1
    a = actions[0]
    assert a.kind == types.CodeActionKind.QuickFix
    assert a.title == "Replace `dcos` with `docs`"
    assert a.is_preferred
    assert [d.code for d in a.diagnostics] == ["E0102"]
    fixed = apply(client, BROKEN, a.edit.changes[URI])
    assert fixed == CLEAN
    assert await replace_all(client, 2, fixed) == []


@pytest.mark.parametrize(
    "old,new,title,after",
    [
        ("covers 价格 {", "covers 价格 ｛", "Replace `｛` with `{`", "covers 价格 {"),
        ('a "有。"', 'a "有{。"', "Replace `{` with `{{`", 'a "有{{。"'),
        ("gender", "gender", None, None),
    ],
    ids=["full-width brace", "lone brace", "no fix"],
)
async def test_quick_fixes_for_other_fixable_problems(client: LanguageClient, old, new, title, after):
    text = CLEAN.replace(old, new, 1)
    diags = await open_doc(client, text)
    where = diags[0].range if diags else types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(text_document=DOC, range=where, context=types.CodeActionContext(diagnostics=diags))
    )
    if title is None:
        assert not actions
        return
    assert actions[0].title == title
    assert after in apply(client, text, actions[0].edit.changes[URI])


async def test_the_outline_holds_captures_and_transfers(client: LanguageClient):
    await open_doc(client, LISTEN)
    root = (await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=DOC)))[0]
    flow = next(c for c in root.children if c.name == "flow")
    assert flow.children[0].name == "on voicemail -> 留言" and flow.children[0].detail == "when the call starts"
    offer = next(c for c in flow.children if c.name == "报价")
    assert [(c.name, c.kind, c.detail) for c in offer.children] == [
        ("套餐", types.SymbolKind.Variable, "one_of(标准, 高级), optional · 套餐😀")
    ]
    assert covered(client, LISTEN, offer.children[0].selection_range) == "套餐"
    end = next(c for c in root.children if c.name == "end")
    assert [c.name for c in end.children] == ["留邮箱", "挂断", "未接通", "已留言", "销售"]
    assert end.children[4].kind == types.SymbolKind.Object and end.children[4].detail == "销售顾问😀"


async def test_rename_a_capture_from_a_requires(client: LanguageClient):
    await open_doc(client, LISTEN)
    where = at(client, LISTEN, "requires 邮箱\n", 1, 9)
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(**where))
    assert prepared.placeholder == "邮箱"
    edit = await client.text_document_rename_async(types.RenameParams(**where, new_name="email地址"))
    renamed = apply(client, LISTEN, edit.changes[URI])
    assert renamed == LISTEN.replace("邮箱 email", "email地址 email").replace("requires 邮箱", "requires email地址")
    assert await replace_all(client, 2, renamed) == []


async def test_rename_refuses_events_and_event_names(client: LanguageClient):
    await open_doc(client, LISTEN)
    with pytest.raises(JsonRpcException) as e:
        await client.text_document_prepare_rename_async(types.PrepareRenameParams(**at(client, LISTEN, "silence ->")))
    assert "`silence` is a built-in telephony event" in str(e.value)
    with pytest.raises(JsonRpcException) as e:
        await client.text_document_rename_async(
            types.RenameParams(**at(client, LISTEN, "确认在线 {"), new_name="voicemail")
        )
    assert "E0108" in str(e.value)


@pytest.mark.parametrize(
    "old,new,title",
    [
        ("capture 邮箱 email", "capture 邮箱 emial", "Replace `emial` with `email`"),
        ("on voicemail", "on voicemial", "Replace `voicemial` with `voicemail`"),
        ("first_speaker callee", "first_speaker agent", "Replace `agent` with `caller`"),
        ('say "请回电😀" continue', 'say "请回电😀" continue continue', "Remove `continue`"),
    ],
    ids=["capture type", "event", "first speaker", "second continue"],
)
async def test_quick_fixes_of_calls_that_listen(client: LanguageClient, old, new, title):
    text = LISTEN.replace(old, new, 1)
    diags = [d for d in await open_doc(client, text) if d.data and d.data.get("fix")]
    assert len(diags) == 1
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(text_document=DOC, range=diags[0].range, context=types.CodeActionContext(diagnostics=diags))
    )
    assert actions[0].title == title and actions[0].kind == types.CodeActionKind.QuickFix
    fixed = apply(client, text, actions[0].edit.changes[URI])
    if "agent" in new:
        assert fixed == LISTEN.replace("first_speaker callee", "first_speaker caller", 1)
    elif "continue continue" not in new:
        assert fixed == LISTEN
    after = await replace_all(client, 2, fixed)
    assert not [d for d in after if d.severity == types.DiagnosticSeverity.Error]


async def test_the_outline_holds_variables_and_every_callee(client: LanguageClient):
    await open_doc(client, MANY)
    root = (await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=DOC)))[0]
    assert [(c.name, c.detail) for c in root.children[1:6]] == [
        ("张强", "callee · {var.客户}"),
        ("忙碌", "callee extends 张强"),
        ("比价", "callee extends 忙碌"),
        ("忙", "张强说忙😀 (2 examples)"),
        ("vars", None),
    ]
    vars_ = root.children[5]
    assert [(c.name, c.kind, c.detail) for c in vars_.children[:3]] == [
        ("客户", types.SymbolKind.Variable, "text · required · example 张强 · 客户姓名😀"),
        ("到期日", types.SymbolKind.Variable, "date · required · example 2026-12-31"),
        ("优惠", types.SymbolKind.Variable, "percent · default 8"),
    ]
    assert covered(client, MANY, vars_.children[1].selection_range) == "到期日"


async def test_rename_a_variable_and_a_callee(client: LanguageClient):
    await open_doc(client, MANY)
    where = at(client, MANY, "{var.客户}", 1, 6)
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(**where))
    assert prepared.placeholder == "客户" and covered(client, MANY, prepared.range) == "客户"
    edit = await client.text_document_rename_async(types.RenameParams(**where, new_name="customer_name"))
    renamed = apply(client, MANY, edit.changes[URI])
    assert renamed == MANY.replace("客户   text", "customer_name   text").replace("{var.客户}", "{var.customer_name}")
    assert await replace_all(client, 2, renamed) == []
    await replace_all(client, 3, MANY)
    edit = await client.text_document_rename_async(types.RenameParams(**at(client, MANY, "extends 张强", 0, 8), new_name="zhang"))
    assert apply(client, MANY, edit.changes[URI]) == MANY.replace("callee 张强", "callee zhang").replace("extends 张强", "extends zhang")


@pytest.mark.parametrize(
    "new,why",
    [("pii", "a word of a variable's line"), ("default", "a word of a variable's line"), ("客户", "already a variable")],
)
async def test_rename_refuses_what_a_variable_cannot_be_called(client: LanguageClient, new, why):
    await open_doc(client, MANY)
    with pytest.raises(JsonRpcException) as e:
        await client.text_document_rename_async(types.RenameParams(**at(client, MANY, "回拨   phone"), new_name=new))
    assert why in str(e.value)


@pytest.mark.parametrize(
    "old,new,title",
    [
        ('到期日 date               required example "2026-12-31"', "到期日 date               required",
         'Insert `example "2026-12-31"`'),
        ("{var.到期日}", "{var.到其日}", "Replace `{var.到其日}` with `{var.到期日}`"),
        ("extends 张强", "extends 张墙", "Replace `张墙` with `张强`"),
        ("优惠   percent", "优惠   pct", "Replace `pct` with `percent`"),
    ],
    ids=["missing example", "unknown variable", "unknown base", "type of another tool"],
)
async def test_quick_fixes_of_variables_and_callees(client: LanguageClient, old, new, title):
    text = MANY.replace(old, new, 1)
    diags = [d for d in await open_doc(client, text) if d.data and d.data.get("fix")]
    assert len(diags) == 1
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(text_document=DOC, range=diags[0].range, context=types.CodeActionContext(diagnostics=diags))
    )
    assert actions[0].title == title and actions[0].kind == types.CodeActionKind.QuickFix
    fixed = apply(client, text, actions[0].edit.changes[URI])
    if "example" not in title:
        assert fixed == MANY
    assert await replace_all(client, 2, fixed) == []
