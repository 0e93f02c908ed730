"""Training rows read a chunk at a time, for data larger than memory.

The trainer holds in-memory data on the device as one tensor. A :class:`ChunkedRows` is
the other kind of training set: it reads its rows from where they are (an array such as
a memory-mapped file, or any re-iterable source of 2-D chunks) one chunk at a time, so
only one chunk is ever copied to the device. Each source is made of *units* (a block of
rows of a file, or one chunk of an iterable), read in a fixed order; some rows of each
unit may be held out (the validation rows), by their index in the unit.
"""

import dataclasses
import math

import numpy as np

# A memory-mapped array is read in blocks of contiguous rows (cheap to read), and an
# epoch's chunk joins this many blocks drawn at random, so that rows stored in order
# (sorted by class, say) still mix within batches.
BLOCKS_PER_CHUNK = 16


class ChunkedRows:
    """Rows to train on, read a unit at a time.

    Parameters
    ----------
    prepare : callable
        Turns a unit as read into a 2-D float array (validation, conversion); called on
        every read, so a source that changes between passes is caught.
    held_out : dict of int to ndarray of int, default=None
        For unit k, the indices (within the unit) of its rows that are not trained on.
    """

    def __init__(self, prepare, held_out=None):
        self.prepare = prepare
        self.held_out = held_out or {}

    def units(self):
        """The prepared units, in storage order, all rows (held-out rows included)."""
        raise NotImplementedError

    def _training_rows(self, k, unit):
        held = self.held_out.get(k)
        if held is None or not len(held):
            return unit
        if held[-1] >= len(unit):
            raise ValueError(
                f"Chunk {k} of X has {len(unit)} rows in this pass, fewer than in the first; "
                "fit reads X once per epoch and needs the same chunks each time."
            )
        return np.delete(unit, held, axis=0)

    def chunks(self, rng=None):
        """The training rows, as a sequence of 2-D arrays of at least 2 rows each.

        With a numpy Generator ``rng``, in an order drawn from it (for an epoch); with
        None, in storage order. A unit of fewer than 2 training rows (batch statistics
        need 2) is joined to the next one; a last lone row is left out.
        """
        pending = None
        for chunk in self._grouped(rng):
            if pending is not None:
                chunk = np.concatenate([pending, chunk.astype(pending.dtype, copy=False)])
                pending = None
            if len(chunk) < 2:
                pending = chunk
                continue
            yield chunk

    def _grouped(self, rng):
        """The training rows of each unit, or of each group of units, in the order of one
        epoch drawn from ``rng`` (None: storage order). Here: one unit at a time, in
        storage order always."""
        for k, unit in enumerate(self.units()):
            yield self._training_rows(k, unit)


