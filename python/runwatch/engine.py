"""The engine: load flows, run executions, wait for them, kill them."""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Optional, Union

from . import _core
from .alerts import Alert, AlertEvent, alert_event_records, alert_records
from .errors import ExecutionTimeout, InputError
from .execution import Execution
from .metrics import Metrics
from .plugin_packages import load_plugin_packages
from .records import Records
from .silences import Silence, format_instant, silence_body

ManualClock = _core.ManualClock
Flow = _core.Flow


class ScheduledTrigger(NamedTuple):
    """A Schedule trigger of a loaded flow: its next and last dates (timezone-aware, or None),
    and why it cannot be scheduled or its latest date started nothing (None when all is well)."""

    namespace: str
    flow_id: str
    trigger_id: str
    next_date: Optional[datetime.datetime]
    last_date: Optional[datetime.datetime]
    error: Optional[str]


class TriggerMatch(NamedTuple):
    """A monitoring flow's trigger that would fire (a Flow trigger) or count the execution
    (an alerting trigger: Alert, Absence, Stuck): its flow, the trigger's id and type."""

    namespace: str
    flow_id: str
    trigger_id: str
    type: str = ""

    @property
    def alerting(self) -> bool:
        """An alerting trigger counts the execution in its alerts; it notifies by its rule."""
        return self.type.startswith("io.runwatch.plugin.trigger.")


ConfigSource = Union[str, os.PathLike[str], Mapping[str, Any], None]


def load_config(config: ConfigSource) -> _core.Config:
    """Reads a configuration: an application.yml path, or the same keys as nested dicts.

    Environment variables override it in Micronaut's style (ENDPOINTS_ALL_PORT=9000).
    Unknown keys are warned about; invalid values raise ConfigError naming each key.
    """
    if config is None:
        loaded = _core.config_from_dict({})
    elif isinstance(config, (str, os.PathLike)):
        loaded = _core.load_config(os.fspath(config))
    elif isinstance(config, Mapping):
        loaded = _core.config_from_dict(dict(config))
    else:
        raise TypeError(f"config must be a path or a mapping, got {type(config).__name__}")
    for issue in loaded.warnings:
        warnings.warn(str(issue), ConfigWarning, stacklevel=3)
    return loaded


class ConfigWarning(UserWarning):
    """An unknown configuration key, ignored."""


