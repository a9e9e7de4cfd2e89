"""The examples in the docstrings run and print what they say; help() shows what a user needs."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pydoc

import pytest

import villageplan as vp

MODULES = ["villageplan", "villageplan._county", "villageplan._planning", "villageplan.exceptions",
           "villageplan.frames", "villageplan.cli", "villageplan.maps", "villageplan.plot",
           "villageplan._progress", "villageplan.solve", "villageplan._rollout", "villageplan._assess",
           "villageplan.distributed", "villageplan.io"]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, raise_on_error=False)
    assert result.failed == 0


def test_help_of_plan_shows_parameters_units_and_an_example():
    text = pydoc.render_doc(vp.plan, renderer=pydoc.plaintext)
    for fragment in ("radius", "target", "metres", "Parameters", "Returns", "Raises", "Examples",
                     "InfeasibleError", "vp.plan(county, radius=2000, target=0.6)"):  # fmt: skip
        assert fragment in text
    sig = inspect.signature(vp.plan)
    assert sig.parameters["radius"].default == vp._core.SERVICE_RADIUS_M
    assert sig.parameters["target"].default == vp._core.COVERAGE_TARGET


def test_public_api_is_documented():
    assert vp.__version__ == "0.1.0"
    for name in vp.__all__:
        obj = getattr(vp, name)
        if name == "__version__":
            continue
        assert obj.__doc__, name
    for cls in (vp.County, vp.Plan):
        for attr, member in vars(cls).items():
            if attr.startswith("_"):
                continue
            doc = getattr(member, "__doc__", None) or getattr(getattr(member, "fget", None), "__doc__", None)
            assert doc, f"{cls.__name__}.{attr}"


def test_core_signatures_match_the_wrappers():
    core = inspect.signature(vp._core.plan)
    wrapper = inspect.signature(vp.plan)

    # The wrapper adds, after the core's positional parameters, `exact` (routes to the HiGHS
    # check instead of the engine) and the rollout parameters (the schedule is built in a second
    # core call). Keyword-only parameters (`progress`: a bar in the wrapper, a callable in the
    # core) are the same in both.
    def positional(sig):
        return [n for n, p in sig.parameters.items() if p.kind is not inspect.Parameter.KEYWORD_ONLY]

    def keyword_only(sig):
        return [n for n, p in sig.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY]

    n = len(positional(core))
    assert positional(wrapper)[:n] == positional(core)
    assert set(positional(wrapper)[n:]) <= {"exact", "years", "budget", "costs"}
    assert keyword_only(wrapper) == keyword_only(core) == ["progress"]
    for name, p in core.parameters.items():
        assert p.default == wrapper.parameters[name].default, name
    for fn in ("read_csv", "read_geojson", "sample_county"):
        core = inspect.signature(getattr(vp._core, fn))
        wrapper = inspect.signature(getattr(vp, fn))
        assert list(core.parameters) == list(wrapper.parameters), fn
        for name, p in core.parameters.items():
            assert p.default == wrapper.parameters[name].default, (fn, name)
