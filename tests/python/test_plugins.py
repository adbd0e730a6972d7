"""`runwatch plugins`: the registry's task, trigger and condition types with their property
schemas, listed, and written as the Markdown reference checked in under docs/plugins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import runwatch
from conftest import REPO
from runwatch import plugins
from runwatch.cli import main
from runwatch.plugins import PluginType, Property

REFERENCE = REPO / "docs" / "plugins"
REGENERATE = "runwatch plugins --markdown --output docs/plugins"


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """The command in a fresh process: only the built-in types are registered there (this
    process's registry also holds the Python task types other tests register)."""
    return subprocess.run([sys.executable, "-m", "runwatch", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def test_the_checked_in_reference_is_up_to_date(tmp_path):
    result = run_cli("plugins", "--markdown", "--output", str(tmp_path))
    assert result.returncode == 0, result.stderr
    generated = {p.name: p.read_text() for p in tmp_path.iterdir()}
    checked_in = {p.name: p.read_text() for p in REFERENCE.iterdir()}
    assert sorted(generated) == sorted(checked_in) == ["README.md", "conditions.md", "tasks.md", "triggers.md"], (
        f"docs/plugins has other pages than the command writes: run `{REGENERATE}`")
    for name, text in generated.items():
        assert checked_in[name] == text, f"docs/plugins/{name} is out of date: run `{REGENERATE}`"


def test_markdown_reports_each_page_written(tmp_path):
    result = run_cli("plugins", "--markdown", "--output", str(tmp_path / "ref"))
    assert result.stdout.splitlines() == [f"wrote {tmp_path / 'ref' / name}" for name in
                                          ("tasks.md", "triggers.md", "conditions.md", "README.md")]


def test_markdown_writes_to_docs_plugins_by_default(tmp_path):
    assert run_cli("plugins", "--markdown", cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in (tmp_path / "docs" / "plugins").iterdir()) == [
        "README.md", "conditions.md", "tasks.md", "triggers.md"]


def test_the_listing_names_every_type_with_its_aliases():
    result = run_cli("plugins")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    headers = [line for line in lines if not line.startswith("  ")]
    assert [h.split(" (")[0] for h in headers] == ["task types", "trigger types", "condition types", "plugin packages"]
    assert "  io.kestra.plugin.core.flow.Sleep" in lines
    assert "  io.kestra.plugin.core.log.Log (also io.kestra.core.tasks.log.Log)" in lines
    assert "  io.kestra.plugin.core.trigger.Schedule (also io.kestra.core.models.triggers.types.Schedule)" in lines
    assert ("  io.kestra.plugin.core.condition.ExecutionStatus (also io.kestra.plugin.core.condition."
            "ExecutionStatusCondition, io.kestra.core.models.conditions.types.ExecutionStatusCondition)") in lines


def test_the_schemas_are_the_ones_flows_are_checked_against():
    (sleep,) = [t for t in plugins.plugin_types("task") if t.name == "io.kestra.plugin.core.flow.Sleep"]
    assert sleep == PluginType(
        kind="task",
        name="io.kestra.plugin.core.flow.Sleep",
        aliases=(),
        description="Waits for a duration on the engine's clock; a kill or a timeout ends the wait.",
        properties=(Property("duration", "duration", True, "How long to wait, in ISO-8601 (PT5S).", None, (), False),),
        requires_any=(),
    )
    # The loader refuses a Sleep without its required property, as the schema says.
    with pytest.raises(runwatch.FlowValidationError, match="duration"):
        runwatch.Flow.from_yaml("id: f\nnamespace: n\ntasks:\n  - id: s\n    type: io.kestra.plugin.core.flow.Sleep\n")


def test_kinds_are_sorted_and_without_duplicate_aliases():
    for kind in plugins.KINDS:
        names = [t.name for t in plugins.plugin_types(kind)]
        assert names == sorted(set(names)) and names
        assert all(t.kind == kind for t in plugins.plugin_types(kind))


def test_a_python_task_type_is_listed_with_its_parameters(type_name):
    @runwatch.task(type_name, description="Counts rows.")
    def count(ctx: runwatch.TaskContext, table: str, limit: int = 10) -> None:
        return None

    (listed,) = [t for t in plugins.plugin_types("task") if t.name == type_name]
    assert [(p.name, p.type, p.required, p.default) for p in listed.properties] == [
        ("table", "string", True, None), ("limit", "integer", False, 10)]


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown plugin kind 'widget': expected one of task, trigger, condition"):
        plugins.plugin_types("widget")
    with pytest.raises(ValueError, match="unknown plugin kind 'widget'"):
        runwatch._core.plugin_schemas("widget")


def test_output_without_markdown_is_an_error(capsys):
    assert main(["plugins", "--output", "somewhere"]) == 2
    assert capsys.readouterr().err == "runwatch: error: --output is where --markdown writes its pages: give --markdown too\n"


def test_an_output_that_is_a_file_is_an_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["plugins", "--markdown", "--output", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("runwatch: error: cannot write the reference pages: ") and str(blocker) in err


def test_a_type_renders_as_an_anchored_section_with_a_property_table():
    t = PluginType(
        kind="task", name="io.example.Post", aliases=("io.example.OldPost",), description="Posts a message.",
        properties=(
            Property("url", "string", True, "Where to.", None, (), False),
            Property("method", "string", False, "The verb | one\nline.", "POST", ("POST", "PUT"), False),
            Property("payload", "any", False, "The body.", {"text": "hi"}, (), True),
        ),
        requires_any=("url", "payload"),
    )
    assert plugins.render_type(t).splitlines() == [
        '<a id="io.example.Post"></a>',
        "",
        "## io.example.Post",
        "",
        "Posts a message.",
        "",
        "Also accepted as: `io.example.OldPost`.",
        "",
        "| Property | Type | Required | Default | Description |",
        "|---|---|---|---|---|",
        "| `url` | string | yes |  | Where to. |",
        "| `method` | string | no | `POST` | The verb \\| one line. One of: `POST`, `PUT`. |",
        '| `payload` | any | no | `{"text": "hi"}` | The body. A JSON document: values its templates print inside '
        "JSON strings are escaped. |",
        "",
        "At least one of `url`, `payload` must be given.",
    ]


def test_the_index_links_every_type_to_its_page():
    index = (REFERENCE / "README.md").read_text()
    for kind, page in plugins.PAGES.items():
        assert f"]({page})" in index
        text = (REFERENCE / page).read_text()
        for line in index.splitlines():
            if line.startswith(f"- [") and f"]({page}#" in line:
                anchor = line.split("#", 1)[1].rstrip(")")
                assert f'<a id="{anchor}"></a>' in text, f"{kind} {anchor} has no section in {page}"


def _fake_distribution(site: Path, name: str, entry_points: str, module: str = "", source: str = "") -> None:
    """A distribution as pip leaves it (dist-info with METADATA and entry_points.txt) in `site`."""
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points)
    if module:
        (site / f"{module}.py").write_text(source)


def test_plugin_packages_load_and_a_broken_one_is_reported_without_stopping_the_others(tmp_path):
    site = tmp_path / "site"
    _fake_distribution(site, "broken-plugin", "[runwatch.plugins]\nbroken = not_a_module_anywhere\n")
    _fake_distribution(site, "row-counter", "[runwatch.plugins]\ncounter = row_counter\n", "row_counter",
                       "import runwatch\n\n"
                       "@runwatch.task('io.example.rows.Count')\n"
                       "def count(ctx, table: str) -> dict:\n"
                       "    return {'rows': len(table)}\n")
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-m", "runwatch", "plugins"], capture_output=True, text=True,
                            timeout=60, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "  io.example.rows.Count [from row-counter 1.0]\n" in result.stdout
    assert "  broken = not_a_module_anywhere (broken-plugin 1.0): failed: ModuleNotFoundError: " \
           "No module named 'not_a_module_anywhere'\n" in result.stdout
    assert "  counter = row_counter (row-counter 1.0): io.example.rows.Count\n" in result.stdout
    assert "PluginLoadWarning: runwatch plugin 'broken' (not_a_module_anywhere) could not be loaded" in result.stderr
    # The reference pages hold runwatch's own types only.
    pages = subprocess.run([sys.executable, "-m", "runwatch", "plugins", "--markdown", "--output", "ref"],
                           capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert pages.returncode == 0, pages.stderr
    assert "io.example.rows.Count" not in (tmp_path / "ref" / "tasks.md").read_text()


def test_an_engine_can_be_made_without_loading_plugin_packages(tmp_path):
    site = tmp_path / "site"
    _fake_distribution(site, "row-counter", "[runwatch.plugins]\ncounter = row_counter\n", "row_counter",
                       "import runwatch\n\n"
                       "@runwatch.task('io.example.rows.Count')\n"
                       "def count(ctx, table: str) -> dict:\n"
                       "    return {'rows': len(table)}\n")
    script = ("import runwatch\n"
              "from runwatch import plugins\n"
              "names = lambda: {t.name for t in plugins.plugin_types('task')}\n"
              "runwatch.Engine(load_plugins=False).stop()\n"
              "print('io.example.rows.Count' in names())\n"
              "runwatch.Engine().stop()\n"
              "print('io.example.rows.Count' in names())\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(site)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "False\nTrue\n"
