"""Checks of the package's own text: its docstrings parse as numpydoc with the right
sections, and neither the package nor the tests cite files users do not have."""

import ast
import inspect
import pathlib
import re

import numpy as np
import pytest
from numpydoc.docscrape import NumpyDocString

import skgwae
from skgwae import GWAEClusterer, GWAETransformer

PACKAGE = pathlib.Path(skgwae.__file__).parent
TESTS = pathlib.Path(__file__).parent
# Spelled in two parts so that this file does not cite them itself.
INTERNAL_NOTES = ("DESIGN" + ".md", "STYLE" + ".md")
ESTIMATORS = [GWAETransformer, GWAEClusterer]


def _names(section):
    """The names a numpydoc section documents (``a, b : type`` documents a and b)."""
    return [name.strip() for entry in section for name in entry.name.split(",")]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_docstring_parameters_are_the_constructor_parameters(Estimator):
    doc = NumpyDocString(Estimator.__doc__)
    assert _names(doc["Parameters"]) == list(inspect.signature(Estimator).parameters)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_docstring_attributes_are_the_fitted_attributes(Estimator, X_small):
    params = {"n_clusters": 2} if Estimator is GWAEClusterer else {}
    est = Estimator(hidden_layer_sizes=(8,), max_iter=2, random_state=0, **params)
    est.fit(X_small)
    documented = set(_names(NumpyDocString(Estimator.__doc__)["Attributes"]))
    fitted = {k for k in vars(est) if k.endswith("_") and not k.startswith("_")}
    fitted |= {  # the fitted parts, properties of the class
        name
        for name, value in inspect.getmembers(Estimator)
        if isinstance(value, property) and name.endswith("_") and not name.startswith("_")
    }
    # feature_names_in_ is set only when X has string column names.
    assert documented - {"feature_names_in_"} == fitted


def _source_files():
    return [*PACKAGE.rglob("*.py"), *TESTS.rglob("*.py")]


def test_no_file_cites_internal_notes():
    cited = [
        f"{path.name}: {note}"
        for path in _source_files()
        for note in INTERNAL_NOTES
        if note in path.read_text()
    ]
    assert not cited


def _unrestored_global_seeding(path):
    """The lines of ``path`` that seed torch's global RNG and leave it seeded: a call of
    ``torch.manual_seed`` outside ``torch.random.fork_rng`` and outside the tests that use
    the ``fresh_global_rngs`` fixture (which restores the global state)."""
    tree = ast.parse(path.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def restored(node):
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.With) and any(
                "fork_rng" in ast.unparse(item.context_expr) for item in node.items
            ):
                return True
            if isinstance(node, ast.FunctionDef) and (
                node.name == "fresh_global_rngs"
                or "fresh_global_rngs" in [a.arg for a in node.args.args]
            ):
                return True
        return False

    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and ast.unparse(node.func) in ("torch.manual_seed", "torch.seed")
        and not restored(node)
    ]


def test_no_test_leaves_torch_global_rng_seeded():
    # conftest promises that no test seeds the global RNG for the others: randomness goes
    # through seeded(), torch.Generator objects and random_state.
    offenders = {
        path.name: lines
        for path in TESTS.rglob("*.py")
        if (lines := _unrestored_global_seeding(path))
    }
    assert not offenders


def _public_docstrings():
    for Estimator in ESTIMATORS:
        yield Estimator.__name__, Estimator.__doc__
        for name, member in inspect.getmembers(Estimator):
            if not name.startswith("_") and getattr(member, "__doc__", None):
                yield f"{Estimator.__name__}.{name}", member.__doc__


def test_public_docstrings_cite_no_repository_files():
    # Users read the docstrings without the repository: no benchmark script paths.
    cited = [name for name, doc in _public_docstrings() if re.search(r"benchmarks/\w", doc)]
    assert not cited


def test_docstrings_parse_without_numpydoc_warnings(recwarn):
    for Estimator in ESTIMATORS:
        NumpyDocString(Estimator.__doc__)
    assert not [w for w in recwarn if "docscrape" in str(w.filename)]
    assert np.all([Estimator.__doc__ for Estimator in ESTIMATORS])