def _reachable(host: str) -> str:
    """An address of `host` this machine can connect to: loopback for the wildcard ones."""
    if host in ("0.0.0.0", "::", "[::]"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def exposure_notes(config: _core.Config) -> list[str]:
    """What `runwatch server` says at start about who can reach it."""
    loopback = _core.is_loopback_host
    notes = []
    if loopback(config.api_host) and loopback(config.management_host):
        notes.append("listening on loopback only: to serve other machines set micronaut.server.host "
                     "(with kestra.server.basic-auth.username and .password) and endpoints.all.host")
    for host, auth_key, tls in ((config.api_host, "kestra.server.basic-auth", config.api_tls),
                                (config.management_host, "endpoints.all.basic-auth", config.management_tls)):
        if not loopback(host) and not tls and any(k.startswith(auth_key) for k in config.effective):
            notes.append(f"warning: {auth_key} credentials travel in clear over plain HTTP on {host}: "
                         "enable TLS (micronaut.server.ssl, endpoints.all.ssl) or put a TLS proxy in front")
    return notes


class Server:
    """The API server and the management server of a running engine.

    `url` is the API's base URL (/api/v1/...), `management_url` the management endpoints'
    (/health, /loggers, ...). Stop both with `stop()` or use it as a context manager.
    """

    def __init__(self, api: _core.HttpServer, management: _core.HttpServer) -> None:
        self._api = api
        self._management = management

    @property
    def port(self) -> int:
        return self._api.port

    @property
    def management_port(self) -> int:
        return self._management.port

    @property
    def host(self) -> str:
        """Where the API listens: 127.0.0.1 unless micronaut.server.host says otherwise."""
        return self._api.host

    @property
    def management_host(self) -> str:
        return self._management.host

    @property
    def scheme(self) -> str:
        """https when micronaut.server.ssl is enabled, else http."""
        return "https" if self._api.tls else "http"

    @property
    def management_scheme(self) -> str:
        return "https" if self._management.tls else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{_reachable(self.host)}:{self.port}"

    @property
    def management_url(self) -> str:
        return f"{self.management_scheme}://{_reachable(self.management_host)}:{self.management_port}"

    def stop(self) -> None:
        self._api.stop()
        self._management.stop()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class KvValue(NamedTuple):
    """A key's value and its Kestra type (STRING, NUMBER, BOOLEAN, DATETIME, DATE, DURATION, JSON)."""

    value: Any
    type: str


class KeyValueStore:
    """One namespace's KV store: what kv.Set writes and kv() reads, kept in the engine's repository.

    Keys match ``[a-zA-Z0-9][a-zA-Z0-9._-]*``; a bad key or a value over 1 MiB as JSON
    raises Error. A key past its ttl (on the engine's clock) reads as missing.
    """

    def __init__(self, core: _core.Engine, namespace: str) -> None:
        self._core = core
        self.namespace = namespace

    def entry(self, key: str) -> Optional[KvValue]:
        """The key's value and type, or None when it has none."""
        found = self._core.kv_get(self.namespace, key)
        return None if found is None else KvValue(*found)

    def get(self, key: str, default: Any = None) -> Any:
        """The key's value, or `default` when it has none."""
        found = self.entry(key)
        return default if found is None else found.value

    def set(
        self,
        key: str,
        value: Any,
        *,
        ttl: Optional[datetime.timedelta] = None,
        overwrite: bool = True,
        description: Optional[str] = None,
    ) -> None:
        """Sets the key; with overwrite=False, raises Error when it already holds a value."""
        seconds = None if ttl is None else ttl.total_seconds()
        self._core.kv_set(self.namespace, key, value, seconds, overwrite, description)

    def delete(self, key: str) -> bool:
        """Deletes the key; False when it held no value."""
        return self._core.kv_delete(self.namespace, key)

    def keys(self) -> list[str]:
        """The keys that hold a value, sorted."""
        return self._core.kv_keys(self.namespace)


class Engine:
    """A runwatch engine: an executor thread, a pool of worker threads and its flows.

    `config` is an application.yml path or the same keys as nested dicts (see
    `load_config`). `secrets` are what `{{ secret('NAME') }}` returns before the environment variable
    SECRET_NAME (base64-encoded, as Kestra reads it) is looked up.

    Flows and executions are recorded in the repository of `kestra.repository.type`
    (memory or sqlite, the file `kestra.repository.path`), `default_repository` when the
    configuration names none. On SQLite, an engine starts with what earlier runs
    recorded: their flows (latest revisions), then the flow files of `flows` (a changed
    file becomes the flow's next revision), then the executions a crash left unfinished
    go on (`recovered` says how many): one still CREATED starts, a monitoring execution
    resumes, any other ends FAILED ("engine restarted while running"), which fires the
    monitoring flows that watch it.

    Files (FILE inputs, script tasks' output files) are kept in the internal storage's
    folder, `kestra.storage.local.base-path`; without it, a `storage` folder beside the
    SQLite file, or, on the memory repository, a temporary folder removed with the engine.

    SECRET inputs are encrypted at rest with `kestra.encryption.secret-key` (AES-GCM, as
    Kestra): the execution holds {"type": "io.kestra.datatype:aes_encrypted", "value": ...}
    and only its task runs see the text, masked in their logs and outputs. Without a key,
    an engine on the memory repository encrypts them with a random key that never leaves
    the process; with `require_encryption_key` (what `runwatch server` sets) or a
    persistent repository, a SECRET input is refused (InputError), as Kestra does.

    `engine.metrics` holds Kestra's metric catalog; `metrics_interval` is the period, in
    seconds of the engine's clock, of its history; `metrics=False` runs without metrics.

    The plugin packages installed (`runwatch.plugins` entry points) are loaded first, once
    per process; `load_plugins=False` does not load them.

    Use it as a context manager, or call `stop()`, so its threads end cleanly.
    """

    def __init__(
        self,
        config: ConfigSource = None,
        clock: Optional[_core.ManualClock] = None,
        worker_threads: Optional[int] = None,
        secrets: Optional[Mapping[str, str]] = None,
        metrics_interval: float = 10.0,
        metrics: bool = True,
        default_repository: str = "memory",
        flows: Optional[Union[str, os.PathLike[str]]] = None,
        require_encryption_key: bool = False,
        load_plugins: bool = True,
    ) -> None:
        if load_plugins:
            load_plugin_packages()
        self.config = load_config(config)
        threads = worker_threads if worker_threads is not None else self.config.worker_threads
        if threads < 0:
            raise ValueError("worker_threads must be >= 0 (0 picks the default)")
        repository_type = self.config.repository_type or default_repository
        self._core = _core.Engine(
            clock=clock,
            worker_threads=threads,
            secrets=dict(secrets or {}),
            metrics_prefix=self.config.metrics_prefix,
            metrics_tags=dict(self.config.metrics_tags),
            metrics_interval=metrics_interval,
            metrics_enabled=metrics,
            repository_type=repository_type,
            repository_path=self.config.repository_path,
            retention_seconds=self.config.repository_retention,
            silence_retention_seconds=self.config.silence_retention,
            rate_limit_notifications=self.config.rate_limit_notifications,
            rate_limit_period_seconds=self.config.rate_limit_period,
            flows=None if flows is None else os.fspath(flows),
            render_timeout_seconds=self.config.render_timeout,
            encryption_secret_key=self.config.encryption_secret_key,
            require_encryption_key=require_encryption_key,
            logger_levels=dict(self.config.logger_levels),
            kestra_url=self.config.kestra_url,
            environment=self.config.environment_name,
            plugin_defaults=self.config.plugin_defaults,
            metrics_precreate_series=self.config.metrics_precreate_series,
            restart_interrupted_tasks=self.config.worker_task_restart_strategy != "NEVER",
            task_cache_directory=self.config.task_cache_directory,
            storage_path=self._storage_path(repository_type),
        )
        self.clock = clock
        self.metrics = Metrics(self._core.metrics)

    def _storage_path(self, repository_type: str) -> Optional[str]:
        if self.config.storage_base_path is not None:
            return self.config.storage_base_path
        if repository_type == "sqlite":
            return os.path.join(os.path.dirname(os.path.abspath(self.config.repository_path)), "storage")
        return None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Cancels running tasks and stops the engine's threads. Safe to call twice."""
        self._core.stop()

    def serve(self, port: Optional[int] = None, management_port: Optional[int] = None) -> Server:
        """Starts the API server on `port` and the management server on `management_port`
        (defaults: the configuration's micronaut.server.port, 8080, and endpoints.all.port,
        8081; 0 takes any free port). Returns a handle to stop them."""
        management = _core.serve_management(self._core, self.config, management_port)
        try:
            api = _core.serve_api(self._core, self.config, port)
        except BaseException:
            management.stop()
            raise
        return Server(api, management)

    @property
    def worker_threads(self) -> int:
        return self._core.worker_threads

    def kv(self, namespace: str) -> KeyValueStore:
        """The namespace's KV store (Kestra's kv tasks, kv() and /api/v1/namespaces/{namespace}/kv)."""
        return KeyValueStore(self._core, namespace)

    def add_flow(self, yaml_text: str, file: str = "") -> Flow:
        """Loads one flow from YAML text; raises FlowValidationError with every problem.

        A flow of the same namespace and id is replaced: a changed source is recorded as
        its next revision.
        """
        return self._core.add_flow(yaml_text, file)

    def load_flows(self, path: Union[str, os.PathLike[str]]) -> list[Flow]:
        """Loads every *.yaml / *.yml flow under `path` (a file or a folder), all or nothing."""
        return self._core.load_flows(os.fspath(path))

    def flow(self, namespace: str, flow_id: str) -> Flow:
        """The loaded flow; raises NotFoundError when there is none."""
        found = self._core.flow(namespace, flow_id)
        if found is None:
            raise _core.NotFoundError(f"Flow '{namespace}.{flow_id}' not found")
        return found

    def flows(self) -> list[Flow]:
        return self._core.flows()

    def remove_flow(self, namespace: str, flow_id: str) -> bool:
        """Removes a flow; False if there is none. Its running executions go on; its triggers stop.

        As in Kestra, the deletion is the flow's next revision: added again, it goes on from there.
        """
        return self._core.remove_flow(namespace, flow_id)

    def schedules(self) -> list[ScheduledTrigger]:
        """The Schedule triggers of the loaded flows, sorted by namespace, flow and trigger."""
        return [ScheduledTrigger(*scheduled) for scheduled in self._core.schedules()]

    def run(
        self,
        namespace: str,
        flow_id: str,
        inputs: Optional[Mapping[str, Any]] = None,
        labels: Optional[Mapping[str, str]] = None,
        wait: bool = True,
        timeout: Optional[float] = None,
    ) -> Execution:
        """Starts an execution; with `wait`, returns once it ends (ExecutionTimeout after `timeout` s).

        A FILE input is a path (str or os.PathLike) or a binary file object: it is copied to the
        internal storage, and the execution sees its kestra:/// URI (a str that is already one
        is passed as it is).
        """
        values = dict(inputs or {})
        flow = self._core.flow(namespace, flow_id)
        file_ids: set[str] = {i["id"] for i in flow.inputs if i["type"] == "FILE"} if flow is not None else set()
        with contextlib.ExitStack() as stack:
            files = {
                key: _file_input(values.pop(key), stack)
                for key in list(values)
                if _is_file(values[key], key in file_ids)
            }
            created = self._core.submit(namespace, flow_id, values, dict(labels or {}), files)
        if not wait:
            return Execution(created)
        return self.wait(created.id, timeout)

    def read_file(self, uri: str) -> bytes:
        """The content of a file of the internal storage, by its kestra:/// URI (an output's
        or a FILE input's value); NotFoundError when there is none."""
        return self._core.read_file(uri)

    def wait(self, execution_id: str, timeout: Optional[float] = None) -> Execution:
        """Waits until the execution ends; raises ExecutionTimeout when `timeout` seconds pass first."""
        snapshot = self._core.wait(execution_id, timeout)
        if snapshot is None:
            raise _core.NotFoundError(f"Execution '{execution_id}' not found")
        execution = Execution(snapshot)
        if not execution.is_terminal:
            raise ExecutionTimeout(
                f"execution {execution_id} is still {execution.state} after {timeout} s", execution
            )
        return execution

    def execution(self, execution_id: str) -> Execution:
        snapshot = self._core.execution(execution_id)
        if snapshot is None:
            raise _core.NotFoundError(f"Execution '{execution_id}' not found")
        return Execution(snapshot)

    def executions(
        self, namespace: Optional[str] = None, flow_id: Optional[str] = None, state: Optional[str] = None
    ) -> list[Execution]:
        """Executions, oldest first, optionally filtered."""
        return [Execution(s) for s in self._core.executions(namespace, flow_id, state)]

    @property
    def recovered(self) -> int:
        """How many executions left unfinished by an earlier run this engine recovered at start."""
        return self._core.recovered

    def kill(self, execution_id: str) -> bool:
        """Stops the execution's running tasks and ends it KILLED; False if it is not running."""
        return self._core.kill(execution_id)

    def resume(self, execution_id: str, inputs: Optional[Mapping[str, Any]] = None) -> None:
        """Resumes a PAUSED execution: its Pause tasks go on, `inputs` checked against their
        `onResume` declarations (InputError when they do not match, Error when it is not PAUSED).
        A FILE input is a path (os.PathLike) or a binary file object; a str is passed as it is."""
        values = dict(inputs or {})
        with contextlib.ExitStack() as stack:
            files = {key: _file_input(values.pop(key), stack) for key in list(values) if _is_file(values[key], False)}
            self._core.resume(execution_id, values, files)

    def matching_triggers(
        self, namespace: str, flow_id: str, state: str, labels: Optional[Mapping[str, str]] = None
    ) -> list[TriggerMatch]:
        """Dry run: the triggers that would fire for (or, alerting, count) such an execution;
        nothing runs. Raises InputError for a state that is not one of Kestra's."""
        try:
            found = self._core.matching_triggers(namespace, flow_id, state, dict(labels or {}))
        except ValueError as e:
            raise InputError(str(e)) from None
        types = {(f.namespace, f.id, t.id): t.type for f in self.flows() for t in f.triggers}
        return [TriggerMatch(ns, flow_id, trigger_id, types.get((ns, flow_id, trigger_id), ""))
                for ns, flow_id, trigger_id in found]

    def alerts(self) -> Records[Alert]:
        """The alerting triggers' current alerts (Alert, Absence, Stuck: beyond Kestra), as
        GET /api/v1/alerts lists them: each group's labels, status (pending, firing, resolved),
        streak, count, dates and executions; an Absence trigger's add a deadline, a Stuck
        trigger's the task. `to_pandas()` gives one column per field and per label."""
        return alert_records(self._core.alerts())

    def alert_history(self, namespace: Optional[str] = None, flow_id: Optional[str] = None,
                      alert: Optional[str] = None, status: Optional[str] = None,
                      start_date: Optional[datetime.datetime] = None,
                      end_date: Optional[datetime.datetime] = None) -> Records[AlertEvent]:
        """The alert history the store recorded (beyond Kestra), oldest first: the alerting
        triggers' decisions (fired, grouped, repeated, resolved, suppressed) and each
        notification's delivery (delivered, failed), kept as long as the executions are.
        Filters: the flow it is about (`namespace`, `flow_id`), the notifying flow (`alert`,
        namespace.flowId), the decision (`status`), dates from `start_date` to `end_date`
        (inclusive, with a time zone)."""
        found = self._core.alert_history(namespace, flow_id, alert, status, start_date, end_date)
        return alert_event_records(found)

    def silence(self, matchers: Sequence[Union[str, Mapping[str, Any]]],
                ends_at: Union[datetime.datetime, datetime.timedelta], comment: str = "", created_by: str = "",
                starts_at: Optional[datetime.datetime] = None) -> str:
        """Mutes the notifications whose alert or execution every matcher matches, until
        `ends_at` (a date, or a duration from now on the engine clock); returns the silence's id.

        Matchers as amtool writes them (`flowId=nightly`, `namespace=~company\\..*`,
        `state!=WARNING`) or as Alertmanager's objects ({name, value, isRegex, isEqual});
        names: namespace, flowId, state, alert (the monitoring flow, namespace.flowId),
        labels.<key>. Raises InputError naming what is wrong.
        """
        if isinstance(ends_at, datetime.timedelta):
            ends_at = self.clock.now() + ends_at if self.clock is not None else \
                datetime.datetime.now(datetime.timezone.utc) + ends_at
        body = silence_body(matchers, format_instant(ends_at),
                            None if starts_at is None else format_instant(starts_at), created_by, comment)
        return str(self._core.add_silence(body)["id"])

    def silences(self) -> list[Silence]:
        """Every silence, newest first, with its state (expired ones until the retention passes)."""
        return [Silence.from_json(s) for s in self._core.silences()]

    def expire_silence(self, silence_id: str) -> bool:
        """Ends a silence now; False when there is no such silence."""
        return bool(self._core.expire_silence(silence_id))

    def lint(self) -> list[_core.ValidationIssue]:
        """Warnings about the loaded flows' triggers: alerts that can never fire, loops, unknown flows."""
        return self._core.lint()

    def wait_idle(self, timeout: Optional[float] = None) -> bool:
        """Waits until nothing more can happen without time passing; False if `timeout` s pass first.

        With a ManualClock, tasks sleeping or waiting for a retry count as idle: advance the
        clock, then wait_idle again.
        """
        return self._core.wait_idle(timeout)


def _is_file(value: Any, declared_file: bool) -> bool:
    if isinstance(value, os.PathLike) or hasattr(value, "read"):
        return True
    return declared_file and isinstance(value, str) and not value.startswith("kestra:///")


def _file_input(value: Any, stack: contextlib.ExitStack) -> tuple[str, str]:
    """(file name, local path) of a FILE input; a file object is copied to a temporary file first."""
    if not hasattr(value, "read"):
        path = os.fspath(value)
        return os.path.basename(path), path
    if isinstance(value, io.TextIOBase):
        raise TypeError("a FILE input must be a path or a binary file object, not a text file")
    copy = stack.enter_context(tempfile.NamedTemporaryFile(prefix="runwatch-input-"))
    shutil.copyfileobj(value, copy)
    copy.flush()
    name = getattr(value, "name", None)
    return (os.path.basename(name) if isinstance(name, str) else ""), copy.name
