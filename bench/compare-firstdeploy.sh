#!/usr/bin/env bash
# ModelOps against the kopf peer (bench/peers/kopf) on issue 16's workload: N ModelDeployments
# created at once, create → every one Healthy, each operator in its own process against a fresh
# `modelops-playground --no-operator` per run (simulator on), runs alternated (ModelOps, kopf,
# ModelOps, kopf, …). Prints the medians and the ModelOps/kopf ratios, and appends every run's
# JSON to bench/results/<date>/firstdeploy-<N>.jsonl.
#
# Usage: bench/compare-firstdeploy.sh [N=1000] [RUNS=2] [modelops run argument …]
#   e.g. bench/compare-firstdeploy.sh 1000 2 --max-concurrent-reconciles=4
# Builds the release binaries once and installs the peer's requirements into .build/peers-venv.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-1000}
RUNS=${2:-2}
shift $(( $# < 2 ? $# : 2 ))
OPERATOR_ARGS=()
for arg in "$@"; do OPERATOR_ARGS+=("--operator-arg=$arg"); done

echo "building release binaries (modelops, modelops-playground, modelops-bench)" >&2
swift build -c release --product modelops >&2
swift build -c release --product modelops-playground >&2
swift build -c release --product modelops-bench >&2
BIN=$(swift build -c release --show-bin-path)

VENV=.build/peers-venv
REQUIREMENTS=bench/peers/kopf/requirements.txt
if ! cmp -s "$REQUIREMENTS" "$VENV/requirements.installed" 2>/dev/null; then
    echo "installing the kopf peer's requirements into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
    cp "$REQUIREMENTS" "$VENV/requirements.installed"
fi
KOPF_COMMAND="$PWD/$VENV/bin/python -m kopf run --standalone --all-namespaces --liveness=http://127.0.0.1:{port}/healthz $PWD/bench/peers/kopf/operator.py"

RESULTS=bench/results/$(date -u +%Y-%m-%d)
mkdir -p "$RESULTS"
OUT="$RESULTS/firstdeploy-$N.jsonl"
THIS_RUN=$(mktemp)
trap 'rm -f "$THIS_RUN"' EXIT

compact() { python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))'; }

for run in $(seq 1 "$RUNS"); do
    echo "run $run/$RUNS: modelops (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    "$BIN/modelops-bench" firstdeploy --objects "$N" "${OPERATOR_ARGS[@]}" | compact | tee -a "$OUT" >> "$THIS_RUN"
    echo "run $run/$RUNS: kopf (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    "$BIN/modelops-bench" firstdeploy --objects "$N" --operator-name kopf --operator-command "$KOPF_COMMAND" \
        --operator-ready-url 'http://127.0.0.1:{port}/healthz' | compact | tee -a "$OUT" >> "$THIS_RUN"
done

python3 bench/firstdeploy-table.py "$THIS_RUN"
echo "raw JSON lines appended to $OUT"
