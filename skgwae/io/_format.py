"""The layout of a model file: a safetensors file whose metadata holds one JSON document.

:func:`write_file` turns a document and named tensors into the file's bytes and
:func:`read_file` reads them back, checking the layout (the header, the document's top-level
keys, the format version) but not the parts' contents, which the other modules check.
"""

import json
import platform

import numpy as np
import safetensors
import safetensors.torch
import sklearn
import torch

from .._version import __version__
from ._checks import check_keys, is_int

# Bumped when the layout changes incompatibly; a reader refuses versions it does not know.
FORMAT_VERSION = 1
METADATA_KEY = "skgwae"
# safetensors' own limit on the header size; a larger length field is not a model file.
MAX_HEADER_BYTES = 100_000_000
# The top-level keys of the document; a fitted model's file has the optional ones.
DOCUMENT_KEYS = {"format_version", "class", "versions", "parameters", "attributes"}
FITTED_DOCUMENT_KEYS = {"model_config", "geometry"}


def versions():
    """The versions of the libraries that write the file (for the reader's information;
    only skgwae's is compared on loading)."""
    return {
        "skgwae": __version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "safetensors": safetensors.__version__,
        "python": platform.python_version(),
    }


def write_file(document, tensors):
    """The bytes of a safetensors file of ``tensors`` (name -> CPU tensor, none sharing
    memory) with ``document`` as its skgwae metadata."""
    # One metadata entry with sorted keys: safetensors writes several entries in no fixed
    # order, and a model should give the same bytes at every dump (so that files can be
    # compared by hash).
    metadata = {METADATA_KEY: json.dumps(document, sort_keys=True)}
    return safetensors.torch.save(tensors, metadata=metadata)


def read_file(data):
    """``(document, tensors)`` of the model file ``data`` (bytes): its JSON document, with
    its top-level keys, format version and skgwae version checked, and its tensors by
    name."""
    document = _read_document(data)
    try:
        tensors = safetensors.torch.load(data)
    # The parser's own error, and those of its conversion to torch (a dtype that this torch
    # lacks raises KeyError): all say that the bytes are not a tensor file this can read.
    except (safetensors.SafetensorError, KeyError, ValueError, TypeError, RuntimeError) as exc:
        raise ValueError(f"Not a valid safetensors file: {exc!r}.") from None

    check_keys(document, "The skgwae metadata", DOCUMENT_KEYS, FITTED_DOCUMENT_KEYS)
    version = document["format_version"]
    if not is_int(version) or version < 1:
        raise ValueError(f"Invalid format_version {version!r} in the skgwae metadata.")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"The file has skgwae format version {version}, newer than this skgwae "
            f"({__version__}) reads (up to {FORMAT_VERSION}); upgrade skgwae to load it."
        )
    stored_versions = document["versions"]
    if not isinstance(stored_versions, dict) or not isinstance(
        stored_versions.get("skgwae"), str
    ):
        raise ValueError("The skgwae metadata has no skgwae version (versions.skgwae).")
    return document, tensors


def _read_document(data):
    """The skgwae JSON document in the metadata of the safetensors file ``data``."""
    if len(data) < 8:
        raise ValueError("Not a safetensors file: fewer than 8 bytes.")
    n = int.from_bytes(data[:8], "little")
    if n > min(len(data) - 8, MAX_HEADER_BYTES):
        raise ValueError(
            "Not a safetensors file: its first 8 bytes do not give the length of a header "
            "inside the file."
        )
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError("Not a safetensors file: its header is not JSON.") from None
    metadata = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(metadata, dict) or not isinstance(metadata.get(METADATA_KEY), str):
        raise ValueError(
            "Not an skgwae model file: the safetensors metadata has no "
            f"{METADATA_KEY!r} entry (write model files with skgwae.io.dump)."
        )
    try:
        document = json.loads(metadata[METADATA_KEY])
    except (ValueError, RecursionError):
        raise ValueError(f"The {METADATA_KEY!r} metadata of the file is not JSON.") from None
    if not isinstance(document, dict):
        raise ValueError(f"The {METADATA_KEY!r} metadata of the file is not a JSON object.")
    return document
