"""The `runwatch` command: validate flows, run one execution, test alert routing, list the
plugin types (and write their reference pages), serve, manage a server's silences, and
read its alerts and alert history."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from typing import Optional, TextIO

from . import __version__, alerts, plugin_packages, plugins, silences
from .engine import Engine, exposure_notes
from .errors import ConfigError, Error, ExecutionTimeout, FlowValidationError, InputError
from .execution import Execution
from .validation import validate


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    issues = validate(args.paths)
    for issue in issues:
        print(str(issue), file=out)
    errors, warnings = len(issues.errors), len(issues.warnings)
    print(f"{issues.checked} file(s) checked: {errors} error(s), {warnings} warning(s)", file=out)
    return 1 if errors or (args.strict and warnings) else 0


def _parse_pairs(pairs: Sequence[str], option: str) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise Error(f"{option} takes key=value, got {pair!r}")
        parsed[key] = value
    return parsed


def print_execution(execution: Execution, out: TextIO) -> None:
    duration = execution.duration.total_seconds() if execution.duration else 0.0
    print(f"execution {execution.id} {execution.namespace}.{execution.flow_id}: {execution.state} "
          f"in {duration:.3f}s", file=out)
    for run in execution.task_runs:
        attempts = len(run.attempts)
        suffix = f" ({attempts} attempts)" if attempts > 1 else ""
        print(f"  task {run.task_id}: {run.state}{suffix}", file=out)
        if run.outputs:
            print(f"    outputs: {run.outputs}", file=out)
    for entry in execution.logs():
        where = entry.task_id or "-"
        print(f"  {entry.timestamp.isoformat()} {entry.level:5} {where}: {entry.message}", file=out)


def _run(args: argparse.Namespace, out: TextIO) -> int:
    inputs = _parse_pairs(args.input, "--input")
    with Engine() as engine:
        engine.load_flows(args.flows)
        execution = engine.run(args.namespace, args.flow_id, inputs=inputs, timeout=args.timeout)
    print_execution(execution, out)
    return 0 if execution.state in ("SUCCESS", "WARNING") else 1


def _test_alert(args: argparse.Namespace, out: TextIO) -> int:
    labels = _parse_pairs(args.label, "--label")
    with Engine() as engine:
        engine.load_flows(args.flows)
        matches = engine.matching_triggers(args.namespace, args.flow_id, args.state.upper(), labels)
    subject = f"{args.namespace}.{args.flow_id} {args.state.upper()}"
    if not matches:
        print(f"{subject}: no alert fires", file=out)
        return 1
    for match in matches:
        if match.alerting:  # it notifies by its own rule (a streak, a deadline, a time stuck), grouped
            kind = match.type.rsplit(".", 1)[1]
            print(f"{subject}: counts in {match.namespace}.{match.flow_id} ({kind} trigger {match.trigger_id})",
                  file=out)
        else:
            print(f"{subject}: fires {match.namespace}.{match.flow_id} (trigger {match.trigger_id})", file=out)
    return 0


def _server(args: argparse.Namespace, out: TextIO) -> int:
    """Runs until SIGINT or SIGTERM, then stops gracefully."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with Engine(config=args.config, default_repository="sqlite", flows=args.flows,
                require_encryption_key=True) as engine:
        sources = f"the store and {args.flows}" if args.flows else "the store"
        print(f"runwatch: {len(engine.flows())} flow(s) loaded from {sources}", file=out, flush=True)
        if engine.recovered:
            print(f"runwatch: {engine.recovered} execution(s) left unfinished by the last run recovered",
                  file=out, flush=True)
        with engine.serve() as server:
            print(f"runwatch: API on {server.scheme}://{server.host}:{server.port}/api/v1, management endpoints on "
                  f"{server.management_scheme}://{server.management_host}:{server.management_port} (/health, "
                  "/worker, /scheduler, /loggers)", file=out, flush=True)
            for line in exposure_notes(engine.config):
                print(f"runwatch: {line}", file=out, flush=True)
            while not stop.wait(0.5):
                pass
        grace = engine.config.termination_grace_period
        print(f"runwatch: stopping: running executions have {grace:g} s to end", file=out, flush=True)
        if not _ended_within(engine, grace):
            print("runwatch: grace period over: killing what still runs", file=out, flush=True)
    return 0


def _ended_within(engine: Engine, seconds: float) -> bool:
    """Waits until every execution has ended; False if some still run after `seconds`."""
    deadline = time.monotonic() + seconds
    for execution in engine.executions():
        if execution.is_terminal:
            continue
        try:
            engine.wait(execution.id, timeout=max(0.0, deadline - time.monotonic()))
        except ExecutionTimeout:
            return False
    return True


