"""Plugin packages: Python distributions that add task and notifier types to runwatch.

A package declares an entry point in the `runwatch.plugins` group whose value names a
module; importing that module registers its types (`@runwatch.task`, `Notifier.register`).
`Engine()` and the `runwatch` command load every such package once per process, unless
told not to (`Engine(load_plugins=False)`, `runwatch --no-plugins`). A package that fails
to import is reported (a warning, and in `runwatch plugins`) and the others still load.
"""

from __future__ import annotations

import importlib
import warnings
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Optional

from . import _core

GROUP = "runwatch.plugins"
BUILTIN = "runwatch"


class PluginLoadWarning(UserWarning):
    """A plugin package could not be imported; its types are missing."""


@dataclass(frozen=True)
class PluginPackage:
    """One entry point of the `runwatch.plugins` group, once loaded."""

    name: str  # the entry point's name
    module: str  # the module it names
    distribution: str  # "<name> <version>" of the package that declares it
    types: tuple[str, ...]  # the types its import registered
    error: Optional[str]  # why it could not be imported; None when it was


def _registered_names() -> set[str]:
    return {schema["name"] for kind in ("task", "trigger", "condition") for schema in _core.plugin_schemas(kind)}


# runwatch's own types: those registered before any plugin package or user code runs.
_BUILTIN_TYPES = frozenset(_registered_names())
_loaded: Optional[list[PluginPackage]] = None


def _distribution_of(entry: EntryPoint) -> str:
    dist = entry.dist
    return f"{dist.metadata['Name']} {dist.version}" if dist is not None else "unknown distribution"


def _load(entry: EntryPoint) -> PluginPackage:
    before = _registered_names()
    try:
        importlib.import_module(entry.value.split(":")[0])
    except Exception as e:  # a broken plugin must not stop the engine or the other plugins
        error = f"{type(e).__name__}: {e}"
        warnings.warn(f"runwatch plugin {entry.name!r} ({entry.value}) could not be loaded: {error}",
                      PluginLoadWarning, stacklevel=3)
        return PluginPackage(entry.name, entry.value, _distribution_of(entry), (), error)
    added = tuple(sorted(_registered_names() - before))
    return PluginPackage(entry.name, entry.value, _distribution_of(entry), added, None)


def load_plugin_packages() -> list[PluginPackage]:
    """Imports every package of the `runwatch.plugins` group (the first call only) and
    returns them, sorted by entry point name."""
    global _loaded
    if _loaded is None:
        _loaded = [_load(entry) for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name)]
    return list(_loaded)


def loaded_plugin_packages() -> list[PluginPackage]:
    """The packages loaded so far (none before load_plugin_packages)."""
    return list(_loaded or [])


def origin_of(type_name: str) -> str:
    """Where a registered type comes from: "runwatch", the distribution of the plugin
    package that registered it, or "this process" (registered by the program itself)."""
    if type_name in _BUILTIN_TYPES:
        return BUILTIN
    for package in loaded_plugin_packages():
        if type_name in package.types:
            return package.distribution
    return "this process"


def is_builtin(type_name: str) -> bool:
    return type_name in _BUILTIN_TYPES


__all__ = ["GROUP", "PluginLoadWarning", "PluginPackage", "is_builtin", "load_plugin_packages",
           "loaded_plugin_packages", "origin_of"]
