"""pytest plug-in for codehub's tested-by proof: records, per test, the project functions it executes.

Every function entered while a test runs (its fixtures' setup and teardown included) is recorded as
`path:qualname` (nested functions without `.<locals>`); the runs are written as JSON to CODEHUB_TRACE_OUT.
"""
import json
import os
import sys

import pytest

_ROOT = os.path.realpath(os.environ.get("CODEHUB_TRACE_ROOT", os.getcwd()))
_RUNS = {}


def _key(code):
    if code.co_filename.startswith("<"):
        return None
    path = os.path.realpath(code.co_filename)
    if not path.startswith(_ROOT + os.sep):
        return None
    name = code.co_qualname.replace(".<locals>", "")
    if "<" in name:
        return None
    return os.path.relpath(path, _ROOT).replace(os.sep, "/") + ":" + name


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    seen = set()

    def profile(frame, event, arg):
        if event == "call":
            key = _key(frame.f_code)
            if key:
                seen.add(key)

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(None)
        _RUNS[item.nodeid] = sorted(seen)


def pytest_sessionfinish(session, exitstatus):
    with open(os.environ["CODEHUB_TRACE_OUT"], "w") as out:
        json.dump(_RUNS, out, indent=1, sort_keys=True)