class ArrayRows(ChunkedRows):
    """The rows of a 2-D array (typically a ``numpy.memmap``), read in blocks of
    ``chunk_rows // BLOCKS_PER_CHUNK`` contiguous rows; an epoch reads them in random
    order, in chunks of ``BLOCKS_PER_CHUNK`` random blocks."""

    def __init__(self, array, chunk_rows, prepare, held_out=None):
        super().__init__(prepare, held_out)
        self.array = array
        self.block_rows = max(2, chunk_rows // BLOCKS_PER_CHUNK)
        self.n_units = math.ceil(array.shape[0] / self.block_rows)

    def _read(self, k):
        start = k * self.block_rows
        return self.prepare(self.array[start : start + self.block_rows])

    def units(self):
        for k in range(self.n_units):
            yield self._read(k)

    def _grouped(self, rng):
        if rng is None:
            yield from super()._grouped(rng)
            return
        order = rng.permutation(self.n_units)
        for start in range(0, self.n_units, BLOCKS_PER_CHUNK):
            group = order[start : start + BLOCKS_PER_CHUNK]
            yield np.concatenate([self._training_rows(k, self._read(k)) for k in group])


class IterableRows(ChunkedRows):
    """The rows of the chunks an iterable yields, each pass in the order it yields them.

    ``n_units`` is the number of chunks of the first pass; a later pass that yields
    another number raises ``ValueError`` (the data changed between passes).
    """

    def __init__(self, iterable, prepare, held_out=None, n_units=None):
        super().__init__(prepare, held_out)
        self.iterable = iterable
        self.n_units = n_units

    def units(self):
        n = 0
        for raw in self.iterable:
            yield self.prepare(raw)
            n += 1
        if self.n_units is not None and n != self.n_units:
            raise ValueError(
                f"X yielded {n} chunks in this pass but {self.n_units} in the first; fit "
                "reads X once per epoch and needs the same chunks each time."
            )


@dataclasses.dataclass
class Scan:
    """What one pass over a :class:`ChunkedRows` found (see :func:`scan_rows`)."""

    n_rows: int  # all rows
    n_units: int
    n_train: int  # rows not held out
    dtype: np.dtype  # of the first prepared unit
    minimum: float
    maximum: float
    held_out: dict  # unit index -> indices of its held-out rows
    validation_rows: np.ndarray | None  # the held-out rows, or None
    sample_rows: np.ndarray  # a uniform random sample of the training rows


def scan_rows(source, *, validation_fraction, max_validation_rows, n_sample, seed, n_rows=None):
    """One pass over ``source`` (its ``prepare`` checks every unit): count its rows, find
    their range, choose the validation rows and draw a random sample of the others.

    With ``validation_fraction`` (None for no validation), each unit holds out that
    fraction of its rows (rounded down, the remainder carried to the next unit), chosen
    at random, until ``max_validation_rows`` are held out in all; when ``n_rows`` is
    known in advance, the fraction is lowered to ``max_validation_rows / n_rows`` where
    needed, so the held-out rows come from every unit. The sample has ``n_sample`` rows
    (or all) drawn uniformly from the training rows (bottom-k of random keys, one pass,
    bounded memory).
    """
    rng = np.random.default_rng(seed)
    fraction = validation_fraction
    if fraction is not None and n_rows:
        fraction = min(fraction, max_validation_rows / n_rows)
    n_total, n_val, dtype = 0, 0, None
    minimum, maximum = math.inf, -math.inf
    held_out, validation = {}, []
    owed = 0.0  # validation rows due but not yet held out
    sample, sample_keys = None, np.empty(0)
    for k, unit in enumerate(source.units()):
        if dtype is None:
            dtype = unit.dtype
        n_total += len(unit)
        if len(unit):
            minimum = min(minimum, float(unit.min()))
            maximum = max(maximum, float(unit.max()))
        if fraction is not None and n_val < max_validation_rows:
            # The fraction's remainder carries over, so small units hold out their share too.
            owed += fraction * len(unit)
            count = min(int(owed + 1e-9), len(unit), max_validation_rows - n_val)
            owed -= count
            if count:
                held = np.sort(rng.choice(len(unit), count, replace=False))
                held_out[k] = held
                validation.append(unit[held])
                n_val += count
                unit = np.delete(unit, held, axis=0)
        keys = rng.random(len(unit))
        rows = unit if sample is None else np.concatenate([sample, unit.astype(sample.dtype)])
        keys = np.concatenate([sample_keys, keys])
        keep = np.argsort(keys)[:n_sample] if len(keys) > n_sample else slice(None)
        sample, sample_keys = rows[keep], keys[keep]
    if dtype is None:
        raise ValueError("X holds no chunks: fit needs at least 2 samples.")
    return Scan(
        n_rows=n_total,
        n_units=k + 1,
        n_train=n_total - n_val,
        dtype=dtype,
        minimum=minimum,
        maximum=maximum,
        held_out=held_out,
        validation_rows=np.concatenate(validation) if validation else None,
        sample_rows=sample,
    )
