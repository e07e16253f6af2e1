"""A language-server session for tests: yaml-language-server over stdio, driven with pygls's client.

The server is the npm package, pinned like a lock pins a library; it is installed into
``.lsp/`` at the project's root on first use (only npm is needed).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "yaml-language-server@1.25.0"
PREFIX = ROOT / ".lsp"
SERVER = PREFIX / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
SETTINGS = {"yaml": {"validate": True, "completion": True, "hover": True, "format": {"enable": False}, "schemaStore": {"enable": False}, "yamlVersion": "1.2"}}


def server_command() -> list[str] | str:
    """The command that starts the server, installing it first if needed; a string says why it cannot run here."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not SERVER.is_file():
        if npm is None:
            return "npm is not installed, so yaml-language-server cannot be installed (apt-get install npm)"
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(PREFIX), PACKAGE], capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not SERVER.is_file():
            raise RuntimeError(f"npm could not install {PACKAGE}:\n{done.stderr[-2000:]}")
    if node is None:
        return "node is not installed (apt-get install nodejs)"
    return [node, str(SERVER), "--stdio"]


class Editor:
    """A running yaml-language-server and the documents open in it; every call waits for its answer."""

    def __init__(self, command: list[str]):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = LanguageClient("escalation-tests", "1")
        self.diagnostics: dict[str, tuple[int | None, list[t.Diagnostic]]] = {}
        self.versions: dict[str, int] = {}

        @self.client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _published(params: t.PublishDiagnosticsParams):
            self.diagnostics[params.uri] = (params.version, params.diagnostics)

        @self.client.feature(t.WORKSPACE_CONFIGURATION)
        def _configuration(params: t.ConfigurationParams):
            return [SETTINGS.get(item.section or "", SETTINGS) if item.section != "yaml" else SETTINGS["yaml"] for item in params.items]

        self._run(self.client.start_io(*command))
        capabilities = t.ClientCapabilities(
            text_document=t.TextDocumentClientCapabilities(
                completion=t.CompletionClientCapabilities(completion_item=t.ClientCompletionItemOptions(snippet_support=False)),
                hover=t.HoverClientCapabilities(content_format=[t.MarkupKind.Markdown, t.MarkupKind.PlainText]),
                publish_diagnostics=t.PublishDiagnosticsClientCapabilities(version_support=True),
            ),
            workspace=t.WorkspaceClientCapabilities(configuration=True),
        )
        self._run(self.client.initialize_async(t.InitializeParams(capabilities=capabilities, root_uri=ROOT.as_uri(), process_id=None)))
        self.client.initialized(t.InitializedParams())
        self.client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=SETTINGS))

    def _run(self, coroutine, timeout: float = 60):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def open(self, path: Path, text: str) -> str:
        """Open (or replace) the document at ``path`` with ``text``; its diagnostics follow."""
        uri = Path(path).resolve().as_uri()
        version = self.versions.get(uri, 0) + 1
        self.versions[uri] = version
        self.diagnostics.pop(uri, None)
        if version == 1:
            self.client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(uri, "yaml", version, text)))
        else:
            self.client.text_document_did_change(t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(version, uri), [t.TextDocumentContentChangeWholeDocument(text)]))
        return uri

    def problems(self, path: Path, text: str, timeout: float = 30) -> list[t.Diagnostic]:
        """The diagnostics the server publishes for ``text`` at ``path``."""
        import time

        uri = self.open(path, text)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.diagnostics.get(uri)
            if got is not None and got[0] in (None, self.versions[uri]):
                return got[1]
            time.sleep(0.02)
        raise TimeoutError(f"no diagnostics for {path} within {timeout} s")

    def completions(self, path: Path, text: str, line: int, character: int) -> list[str]:
        """The labels the server offers at (line, character), both 0-based, in ``text``."""
        uri = self.open(path, text)
        answer = self._run(self.client.text_document_completion_async(
            t.CompletionParams(t.TextDocumentIdentifier(uri), t.Position(line, character))))
        items = answer.items if isinstance(answer, t.CompletionList) else (answer or [])
        return [item.label for item in items]

    def hover(self, path: Path, text: str, line: int, character: int) -> str:
        uri = self.open(path, text)
        answer = self._run(self.client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(uri), t.Position(line, character))))
        if answer is None:
            return ""
        contents = answer.contents
        return contents.value if hasattr(contents, "value") else str(contents)

    def close(self) -> None:
        try:
            self._run(self.client.shutdown_async(None), timeout=10)
            self.client.exit(None)
            self._run(self.client.stop(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
