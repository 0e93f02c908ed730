#!/bin/bash
# The checks of a CUDA machine in one run, each stage under its own time limit, so that a
# short lease gives every figure it can: the test suite with CUDA visible, the speed of the
# default MLPs at 784 features with each coupling (batch 256 and 64), and the share of a
# step that the GW term takes. Run from the repository root, with skgwae importable:
#
#     bash benchmarks/gpu_check.sh OUTDIR
#
# It writes OUTDIR/run.log (every printed line), OUTDIR/tests.log and the CSV files of
# benchmarks/speed.py under OUTDIR/speed and OUTDIR/speed_critic. The stages' limits add
# up to about 10 minutes. DEVICE, N, N_CRITIC and TESTS_TIMEOUT (seconds) override the
# device (cuda), the rows of the MMD and critic runs (20000, 5000) and the suite's limit
# (240), for a trial run elsewhere.
OUT_DIR=${1:?usage: bash benchmarks/gpu_check.sh OUTDIR}
DEVICE=${DEVICE:-cuda}
N=${N:-20000}
N_CRITIC=${N_CRITIC:-5000}
TESTS_TIMEOUT=${TESTS_TIMEOUT:-240}
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1
mkdir -p "$OUT_DIR"
LOG=$OUT_DIR/run.log
SPEED="benchmarks/speed.py --device $DEVICE --features 784"
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  $PY -c "import torch, sklearn; print('torch', torch.__version__, 'cuda',
    torch.cuda.is_available(), 'scikit-learn', sklearn.__version__)"
  date -u
  echo "== speed, batch 256"
  timeout 100 $PY $SPEED --n "$N" --couplings mmd --batch-size 256 --out "$OUT_DIR/speed"
  timeout 100 $PY $SPEED --n "$N_CRITIC" --couplings critic --batch-size 256 \
    --out "$OUT_DIR/speed_critic"
  echo "== the GW term's share of a step"
  timeout 60 $PY $SPEED --gw --out "$OUT_DIR/speed"
  date -u
} > "$LOG" 2>&1
# Modules whose test dependencies are missing there (numpydoc, say) fail to load; the rest
# of the suite runs all the same.
timeout "$TESTS_TIMEOUT" $PY -m pytest tests -q -p no:cacheprovider -n 8 -rfE \
  --continue-on-collection-errors > "$OUT_DIR/tests.log" 2>&1
echo "tests rc=$?" >> "$LOG"
{
  echo "== speed, batch 64"
  timeout 90 $PY $SPEED --n "$N_CRITIC" --couplings mmd critic --out "$OUT_DIR/speed"
  date -u
} >> "$LOG" 2>&1
tail -n 3 "$OUT_DIR/tests.log"
cat "$LOG"
