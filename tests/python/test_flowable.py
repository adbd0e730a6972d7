"""Loops, pauses and subflows from Python: a Python task runs once per ForEach value,
a paused execution is resumed with Engine.resume (its inputs, files among them), a Subflow's child is an execution of
its own, and flow outputs are on the execution."""

import pytest

import runwatch
from conftest import PROMPT, flow_yaml


def test_a_python_task_runs_once_per_loop_value(engine, type_name):
    seen: list[tuple[str, int]] = []

    @runwatch.task(type_name)
    def square(ctx, value: str, iteration: int):
        seen.append((value, iteration))
        return {"square": int(value) ** 2}

    engine.add_flow(flow_yaml(f"""
        id: squares
        namespace: company.team
        tasks:
          - id: each
            type: io.kestra.plugin.core.flow.ForEach
            values: [1, 2, 3]
            concurrencyLimit: 0
            tasks:
              - id: compute
                type: {type_name}
                value: "{{{{ taskrun.value }}}}"
                iteration: "{{{{ taskrun.iteration }}}}"
        outputs:
          - id: total
            type: INT
            value: "{{{{ outputs.compute['1'].square + outputs.compute['2'].square + outputs.compute['3'].square }}}}"
        """))
    execution = engine.run("company.team", "squares", timeout=PROMPT)
    assert execution.state == "SUCCESS"
    assert sorted(seen) == [("1", 0), ("2", 1), ("3", 2)]
    runs = execution.task_runs_of("compute")
    assert sorted((r.value, r.iteration) for r in runs) == [("1", 0), ("2", 1), ("3", 2)]
    assert execution.task_run("compute", value="2").outputs == {"square": 4}
    assert execution.outputs["compute"] == {"1": {"square": 1}, "2": {"square": 4}, "3": {"square": 9}}
    assert execution.flow_outputs == {"total": 14}
    with pytest.raises(KeyError, match="no task run for task 'compute' for value '4'"):
        execution.task_run("compute", value="4")


def test_a_paused_execution_is_resumed_with_its_inputs(engine):
    engine.add_flow(flow_yaml("""
        id: approval
        namespace: company.team
        tasks:
          - id: approve
            type: io.kestra.plugin.core.flow.Pause
            onResume:
              - id: approved
                type: BOOLEAN
          - id: after
            type: io.kestra.plugin.core.debug.Return
            format: "{{ outputs.approve.onResume.approved }}"
        """))
    paused = engine.run("company.team", "approval", wait=False)
    engine.wait_idle()
    assert engine.execution(paused.id).state == "PAUSED"
    with pytest.raises(runwatch.InputError, match="Missing required input 'approved' \\(BOOLEAN\\)"):
        engine.resume(paused.id)
    engine.resume(paused.id, {"approved": True})
    done = engine.wait(paused.id, timeout=PROMPT)
    assert done.state == "SUCCESS"
    assert done.task_run("after").outputs == {"value": "true"}
    with pytest.raises(runwatch.Error, match=f"Execution '{paused.id}' is not paused: it is SUCCESS"):
        engine.resume(paused.id)


def test_a_paused_execution_is_resumed_with_a_file(engine, tmp_path):
    engine.add_flow(flow_yaml("""
        id: review
        namespace: company.team
        tasks:
          - id: upload
            type: io.kestra.plugin.core.flow.Pause
            onResume:
              - id: report
                type: FILE
          - id: after
            type: io.kestra.plugin.core.debug.Return
            format: "{{ read(outputs.upload.onResume.report) }}"
        """))
    report = tmp_path / "report.csv"
    report.write_bytes(b"flow,state\nnightly,SUCCESS\n")
    paused = engine.run("company.team", "review", wait=False)
    engine.wait_idle()
    with pytest.raises(runwatch.InputError, match="report"):
        engine.resume(paused.id, {"report": "not a file"})
    engine.resume(paused.id, {"report": report})
    done = engine.wait(paused.id, timeout=PROMPT)
    assert done.state == "SUCCESS"
    uri = done.task_run("upload").outputs["onResume"]["report"]
    assert uri == f"kestra:///company/team/review/executions/{paused.id}/inputs/report/report.csv"
    assert engine.read_file(uri) == b"flow,state\nnightly,SUCCESS\n"
    assert done.task_run("after").outputs == {"value": "flow,state\nnightly,SUCCESS\n"}


def test_a_subflow_child_is_an_execution_of_its_own(engine):
    engine.add_flow(flow_yaml("""
        id: child
        namespace: company.team
        tasks:
          - id: hello
            type: io.kestra.plugin.core.debug.Return
            format: "child of {{ trigger.executionId }}"
        outputs:
          - id: greeting
            type: STRING
            value: "{{ outputs.hello.value }}"
        """))
    engine.add_flow(flow_yaml("""
        id: parent
        namespace: company.team
        tasks:
          - id: call
            type: io.kestra.plugin.core.flow.Subflow
            namespace: company.team
            flowId: child
        """))
    parent = engine.run("company.team", "parent", timeout=PROMPT)
    assert parent.state == "SUCCESS"
    call = parent.task_run("call").outputs
    child = engine.execution(call["executionId"])
    assert child.flow_id == "child"
    assert child.state == "SUCCESS"
    assert child.trigger["executionId"] == parent.id
    assert call == {"executionId": child.id, "state": "SUCCESS", "outputs": {"greeting": f"child of {parent.id}"}}


def test_a_flow_retried_as_new_executions_links_each_attempt_to_the_first(engine, clock):
    engine.add_flow(flow_yaml("""
        id: redo
        namespace: company.team
        retry:
          behavior: CREATE_NEW_EXECUTION
          type: constant
          maxAttempt: 2
          interval: PT1M
        tasks:
          - id: fail
            type: io.kestra.plugin.core.execution.Fail
        """))
    first = engine.run("company.team", "redo", timeout=PROMPT)
    assert (first.state, first.attempt_number, first.original_id) == ("RETRIED", 1, first.id)
    clock.advance(60)
    assert engine.wait_idle(PROMPT)
    attempts = engine.executions("company.team", "redo")
    assert [(a.state, a.attempt_number, a.original_id) for a in attempts] == [
        ("RETRIED", 1, first.id),
        ("FAILED", 2, first.id),
    ]


def test_the_resume_task_resumes_another_execution(engine):
    engine.add_flow(flow_yaml("""
        id: gate
        namespace: company.team
        tasks:
          - id: wait
            type: io.kestra.plugin.core.flow.Pause
            onResume:
              - id: by
                type: STRING
          - id: after
            type: io.kestra.plugin.core.debug.Return
            format: "opened by {{ outputs.wait.onResume.by }}"
        """))
    engine.add_flow(flow_yaml("""
        id: opener
        namespace: company.ops
        inputs:
          - id: target
            type: STRING
        tasks:
          - id: open
            type: io.kestra.plugin.core.execution.Resume
            executionId: "{{ inputs.target }}"
            namespace: company.team
            flowId: gate
            inputs:
              by: "{{ flow.namespace }}"
        """))
    paused = engine.run("company.team", "gate", wait=False)
    assert engine.wait_idle(PROMPT)
    assert engine.execution(paused.id).state == "PAUSED"
    assert engine.run("company.ops", "opener", {"target": paused.id}, timeout=PROMPT).state == "SUCCESS"
    gate = engine.wait(paused.id, PROMPT)
    assert gate.state == "SUCCESS"
    assert gate.task_run("after").outputs == {"value": "opened by company.ops"}
