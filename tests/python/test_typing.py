"""The package is typed: mypy (strict, configured in pyproject.toml) finds nothing in
python/runwatch, and the stub of the C++ binding matches what the binding defines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import runwatch._core
from conftest import REPO

STUB = REPO / "python" / "runwatch" / "_core.pyi"
ALLOWLIST = Path(__file__).with_name("stubtest-allowlist.txt")


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_mypy_is_clean_on_the_package():
    result = mypy("mypy", "--no-incremental", "--config-file", str(REPO / "pyproject.toml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found")


def test_the_stub_matches_the_binding():
    # stubtest imports runwatch._core and compares every name, class member and signature
    # it can see with the stub: a binding added without its stub fails here.
    result = mypy("mypy.stubtest", "runwatch._core", "--allowlist", str(ALLOWLIST))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_stub_and_the_marker_ship_in_the_package():
    installed = Path(runwatch._core.__file__).parent  # the wheel's files under `make test`
    assert (installed / "py.typed").is_file()
    assert (installed / "_core.pyi").read_text() == STUB.read_text()