def _plugins(args: argparse.Namespace, out: TextIO) -> int:
    if args.output is not None and not args.markdown:
        raise Error("--output is where --markdown writes its pages: give --markdown too")
    if args.markdown:
        try:
            written = plugins.write_markdown(args.output or "docs/plugins")
        except OSError as e:
            raise Error(f"cannot write the reference pages: {e}") from e
        for path in written:
            print(f"wrote {path}", file=out)
        return 0
    for kind in plugins.KINDS:
        types = plugins.plugin_types(kind)
        print(f"{kind} types ({len(types)}):", file=out)
        for t in types:
            aliases = f" (also {', '.join(t.aliases)})" if t.aliases else ""
            origin = plugin_packages.origin_of(t.name)
            source = "" if origin == plugin_packages.BUILTIN else f" [from {origin}]"
            print(f"  {t.name}{aliases}{source}", file=out)
    packages = plugin_packages.loaded_plugin_packages()
    print(f"plugin packages ({len(packages)}):", file=out)
    for package in packages:
        outcome = f"failed: {package.error}" if package.error else ", ".join(package.types) or "no types"
        print(f"  {package.name} = {package.module} ({package.distribution}): {outcome}", file=out)
    return 0


def _silence_add(args: argparse.Namespace, out: TextIO) -> int:
    if args.end is not None:
        ends_at = args.end
    else:
        start = (dt.datetime.fromisoformat(args.start.replace("Z", "+00:00")) if args.start
                 else dt.datetime.now(dt.timezone.utc))
        ends_at = silences.format_instant(start + silences.parse_duration(args.duration))
    body = silences.silence_body(args.matchers, ends_at, args.start, args.author, args.comment)
    print(silences.SilenceClient(args.server).add(body), file=out)
    return 0


def _silence_list(args: argparse.Namespace, out: TextIO) -> int:
    silences.print_silences(silences.SilenceClient(args.server).list(), out)
    return 0


def _silence_expire(args: argparse.Namespace, out: TextIO) -> int:
    client = silences.SilenceClient(args.server)
    for silence_id in args.ids:
        silences.print_silences([client.expire(silence_id)], out)
    return 0


def _alerts_list(args: argparse.Namespace, out: TextIO) -> int:
    client = alerts.AlertsClient(args.server)
    alerts.print_alerts(client.current(args.namespace, args.flow_id, args.alert, args.status), out)
    return 0


def _alerts_history(args: argparse.Namespace, out: TextIO) -> int:
    start = args.start
    if args.since is not None:
        since = dt.datetime.now(dt.timezone.utc) - silences.parse_duration(args.since)
        start = silences.format_instant(since)
    if not 1 <= args.limit <= 1000:
        raise InputError(f"--limit must be from 1 to 1000, not {args.limit}")
    client = alerts.AlertsClient(args.server)
    events, total = client.history(args.namespace, args.flow_id, args.alert, args.status, start, args.end, args.limit)
    alerts.print_history(events, total, out)
    return 0


def _server_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", default=os.environ.get("RUNWATCH_SERVER", "http://127.0.0.1:8080"),
                        help="the server's API URL (credentials: RUNWATCH_USERNAME and RUNWATCH_PASSWORD)")


