"""What the editor catches of the scripted mistakes, against what `escalation validate` rejects.

    python -m tests.editor.measure      # prints the table (starts yaml-language-server)

Each mistake is checked by the command line, by a second validator (jsonschema) and by
yaml-language-server over LSP, each with the shipped schema and with the schema
`escalation schema --for FILE` writes for the file.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from escalation.scenario.json_schema import schema_for
from escalation.scenario.loading import load_scenario_text
from escalation.scenario.paths import shipped_scenarios
from escalation.scenario.problems import ScenarioError
from escalation.scenario.scaffold import MODELINE, SCHEMA_FILE
from tests.editor.mistakes import MISTAKES, text_of

SHIPPED = shipped_scenarios()
SEVERE = (1, 2)  # LSP DiagnosticSeverity Error and Warning


def read(name: str) -> str:
    return SHIPPED[name].read_text(encoding="utf-8")


def rejected_by_cli(text: str, file: str) -> bool:
    try:
        load_scenario_text(text, file)
    except ScenarioError:
        return True
    return False


class _Yaml12(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml's parser where PyYAML has it
    """YAML as an editor reads it (1.2): dates are text, 'yes' is text."""


_Yaml12.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(("timestamp", "bool"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def as_editor_reads(text: str):
    """The document as an editor reads it (YAML 1.2: dates are text); ``None`` if it cannot be parsed."""
    try:
        return yaml.load(text, Loader=_Yaml12)
    except yaml.YAMLError:
        return None


def caught_by_jsonschema(text: str, schema: dict | None, doc=None) -> bool:
    """A second validator on the document; a file it cannot parse counts as caught (the editor shows the syntax error)."""
    doc = as_editor_reads(text) if doc is None else doc
    if schema is None or doc is None:
        return True
    return any(True for _ in Draft202012Validator(schema).iter_errors(doc))


def with_schema(text: str, schema_name: str) -> str:
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith(MODELINE):
        lines[0] = f"{MODELINE}{schema_name}\n"
    else:
        lines.insert(0, f"{MODELINE}{schema_name}\n")
    return "".join(lines)


def measure(editor=None) -> list[dict]:
    """One row per mistake: whether each checker flags it (``editor``: a running lsp.Editor, or None to skip LSP)."""
    rows = []
    general = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        shutil.copy(SCHEMA_FILE, here / "schema.json")
        for i, mistake in enumerate(MISTAKES):
            text = text_of(mistake, read)
            path = here / f"m{i:03d}.yaml"
            path.write_text(text, encoding="utf-8")
            try:
                own = schema_for(str(path))
            except ScenarioError as exc:  # `schema --for` refuses: a syntax error (the editor reports it), or a base it cannot find
                own = None if "YAML syntax error" in str(exc) or "YAML" in str(exc) else general
            (here / f"m{i:03d}.schema.json").write_text(json.dumps(own or general), encoding="utf-8")
            doc = as_editor_reads(text)
            row = {"mistake": mistake.name, "base": mistake.base, "cli": rejected_by_cli(text, str(path)),
                   "schema": caught_by_jsonschema(text, general, doc), "schema_for": caught_by_jsonschema(text, own, doc)}
            if editor is not None:
                row["lsp"] = lsp_flags(editor, path, with_schema(text, "schema.json"))
                row["lsp_for"] = lsp_flags(editor, here / f"f{i:03d}.yaml", with_schema(text, f"m{i:03d}.schema.json"))
            rows.append(row)
    return rows


def lsp_flags(editor, path: Path, text: str) -> bool:
    path.write_text(text, encoding="utf-8")
    return any(d.severity in SEVERE for d in editor.problems(path, text))


def table(rows: list[dict]) -> str:
    rejected = [r for r in rows if r["cli"]]
    columns = [c for c in ("schema", "lsp", "schema_for", "lsp_for") if c in rows[0]]
    names = {"schema": "jsonschema, shipped schema", "lsp": "yaml-language-server, shipped schema",
             "schema_for": "jsonschema, schema --for", "lsp_for": "yaml-language-server, schema --for"}
    out = [f"{len(rows)} scripted mistakes; `escalation validate` rejects {len(rejected)}.", "", "| checker | catches (of those rejected) |", "|---|---|"]
    for c in columns:
        out.append(f"| {names[c]} | {sum(r[c] for r in rejected)} of {len(rejected)} |")
    last = columns[-1]
    missed = [r["mistake"] for r in rejected if not r[last]]
    out += ["", f"Beyond the editor ({names[last]}), caught by `escalation validate` only: {', '.join(missed) or 'none'}."]
    return "\n".join(out)


def main() -> None:
    from tests.editor.lsp import Editor, server_command

    command = server_command()
    editor = Editor(command) if isinstance(command, list) else None
    try:
        print(table(measure(editor)))
    finally:
        if editor is not None:
            editor.close()


if __name__ == "__main__":
    main()
