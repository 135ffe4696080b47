"""The `client` fixture: `callc lsp` (the built binary) driven by pytest-lsp with the
recorded capabilities of real editors. Every test runs once per client:

- neovim@v0.10.0: UTF-16 positions only;
- neovim (0.11): offers UTF-8 first, so the server speaks UTF-8;
- visual_studio_code: UTF-16, snippets, Markdown everywhere.
"""

from __future__ import annotations

import os

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from helpers import CALLC, CONFIG

CLIENTS = ["neovim@v0.10.0", "neovim", "visual_studio_code"]


def pytest_sessionstart(session):
    if not os.access(CALLC, os.X_OK):
        raise pytest.UsageError(f"{CALLC} is not an executable: run `cargo build` first (or set CALLC_BIN)")


@pytest_lsp.fixture(params=CLIENTS, config=CONFIG)
async def client(request, lsp_client: LanguageClient):
    capabilities = client_capabilities(request.param)
    result = await lsp_client.initialize_session(types.InitializeParams(capabilities=capabilities))
    lsp_client.init_result = result
    encoding = result.capabilities.position_encoding
    lsp_client.encoding = getattr(encoding, "value", encoding) or "utf-16"
    lsp_client.client_name = request.param
    yield
    await lsp_client.shutdown_session()
    # shutdown then exit: the process ends by itself, with status 0.
    assert lsp_client._server is not None and lsp_client._server.returncode == 0
