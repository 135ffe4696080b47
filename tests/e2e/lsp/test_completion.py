"""Completion: ids where a reference goes (while the file is being typed and does
not parse), keywords by block, placeholder paths inside strings; snippets only
for clients that take them (pytest-lsp fails a test on any result that breaks
the client's capabilities)."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from helpers import CLEAN, LISTEN, MANY, URI, apply, open_doc, pos, replace_all


def labels(result) -> list[str]:
    items = result.items if isinstance(result, types.CompletionList) else result
    return [i.label for i in items]


async def complete(client: LanguageClient, text: str, needle: str, delta: int, trigger: str | None = None):
    context = (
        types.CompletionContext(trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character=trigger)
        if trigger
        else types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked)
    )
    return await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=pos(client, text, needle, delta=delta),
            context=context,
        )
    )


# (what replaces what in CLEAN, the cursor: needle and characters into it, the items expected)
REFERENCES = [
    ("next docs }", "next  }", "next  }", 5, ["开场", "docs", "offer", "end", "end(拒绝)"]),
    ("-> end(拒绝) }", "-> ", '。" -> ', 5, ["开场", "docs", "offer", "end", "end(拒绝)"]),
    ('say "您好😀"', 'say "您好😀" on ', "on  ", 3, ["忙", "silence", "hangup"]),
    ('say "您好😀"', 'say "您好😀" on 忙 -> ', "忙 ->  next", 5, ["开场", "docs", "offer", "end", "end(拒绝)"]),
    ("covers 价格 {", "covers 价格, {", "价格, {", 4, ["试用"]),
    ("covers 试用 {", "covers  {", "covers  {", 7, ["价格", "试用"]),
    ("-> end(拒绝) }", "-> end( }", "end( }", 4, ["拒绝"]),
]


@pytest.mark.parametrize("old,new,needle,delta,want", REFERENCES, ids=[r[1].strip() for r in REFERENCES])
async def test_ids_where_references_go(client: LanguageClient, old, new, needle, delta, want):
    await open_doc(client, CLEAN)
    text = CLEAN.replace(old, new, 1)
    await replace_all(client, 2, text)
    result = await complete(client, text, needle, delta, trigger=" ")
    assert labels(result) == want


async def test_picking_an_item_writes_the_reference(client: LanguageClient):
    await open_doc(client, CLEAN)
    text = CLEAN.replace("next docs }", "next do }")
    await replace_all(client, 2, text)
    result = await complete(client, text, "next do }", 7)
    item = next(i for i in result if i.label == "docs")
    assert item.detail == "发送资料"
    assert apply(client, text, [item.text_edit]) == CLEAN
    text = CLEAN.replace("-> end(拒绝) }", "-> end(拒 }")
    await replace_all(client, 3, text)
    result = await complete(client, text, "end(拒 }", 5)
    assert apply(client, text, [result[0].text_edit]) == CLEAN


async def test_keywords_by_block(client: LanguageClient):
    await open_doc(client, CLEAN)
    text = CLEAN.replace('say "您好😀"', 'say "您好😀" ')
    await replace_all(client, 2, text)
    # A space typed after a finished statement does not pop a list up; asking does.
    assert await complete(client, text, '😀" ', 3, trigger=" ") in (None, [])
    result = await complete(client, text, '😀" ', 3)
    # The step has its `next offer`: a second `next` is E0105, so it is not offered.
    assert labels(result) == ["on", "say", "continue", "capture", "retry", "allow", "warn", "deny"]
    snippets = client.client_name != "neovim@v0.10.0"
    say = result[1]
    assert (say.insert_text_format == types.InsertTextFormat.Snippet) == snippets
    assert say.text_edit.new_text == ('say "$0"' if snippets else "say")
    text = CLEAN.replace('name "张强"', 'name "张强" ')
    await replace_all(client, 3, text)
    callee = labels(await complete(client, text, '"张强" ', 5))
    assert "concern" in callee and "background" in callee and "task" not in callee
    text = CLEAN.replace('"开场问候" covers 价格', '"开场问候" ')
    await replace_all(client, 4, text)
    assert labels(await complete(client, text, '"开场问候" ', 7)) == ["covers"]


async def test_placeholders_inside_strings(client: LanguageClient):
    await open_doc(client, CLEAN)
    text = CLEAN.replace('say "您好😀"', 'say "您好😀{"')
    await replace_all(client, 2, text)
    result = await complete(client, text, "😀{", 2, trigger="{")
    names = labels(result)
    assert {"caller.name", "caller.org", "callee.name", "knows.公司"} <= set(names)
    assert "callee.org" not in names, "the callee sets no org"
    item = next(i for i in result if i.label == "knows.公司")
    assert apply(client, text, [item.text_edit]) == CLEAN.replace('say "您好😀"', 'say "您好😀{knows.公司}"')


async def test_lint_names(client: LanguageClient):
    await open_doc(client, CLEAN)
    text = CLEAN.replace('say "资料稍后发到您邮箱。"', "allow ")
    await replace_all(client, 2, text)
    result = await complete(client, text, "allow ", 6, trigger=" ")
    assert "silent_step" in labels(result) and "warnings" in labels(result)


STEPS = ["说明", "报价", "要邮箱", "转接", "确认在线", "留言"]
FLOW_BRANCHES = "    on voicemail -> 留言\n    on no_answer -> end(未接通)\n    on hangup -> end(挂断)\n    on silence -> 确认在线\n    on 忙 -> 要邮箱\n"
ENDS = ["end", "end(留邮箱)", "end(挂断)", "end(未接通)", "end(已留言)"]

# Calls that listen: (what replaces what in LISTEN, the cursor: needle and characters into it, the items expected).
LISTENING = [
    (FLOW_BRANCHES, "    on \n", "    on \n", 7, ["忙", "转人工", "voicemail", "no_answer", "silence", "hangup"]),
    # What `flow` branches on already is left out (a second branch is E0105).
    ("    on voicemail -> 留言", "    on ", "    on \n", 7, ["转人工", "voicemail"]),
    ("retry 2 -> end(挂断)\n", "retry 2 -> end(挂断)\n      on \n", "      on \n", 9, ["忙", "转人工", "silence", "hangup"]),
    # A step's own branches are left out too.
    ("-> end(留邮箱)", "on ", "on \n", 3, ["忙", "silence", "hangup"]),
    ('continue -> end(已留言)', "continue on ", "continue on ", 12, ["hangup"]),
    ("-> end(留邮箱)", "-> ", "-> \n", 3, STEPS + ENDS + ["transfer(销售)"]),
    ("retry 2 -> end(挂断)", "retry 2 -> ", "retry 2 -> \n", 11, STEPS + ENDS + ["transfer(销售)"]),
    ("fallback end(挂断)", "fallback ", "fallback \n", 9, STEPS + ENDS),
    ("on voicemail -> 留言", "on voicemail -> ", "voicemail -> \n", 13, STEPS + ENDS),
    ("on hangup -> end(挂断)", "on hangup -> ", "hangup -> \n", 10, ENDS),
    ("-> end(已留言)", "-> transfer(", "transfer( }", 9, ["销售"]),
    ('callee "给了邮箱" requires 邮箱', 'callee "给了邮箱" requires ', "requires \n", 9, ["套餐", "邮箱"]),
    ("first_speaker callee", "first_speaker ", "first_speaker  //", 14, ["callee", "caller"]),
    ("capture 邮箱 email", "capture 邮箱 ", '邮箱  "', 3, [
        "text", "number", "integer(…)", "percent", "money(…)", "date", "time", "phone", "email", "yes_no", "one_of(…)",
    ]),
]


@pytest.mark.parametrize("old,new,needle,delta,want", LISTENING, ids=[f"{i}:{r[1].strip()}" for i, r in enumerate(LISTENING)])
async def test_the_places_of_calls_that_listen(client: LanguageClient, old, new, needle, delta, want):
    await open_doc(client, LISTEN)
    assert old in LISTEN
    text = LISTEN.replace(old, new, 1)
    await replace_all(client, 2, text)
    result = await complete(client, text, needle, delta, trigger=" " if new.endswith(" ") else "(")
    assert labels(result) == want


async def test_details_docs_and_snippets_of_calls_that_listen(client: LanguageClient):
    await open_doc(client, LISTEN)
    text = LISTEN.replace('callee "给了邮箱" requires 邮箱', 'callee "给了邮箱" requires ', 1)
    await replace_all(client, 2, text)
    result = await complete(client, text, "requires \n", 9, trigger=" ")
    assert [i.detail for i in result] == ["one_of(标准, 高级), optional · step 报价", "email · step 要邮箱"]
    text = LISTEN.replace(FLOW_BRANCHES, "    on \n", 1)
    await replace_all(client, 3, text)
    voicemail = next(i for i in await complete(client, text, "    on \n", 7, trigger=" ") if i.label == "voicemail")
    assert voicemail.kind == types.CompletionItemKind.Event and voicemail.detail == "telephony event"
    doc = voicemail.documentation if isinstance(voicemail.documentation, str) else voicemail.documentation.value
    assert "answering machine" in doc
    # `integer(…)`: a snippet with its bounds for clients that take snippets, else plain `integer`.
    text = LISTEN.replace("capture 邮箱 email", "capture 邮箱 int", 1)
    await replace_all(client, 4, text)
    item = next(i for i in await complete(client, text, '邮箱 int "', 6) if i.label == "integer(…)")
    snippets = client.client_name != "neovim@v0.10.0"
    assert (item.insert_text_format == types.InsertTextFormat.Snippet) == snippets
    want = "integer(${1:1}..${2:100})" if snippets else "integer"
    assert apply(client, text, [item.text_edit]) == LISTEN.replace("capture 邮箱 email", f"capture 邮箱 {want}", 1)
    # Picking a transfer after `transfer(` closes the parenthesis.
    text = LISTEN.replace("-> end(已留言)", "-> transfer(销", 1)
    await replace_all(client, 5, text)
    item = (await complete(client, text, "transfer(销 }", 10))[0]
    assert apply(client, text, [item.text_edit]) == LISTEN.replace("-> end(已留言)", "-> transfer(销售)", 1)


@pytest.mark.parametrize(
    "old,new,needle,delta,want",
    [
        # A waiting step with a capture and a retry: no `continue`, no second `retry`.
        ("retry 2 -> end(挂断)\n", "retry 2 -> end(挂断)\n      \n", "      \n    }", 6, ["on", "say", "next", "capture", "allow", "warn", "deny"]),
        # A transfer with only its line: `to`, `fallback`, `requires`.
        ('      to "queue:renewal_sales"\n      fallback end(挂断)\n      requires 邮箱\n', "      \n", "      \n    }", 6,
         ["requires", "to", "fallback", "allow", "warn", "deny"]),
        # `end` holds its `closing` already.
        ('    closing "再见"', '    \n    closing "再见"', '    \n    closing', 4, ["when", "transfer", "allow", "warn", "deny"]),
    ],
    ids=["step", "transfer", "end"],
)
async def test_keywords_of_steps_transfers_and_end(client: LanguageClient, old, new, needle, delta, want):
    await open_doc(client, LISTEN)
    assert old in LISTEN
    text = LISTEN.replace(old, new, 1)
    await replace_all(client, 2, text)
    assert labels(await complete(client, text, needle, delta)) == want


VARIABLES = ["var.客户", "var.到期日", "var.优惠", "var.费用", "var.套餐", "var.回拨"]
TYPES = ["text", "number", "integer(…)", "percent", "money(…)", "date", "time", "phone", "email", "yes_no", "one_of(…)"]

# Per-call variables, several callees, signal examples: (what replaces what in MANY, the
# cursor: needle and characters into it, the trigger character or None, the items expected).
MANY_PLACES = [
    ("回拨{var.回拨}", "回拨{var.", '{var."', 5, ".", VARIABLES),
    ("回拨{var.回拨}", "回拨{", '{"', 1, "{", VARIABLES + ["caller.name", "caller.org", "callee.name"]),
    # A step's title is fixed when the spec is compiled: no variable there (E0113).
    ('"问候😀"', '"问候{😀"', "{😀", 1, "{", ["caller.name", "caller.org", "callee.name"]),
    ("回拨   phone", "回拨   ", "回拨   ", 5, " ", TYPES),
    ('required example "张强"', "required ", 'required  "', 9, None, ["example", "pii"]),
    ("optional pii", "optional ", "optional \n", 9, None, ["example", "pii"]),
    ("default 标准", "default ", "default \n", 8, " ", ["标准", "高级"]),
    ("callee 忙碌 extends 张强", "callee 忙碌 ", "忙碌  {", 3, None, ["extends"]),
    ("忙碌 extends 张强", "忙碌 extends ", "extends  {", 8, " ", ["张强"]),
    ("比价 extends 忙碌", "比价 extends ", "extends  {", 8, " ", ["张强", "忙碌"]),
    ('    example "在开会😀"\n', '    example "在开会😀"\n    \n', "    \n  }\n  vars", 4, None, ["example", "allow", "warn", "deny"]),
]


@pytest.mark.parametrize(
    "old,new,needle,delta,trigger,want", MANY_PLACES, ids=[f"{i}:{r[1].strip()}" for i, r in enumerate(MANY_PLACES)]
)
async def test_variables_callees_and_signal_examples(client: LanguageClient, old, new, needle, delta, trigger, want):
    await open_doc(client, MANY)
    assert old in MANY
    text = MANY.replace(old, new, 1)
    await replace_all(client, 2, text)
    assert labels(await complete(client, text, needle, delta, trigger=trigger)) == want


async def test_picking_a_variable_a_type_and_a_word_of_its_line(client: LanguageClient):
    await open_doc(client, MANY)
    text = MANY.replace("回拨{var.回拨}", "回拨{var.回", 1)
    await replace_all(client, 2, text)
    result = await complete(client, text, '{var.回"', 6)
    item = next(i for i in result if i.label == "var.回拨")
    assert item.detail == "phone" and item.kind == types.CompletionItemKind.Variable
    assert apply(client, text, [item.text_edit]) == MANY
    snippets = client.client_name != "neovim@v0.10.0"
    # `money(…)`: the currency as a snippet placeholder, or `money(` to go on typing.
    text = MANY.replace("费用   money(CNY)", "费用   mo", 1)
    await replace_all(client, 3, text)
    item = next(i for i in await complete(client, text, "费用   mo", 7) if i.label == "money(…)")
    want = "money(${1:CNY})" if snippets else "money("
    assert apply(client, text, [item.text_edit]) == MANY.replace("费用   money(CNY)", f"费用   {want}", 1)
    # `example` takes a value of the variable's type: quoted for a date.
    text = MANY.replace('date               required example "2026-12-31"', "date               required ", 1)
    await replace_all(client, 4, text)
    result = await complete(client, text, "required \n", 9)
    item = next(i for i in result if i.label == "example")
    want = 'example "$0"' if snippets else "example"
    assert apply(client, text, [item.text_edit]) == text.replace("required \n", f"required {want}\n", 1)
    # A space typed after the type does not pop a list up: the line is complete.
    text = MANY.replace("回拨   phone              optional pii", "回拨 phone ", 1)
    await replace_all(client, 5, text)
    assert await complete(client, text, "phone \n", 6, trigger=" ") in (None, [])
