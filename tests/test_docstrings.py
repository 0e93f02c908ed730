"""numpydoc validation of the public API, as scikit-learn validates its own
(``sklearn/tests/test_docstrings.py``).

Every public class, each public method and property that skgwae defines on it, and every
public function is validated with :func:`numpydoc.validate.validate`. Methods inherited
from scikit-learn or Python (``get_params``, ``set_output``, ``with_traceback``, ...) are
left to their owners.
"""

import importlib
import inspect

import pytest
from numpydoc.validate import validate

# The public modules and what they export. A public module that joins the package joins
# this list, so that its docstrings are validated and its names are in the API reference.
PUBLIC_MODULES = [
    "skgwae",
    "skgwae.datasets",
    "skgwae.exceptions",
    "skgwae.io",
    "skgwae.metrics",
    "skgwae.plotting",
]

# Codes ignored everywhere, as scikit-learn does:
# - GL01, GL02: where the summary starts relative to the opening and closing quotes is a
#   matter of layout (this package starts it on the line of the opening quotes).
# - RT02: the first line of a Returns entry may name the returned object, so that the text
#   can refer to it.
IGNORED_EVERYWHERE = {"GL01", "GL02", "RT02"}
# Codes ignored for methods and properties (scikit-learn's rule) and for warning and error
# classes, whose docstring says when they are raised: an extended summary, a See Also
# section and an Examples section are asked of classes and functions only.
IGNORED_FOR_MEMBERS = {"ES01", "SA01", "EX01"}


def _public_names(module):
    if hasattr(module, "__all__"):
        return [name for name in module.__all__ if not name.startswith("_")]
    return [
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and getattr(obj, "__module__", None) == module.__name__
        and (inspect.isclass(obj) or inspect.isfunction(obj))
    ]


def _own_members(cls):
    """The public methods and properties that skgwae code defines for ``cls``."""
    members = []
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        owner = next(klass for klass in cls.__mro__ if name in vars(klass))
        if not owner.__module__.startswith("skgwae"):
            continue
        attr = vars(owner)[name]
        if isinstance(attr, property) or callable(attr) or isinstance(attr, staticmethod):
            members.append(name)
    return members


def _public_objects():
    """(import path, kind) of every public object to validate, without duplicates."""
    seen = set()
    objects = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in _public_names(module):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue  # __version__ and other data
            if id(obj) in seen:  # skgwae.DeviceWarning is skgwae.exceptions.DeviceWarning
                continue
            seen.add(id(obj))
            # Validate by the documented path (skgwae.GWAETransformer), not the private
            # module it lives in.
            path = f"{module_name}.{name}"
            if inspect.isclass(obj):
                kind = "exception" if issubclass(obj, BaseException) else "class"
                objects.append((path, kind))
                if kind == "class":
                    objects.extend((f"{path}.{member}", "member") for member in _own_members(obj))
            else:
                objects.append((path, "function"))
    return objects


PUBLIC_OBJECTS = _public_objects()


def _errors(path, kind):
    ignored = set(IGNORED_EVERYWHERE)
    if kind in ("member", "exception"):
        ignored |= IGNORED_FOR_MEMBERS
    if kind == "member":
        owner, name = path.rsplit(".", 1)
        module_name, class_name = owner.rsplit(".", 1)
        attr = inspect.getattr_static(getattr(importlib.import_module(module_name), class_name), name)
        if isinstance(attr, property):
            # A property has no signature to parse (GL08 is numpydoc's "could not parse")
            # and no parameters; scikit-learn ignores both for properties.
            ignored |= {"GL08", "PR02"}
    result = validate(path)
    return [(code, message) for code, message in result["errors"] if code not in ignored]


def test_public_objects_found():
    # The collection above must find the estimators and their methods, or the test below
    # would pass by validating nothing.
    paths = {path for path, _ in PUBLIC_OBJECTS}
    assert {
        "skgwae.GWAETransformer",
        "skgwae.GWAETransformer.fit",
        "skgwae.GWAEClusterer.predict_proba",
        "skgwae.metrics.gw_distortion",
        "skgwae.datasets.make_shapes",
        "skgwae.plotting.plot_history",
        "skgwae.exceptions.NonFiniteLossError",
    } <= paths
    assert not any(path.endswith((".get_params", ".set_output")) for path in paths)


@pytest.mark.parametrize("path, kind", PUBLIC_OBJECTS, ids=[path for path, _ in PUBLIC_OBJECTS])
def test_docstring(path, kind):
    errors = _errors(path, kind)
    assert not errors, f"{path}:\n" + "\n".join(f"  {code}: {msg}" for code, msg in errors)
