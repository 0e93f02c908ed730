"""The training loop of a GWAE: device, seeding, batching, optimisation, early stopping,
history, the label-free criterion and chunked inference. Knows nothing of scikit-learn."""

from .chunks import ArrayRows, ChunkedRows, IterableRows, scan_rows
from .criterion import evaluate_criterion
from .device import flush_denormal, resolve_device
from .history import History
from .inference import apply_in_chunks
from .partition import fit_to_partition
from .seeding import make_generator, seeded
from .tensors import as_tensor, map_tensors
from .trainer import AUTO_STEPS, Trainer, TrainingConfig, TrainResult, auto_epochs

__all__ = [
    "AUTO_STEPS",
    "ChunkedRows",
    "IterableRows",
    "ArrayRows",
    "scan_rows",
    "History",
    "Trainer",
    "TrainingConfig",
    "TrainResult",
    "apply_in_chunks",
    "as_tensor",
    "auto_epochs",
    "evaluate_criterion",
    "fit_to_partition",
    "flush_denormal",
    "make_generator",
    "map_tensors",
    "resolve_device",
    "seeded",
]
