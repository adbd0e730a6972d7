#pragma once
// The flow the engine benchmarks run: a Log, then a Return, both templated.

inline constexpr const char* kTwoTasks = R"(id: two_tasks
namespace: bench
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "Hello from {{ flow.id }}"
  - id: result
    type: io.kestra.plugin.core.debug.Return
    format: "{{ execution.id }}"
)";