def _filter_arguments(parser: argparse.ArgumentParser, statuses: str) -> None:
    parser.add_argument("--namespace", help="of the flow the alert is about")
    parser.add_argument("--flow-id", help="of the flow the alert is about")
    parser.add_argument("--alert", help="the alerting flow, as namespace.flowId")
    parser.add_argument("--status", help=statuses)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="runwatch", description="Kestra-compatible alerting and monitoring engine")
    parser.add_argument("--version", action="version", version=f"runwatch {__version__}")
    parser.add_argument("--no-plugins", action="store_true",
                        help="do not load the plugin packages (the runwatch.plugins entry points)")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check flow files; exit 1 when one has an error")
    validate.add_argument("paths", nargs="+", help="flow files or folders")
    validate.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    validate.set_defaults(handler=_validate)

    run = commands.add_parser("run", help="run one execution and print it; exit 0 on SUCCESS or WARNING")
    run.add_argument("--flows", required=True, help="a flow file or a folder of flows")
    run.add_argument("--input", action="append", default=[], metavar="KEY=VALUE", help="an input (repeatable)")
    run.add_argument("--timeout", type=float, default=None, help="seconds to wait for the execution")
    run.add_argument("namespace")
    run.add_argument("flow_id")
    run.set_defaults(handler=_run)

    test_alert = commands.add_parser(
        "test-alert", help="dry run: which monitoring flows fire for such an execution (or, alerting triggers, "
                           "count it); exit 1 when none")
    test_alert.add_argument("--flows", required=True, help="a flow file or a folder of flows")
    test_alert.add_argument("--label", action="append", default=[], metavar="KEY=VALUE", help="an execution label")
    test_alert.add_argument("namespace")
    test_alert.add_argument("flow_id")
    test_alert.add_argument("state", help="the state the execution reaches, e.g. FAILED")
    test_alert.set_defaults(handler=_test_alert)

    plugin_list = commands.add_parser(
        "plugins", help="list the task, trigger and condition types; --markdown writes their reference pages")
    plugin_list.add_argument("--markdown", action="store_true",
                             help="write the Markdown reference pages (an index and one page per kind)")
    plugin_list.add_argument("--output", default=None, metavar="DIR",
                             help="the folder --markdown writes to (default: docs/plugins)")
    plugin_list.set_defaults(handler=_plugins)

    silence = commands.add_parser(
        "silence", help="add, list or expire the silences of a running server (its API: --server, or RUNWATCH_SERVER)")
    _server_argument(silence)
    silence_commands = silence.add_subparsers(dest="silence_command", required=True)
    silence_add = silence_commands.add_parser("add", help="mute what all the matchers match; prints the silence's id")
    silence_add.add_argument("matchers", nargs="+", metavar="MATCHER",
                             help="name=value, name!=value, name=~regex or name!~regex; names: namespace, flowId, "
                                  "state, alert, labels.<key>")
    silence_add.add_argument("--duration", default="1h", help="how long from now (2h, 30m, PT2H; default 1h)")
    silence_add.add_argument("--end", default=None, help="an ISO-8601 end instead of --duration")
    silence_add.add_argument("--start", default=None, help="an ISO-8601 start (default: now)")
    silence_add.add_argument("--comment", default="", help="why")
    silence_add.add_argument("--author", default=os.environ.get("USER", ""), help="who (default: $USER)")
    silence_add.set_defaults(handler=_silence_add)
    silence_list = silence_commands.add_parser("list", help="every silence, newest first, with its state")
    silence_list.set_defaults(handler=_silence_list)
    silence_expire = silence_commands.add_parser("expire", help="end silences now")
    silence_expire.add_argument("ids", nargs="+", metavar="ID")
    silence_expire.set_defaults(handler=_silence_expire)

    alert_command = commands.add_parser(
        "alerts", help="the current alerts and the alert history of a running server (its API: --server, or "
                       "RUNWATCH_SERVER)")
    _server_argument(alert_command)
    alert_commands = alert_command.add_subparsers(dest="alerts_command", required=True)
    alerts_list = alert_commands.add_parser("list", help="the alerting triggers' current alerts")
    _filter_arguments(alerts_list, "pending, firing or resolved")
    alerts_list.set_defaults(handler=_alerts_list)
    alerts_history = alert_commands.add_parser(
        "history", help="what was decided and delivered, newest first")
    _filter_arguments(alerts_history, "fired, grouped, repeated, resolved, suppressed, delivered or failed")
    alerts_history.add_argument("--since", default=None, help="how long back from now (12h, 30m, P1D)")
    alerts_history.add_argument("--start", default=None, help="an ISO-8601 start instead of --since")
    alerts_history.add_argument("--end", default=None, help="an ISO-8601 end (inclusive)")
    alerts_history.add_argument("--limit", type=int, default=50, help="how many entries at most (default 50, up "
                                                                      "to 1000)")
    alerts_history.set_defaults(handler=_alerts_history)

    server = commands.add_parser("server", help="run the engine, its API and management servers until SIGINT or SIGTERM")
    server.add_argument("--config", default=None, help="an application.yml (Kestra's keys)")
    server.add_argument("--flows", default=None, help="a flow file or a folder of flows to load")
    server.set_defaults(handler=_server)
    return parser


def main(argv: Optional[Sequence[str]] = None, out: TextIO = sys.stdout) -> int:
    args = build_parser().parse_args(argv)
    if not args.no_plugins:
        plugin_packages.load_plugin_packages()
    try:
        return int(args.handler(args, out))
    except (FlowValidationError, ConfigError) as e:
        for issue in e.issues:
            print(str(issue), file=sys.stderr)
        return 2
    except Error as e:
        print(f"runwatch: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
