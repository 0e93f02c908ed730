"""Sphinx configuration of the skgwae documentation.

Built by ``tox -e docs`` (``sphinx-build -W --keep-going -b html docs docs/_build/html``)
with warnings as errors and no network access: no intersphinx inventories are fetched and
the gallery examples use only data generated or shipped with scikit-learn. Formulas are
plain text, so that the pages need no script from the network to be read.
"""

import re
import sys
from pathlib import Path

import matplotlib

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Build the docs of this checkout's package even when another skgwae is installed.
sys.path.insert(0, str(ROOT))

# The examples draw without a display.
matplotlib.use("Agg")

project = "skgwae"
author = "the skgwae developers"
copyright = "the skgwae developers"  # noqa: A001 (Sphinx's name)
release = re.search(r'__version__ = "([^"]+)"', (ROOT / "skgwae" / "_version.py").read_text())[1]
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
root_doc = "index"

# ----------------------------------------------------------------------------- autodoc
autosummary_generate = True
autodoc_typehints = "none"

# ----------------------------------------------------------------------------- numpydoc
# Methods are listed by the class template (_templates/autosummary/class.rst), each on
# the class page, as scikit-learn does; numpydoc's own member tables would repeat them.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# ----------------------------------------------------------------------------- gallery
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "download_all_examples": False,
    # No references to other projects' docs: that would fetch their inventories.
    "reference_url": {},
    "doc_module": (),
    "backreferences_dir": None,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "show_memory": False,
    # The page of computation times loads its table script from a CDN; each example's
    # page gives its own time.
    "write_computation_times": False,
    "plot_gallery": "True",
    "abort_on_example_error": True,
}

# ----------------------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"skgwae {release}"
html_static_path = []
html_show_sourcelink = False
html_theme_options = {
    "navbar_end": ["navbar-icon-links"],
    "secondary_sidebar_items": ["page-toc"],
    "show_prev_next": True,
    "navigation_with_keys": False,
    # The theme would otherwise look up a version switcher and analytics online.
    "check_switcher": False,
}
html_sidebars = {"index": [], "install": []}
