#!/bin/bash
# The checks of a CUDA machine in one run, each stage under its own time limit, so that a
# short lease gives every figure it can: the speed of the default MLPs at 784 features
# with each coupling at batch 256 (the MMD's also at 64), where a batch of the critic
# coupling spends its time, the default fits on digits, and the test suite with CUDA
# visible. Run from the repository root, with skgwae importable:
#
#     bash benchmarks/gpu_check.sh OUTDIR
#
# It writes OUTDIR/run.log (every printed line), OUTDIR/tests.log and the CSV files of
# benchmarks/speed.py under OUTDIR/speed and OUTDIR/speed_critic and those of
# benchmarks/time_to_quality.py under OUTDIR/ttq (8 files; 9 with GW=1). The stages' limits
# add up to about 7 minutes; GW=1 adds the GW term's share of an eager step (one minute
# more).
# DEVICE, N, N_64 and TESTS_TIMEOUT (seconds) override the device (cuda), the rows of the
# runs at batch 256 (20000) and 64 (5000) and the suite's limit (150), for a trial run
# elsewhere.
OUT_DIR=${1:?usage: bash benchmarks/gpu_check.sh OUTDIR}
DEVICE=${DEVICE:-cuda}
N=${N:-20000}
N_64=${N_64:-5000}
TESTS_TIMEOUT=${TESTS_TIMEOUT:-150}
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1
mkdir -p "$OUT_DIR"
LOG=$OUT_DIR/run.log
SPEED="benchmarks/speed.py --device $DEVICE --features 784"
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  lscpu | grep "Model name"
  $PY -c "import torch, sklearn; print('torch', torch.__version__, 'cuda',
    torch.cuda.is_available(), 'scikit-learn', sklearn.__version__)"
  date -u
  echo "== speed, batch 256"
  timeout 40 $PY $SPEED --n "$N" --couplings mmd --batch-size 256 --out "$OUT_DIR/speed"
  # Its own folder: the file of batch 256 would overwrite the MMD's.
  timeout 90 $PY $SPEED --n "$N" --couplings critic --batch-size 256 \
    --out "$OUT_DIR/speed_critic"
  echo "== speed, batch 64"
  timeout 30 $PY $SPEED --n "$N_64" --couplings mmd --out "$OUT_DIR/speed"
  echo "== where a batch of the critic coupling spends its time"
  timeout 60 $PY $SPEED --steps --batch-size 256 --out "$OUT_DIR/speed"
  echo "== the default fits on digits (device=\"auto\": the GPU), one seed, no UMAP"
  timeout 50 $PY benchmarks/time_to_quality.py --candidates default --seeds 0 --no-umap \
    --out "$OUT_DIR/ttq"
  if [ -n "$GW" ]; then
    echo "== the GW term's share of a step"
    timeout 60 $PY $SPEED --gw --out "$OUT_DIR/speed"
  fi
  date -u
} > "$LOG" 2>&1
# Modules whose test dependencies are missing there (numpydoc, say) fail to load; the rest
# of the suite runs all the same.
timeout "$TESTS_TIMEOUT" $PY -m pytest tests -q -p no:cacheprovider -n 8 -rfE \
  --continue-on-collection-errors > "$OUT_DIR/tests.log" 2>&1
echo "tests rc=$?" >> "$LOG"
date -u >> "$LOG"
tail -n 3 "$OUT_DIR/tests.log"
cat "$LOG"
