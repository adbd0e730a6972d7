"""Kestra's Python Script task on the Process runner: outputs and metrics of a real Python
child, read through the Python API, its virtualenv under runwatch.tasks.cache-directory."""

import runwatch
from conftest import START, flow_yaml


def test_a_python_script_sets_outputs_and_metrics(tmp_path):
    config = {"runwatch": {"tasks": {"cache-directory": str(tmp_path / "cache")}}}
    with runwatch.Engine(clock=runwatch.ManualClock(START), worker_threads=2, config=config) as engine:
        assert engine.config.task_cache_directory == str(tmp_path / "cache")
        engine.add_flow(
            flow_yaml(
                """
                id: py_script
                namespace: company.team
                tasks:
                  - id: count
                    type: io.kestra.plugin.scripts.python.Script
                    inputFiles:
                      rows.txt: "{{ 'a' }}\\nb\\nc\\n"
                    script: |
                      import json, sys
                      rows = open("rows.txt").read().split()
                      print(f"read {len(rows)} rows")
                      print("::" + json.dumps({"outputs": {"rows": len(rows), "python": sys.prefix}}) + "::")
                      metric = {"name": "rows.read", "type": "counter", "value": len(rows), "tags": {"source": "file"}}
                      print("::" + json.dumps({"metrics": [metric]}) + "::")
                """
            )
        )
        # The first run makes a virtualenv: seconds, minutes on a busy host.
        execution = engine.run("company.team", "py_script", timeout=600)
        assert execution.state == "SUCCESS"
        outputs = execution.outputs["count"]
        assert outputs["exitCode"] == 0
        assert outputs["vars"]["rows"] == 3
        assert outputs["vars"]["python"].startswith(str(tmp_path / "cache" / "venvs"))
        assert "read 3 rows" in [line.message for line in execution.logs()]
        records = engine.metrics.snapshot()
        [sample] = [s for s in records if s.name == "kestra_rows_read_total"]
        assert sample.value == 3
        assert sample.labels == {"namespace_id": "company.team", "flow_id": "py_script", "task_id": "count", "source": "file"}
