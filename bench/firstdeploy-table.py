#!/usr/bin/env python3
"""The table of `bench/compare-firstdeploy.sh`: medians by operator of `modelops-bench firstdeploy`
JSON lines (one file or more, e.g. bench/results/<date>/firstdeploy-1000.jsonl), and the
ModelOps/kopf ratios of time, CPU and peak RSS."""
import json, statistics, sys

runs = [json.loads(line) for path in sys.argv[1:] for line in open(path) if line.strip()]
by_operator = {}
for run in runs:
    by_operator.setdefault(run['operator']['name'], []).append(run)

def median(operator, *path):
    values = []
    for run in by_operator.get(operator, []):
        value = run
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, (int, float)):
            values.append(value)
    return statistics.median(values) if values else None

columns = [
    ('create → all Healthy s', ('seconds',)),
    ('p50 ms', ('createToHealthyMs', 'p50')),
    ('p99 ms', ('createToHealthyMs', 'p99')),
    ('CPU s', ('cpuSeconds',)),
    ('peak RSS MB', ('peakRSSMB',)),
    ('requests/object', ('requestsPerObject', 'total')),
    ("writes after all Healthy (the burst's last Events)", ('writesAfterHealthy',)),
    ('writes at rest', ('writesAtRest',)),
]
machine = runs[0]['machine']
print(f"firstdeploy, N = {runs[0]['objects']}, medians of {len(runs) // max(1, len(by_operator))} alternated runs each, "
      f"fresh playground per run; {machine['nproc']} × {machine['cpuModel']}, "
      f"load {' / '.join(str(r['machine']['loadAverageBefore'][0]) for r in runs)} (1-min, per run)")
print('| operator | ' + ' | '.join(name for name, _ in columns) + ' |')
print('|---' * (len(columns) + 1) + '|')
def cell(value):
    if value is None:
        return '–'
    if float(value).is_integer():
        return str(int(value))
    return f'{value:.0f}' if abs(value) >= 100 else f'{value:.2f}'
for operator in by_operator:
    print(f'| {operator} | ' + ' | '.join(cell(median(operator, *path)) for _, path in columns) + ' |')
if 'modelops' in by_operator and 'kopf' in by_operator:
    def ratio(*path):
        ours, theirs = median('modelops', *path), median('kopf', *path)
        return f'{ours / theirs:.2f}' if ours is not None and theirs else '–'
    print(f"ModelOps/kopf: time {ratio('seconds')}, CPU {ratio('cpuSeconds')}, peak RSS {ratio('peakRSSMB')}")
for operator, operator_runs in by_operator.items():
    detail = operator_runs[0].get('requestsPerObjectByResource') or {}
    print(f"{operator} requests per object (first run): " + ', '.join(f'{k} {v}' for k, v in sorted(detail.items()) if k != 'total'))
