"""Semantic tokens: every construct coloured by what it is, in the client's column
unit, one token per line (block strings are cut), also while the file does not parse."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from helpers import LISTEN, MANY, URI, covered, open_doc, pos, replace_all, units

DOC = types.TextDocumentIdentifier(uri=URI)
TEXT = LISTEN.replace('say "请稍候😀。"', 'say """\n        请稍候😀。\n      """')


def legend(client: LanguageClient):
    provider = client.init_result.capabilities.semantic_tokens_provider
    return provider.legend.token_types, provider.legend.token_modifiers


def decode(client: LanguageClient, data):
    """(line, column, length, type name, modifier names) for each token."""
    types_, modifiers = legend(client)
    out, line, col = [], 0, 0
    for i in range(0, len(data), 5):
        dl, ds, length, t, m = data[i : i + 5]
        col = col + ds if dl == 0 else ds
        line += dl
        names = {modifiers[b] for b in range(len(modifiers)) if m >> b & 1}
        out.append((line, col, length, types_[t], names))
    return out


def token_at(client: LanguageClient, tokens, text: str, needle: str, nth: int = 0):
    p = pos(client, text, needle, nth)
    t = next(t for t in tokens if (t[0], t[1]) == (p.line, p.character))
    r = types.Range(start=p, end=types.Position(line=p.line, character=p.character + t[2]))
    return t[3], t[4], covered(client, text, r)


CASES = [
    ("voicemail", 0, "event", {"defaultLibrary"}, "voicemail"),
    ("转人工 ->", 0, "event", set(), "转人工"),
    ("transfer(销售)", 0, "keyword", set(), "transfer"),
    ("销售)", 0, "struct", set(), "销售"),
    ('销售 "', 0, "struct", {"declaration"}, "销售"),
    ("continue", 0, "keyword", set(), "continue"),
    ("邮箱 email", 0, "variable", {"declaration"}, "邮箱"),
    ("requires 邮箱", 0, "keyword", set(), "requires"),
    ('email "', 0, "type", {"defaultLibrary"}, "email"),
    ("标准", 0, "enumMember", set(), "标准"),
    ("callee //", 0, "enumMember", {"defaultLibrary"}, "callee"),
    ('要邮箱 "', 0, "function", {"declaration"}, "要邮箱"),
    ("retry", 0, "keyword", set(), "retry"),
    ("2 ->", 0, "number", set(), "2"),
    ("// 对方先开口😀", 0, "comment", set(), "// 对方先开口😀"),
    ('"请回电😀"', 0, "string", set(), '"请回电😀"'),
    ("        请稍候😀。", 0, "string", set(), "        请稍候😀。"),
]


async def test_every_construct_is_coloured(client: LanguageClient):
    await open_doc(client, TEXT)
    result = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=DOC))
    tokens = decode(client, result.data)
    for needle, nth, kind, modifiers, word in CASES:
        assert token_at(client, tokens, TEXT, needle, nth) == (kind, modifiers, word), needle
    # No token runs past the end of its line.
    lines = TEXT.split("\n")
    assert all(col + length <= units(client, lines[line]) for line, col, length, _, _ in tokens)


async def test_a_range_gets_the_tokens_of_its_lines(client: LanguageClient):
    await open_doc(client, TEXT)
    line = pos(client, TEXT, "        请稍候").line
    r = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line + 1, character=0))
    result = await client.text_document_semantic_tokens_range_async(types.SemanticTokensRangeParams(text_document=DOC, range=r))
    tokens = decode(client, result.data)
    assert [(t[0], t[3]) for t in tokens] == [(line, "string")]


async def test_ids_keep_their_colour_while_the_file_does_not_parse(client: LanguageClient):
    await open_doc(client, TEXT)
    broken = TEXT.replace("flow {", "flow", 1)
    await replace_all(client, 2, broken)
    result = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=DOC))
    tokens = decode(client, result.data)
    assert token_at(client, tokens, broken, "销售)")[0] == "struct"
    assert token_at(client, tokens, broken, "voicemail")[:2] == ("event", {"defaultLibrary"})


MANY_CASES = [
    ("vars", 0, "keyword", set(), "vars"),
    ("客户   text", 0, "variable", {"declaration"}, "客户"),
    ("text ", 0, "type", {"defaultLibrary"}, "text"),
    ("required", 0, "keyword", set(), "required"),
    ('example "张强"', 0, "keyword", set(), "example"),
    ('example "在开会', 0, "property", set(), "example"),
    ("money", 0, "type", {"defaultLibrary"}, "money"),
    ("CNY", 0, "enumMember", set(), "CNY"),
    ("default 标准", 0, "keyword", set(), "default"),
    ("标准\n", 0, "enumMember", set(), "标准"),
    ("pii", 0, "keyword", set(), "pii"),
    ("{var.到期日}", 0, "variable", set(), "{var.到期日}"),
    ("extends", 0, "keyword", set(), "extends"),
    ("忙碌 extends", 0, "class", {"declaration"}, "忙碌"),
]


async def test_variables_and_callees_are_coloured(client: LanguageClient):
    await open_doc(client, MANY)
    result = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=DOC))
    tokens = decode(client, result.data)
    for needle, nth, kind, modifiers, word in MANY_CASES:
        assert token_at(client, tokens, MANY, needle, nth) == (kind, modifiers, word), needle
    base = pos(client, MANY, "extends 张强", delta=8)
    assert next(t for t in tokens if (t[0], t[1]) == (base.line, base.character))[3] == "class"
    # While the file does not parse, a variable's line keeps its colours.
    broken = MANY.replace("flow {", "flow", 1)
    await replace_all(client, 2, broken)
    result = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=DOC))
    tokens = decode(client, result.data)
    for needle, kind in [("客户   text", "variable"), ("money", "type"), ("pii", "keyword"), ("比价 extends", "class")]:
        assert token_at(client, tokens, broken, needle)[0] == kind, needle
