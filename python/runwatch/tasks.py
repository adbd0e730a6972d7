"""Task types written in Python: `@runwatch.task("io.example.MyTask")`.

The decorated function receives the task's context and its rendered properties as
keyword arguments; its parameters are the type's schema (a parameter without a default
is a required property), so flows are checked when they load, like built-in types.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Optional, TypeVar, Union, get_args, get_origin, get_type_hints

from . import _core

TaskContext = _core.TaskContext
TaskFunction = Callable[..., Optional[Mapping[str, Any]]]
F = TypeVar("F", bound=TaskFunction)

_PROPERTY_TYPES: dict[Any, _core.PropertyType] = {
    str: _core.PropertyType.STRING,
    int: _core.PropertyType.INTEGER,
    float: _core.PropertyType.NUMBER,
    bool: _core.PropertyType.BOOLEAN,
    dict: _core.PropertyType.MAP,
    list: _core.PropertyType.LIST,
}


def _property_type(annotation: Any) -> _core.PropertyType:
    origin = get_origin(annotation)
    if origin is Union:
        members = [a for a in get_args(annotation) if a is not type(None)]
        return _property_type(members[0]) if len(members) == 1 else _core.PropertyType.ANY
    if origin in (dict, Mapping):
        return _core.PropertyType.MAP
    if origin in (list, Sequence):
        return _core.PropertyType.LIST
    return _PROPERTY_TYPES.get(annotation, _core.PropertyType.ANY)


def _json_default(name: str, default: Any) -> Any:
    try:
        json.dumps(default)
    except TypeError:
        raise TypeError(f"default of property {name!r} must be JSON-compatible, got {default!r}") from None
    return default


def _properties_of(parameters: Sequence[inspect.Parameter], hints: Mapping[str, Any],
                   owner: str) -> list[_core.PropertySpec]:
    """One property per parameter, typed by its annotation, required when it has no default."""
    properties = []
    for p in parameters:
        if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            raise TypeError(f"{owner}: declare each property as a parameter, not *{p.name}")
        required = p.default is inspect.Parameter.empty
        properties.append(_core.PropertySpec(
            name=p.name, type=_property_type(hints.get(p.name, p.annotation)), required=required,
            default=None if required else _json_default(p.name, p.default)))
    return properties


def _schema_of(fn: TaskFunction) -> list[_core.PropertySpec]:
    parameters = list(inspect.signature(fn).parameters.values())
    hints = get_type_hints(fn)  # resolves postponed (string) annotations
    if not parameters or parameters[0].kind not in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        raise TypeError(f"task function {fn.__name__} must take the task context as its first parameter")
    return _properties_of(parameters[1:], hints, f"task function {fn.__name__}")


def task(
    type_name: str, *, aliases: Sequence[str] = (), description: Optional[str] = None
) -> Callable[[F], F]:
    """Registers the decorated function as the task type `type_name`.

    The function is called on a worker thread as `fn(ctx, **properties)`. It logs through
    `ctx.log(level, message)`, returns a dict of outputs (or None), and fails the task run
    by raising: the exception text goes to the task run's logs.
    """
    if not type_name or type_name != type_name.strip():
        raise ValueError(f"invalid task type name {type_name!r}")

    def register(fn: F) -> F:
        properties = _schema_of(fn)

        def call(ctx: TaskContext, rendered: dict[str, Any]) -> Optional[Mapping[str, Any]]:
            return fn(ctx, **rendered)

        doc = description if description is not None else inspect.getdoc(fn) or ""
        _core.register_task(type_name, list(aliases), doc, properties, call)
        return fn

    return register
