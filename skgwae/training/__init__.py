"""The training loop of a GWAE: device, seeding, batching, optimisation, early stopping and
history. Knows nothing of scikit-learn."""

from .chunks import ArrayRows, ChunkedRows, IterableRows, scan_rows
from .device import flush_denormal, resolve_device
from .history import History
from .seeding import make_generator, seeded
from .trainer import Trainer, TrainResult, as_tensor, evaluate_criterion, map_tensors

__all__ = [
    "ChunkedRows",
    "IterableRows",
    "ArrayRows",
    "scan_rows",
    "History",
    "Trainer",
    "TrainResult",
    "as_tensor",
    "evaluate_criterion",
    "flush_denormal",
    "make_generator",
    "map_tensors",
    "resolve_device",
    "seeded",
]
