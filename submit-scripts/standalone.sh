#!/usr/bin/env bash
# Example: submit to a Spark standalone cluster. Defaults fit the cluster of start-local-cluster.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: submit-scripts/standalone.sh COMMAND [COMMAND OPTIONS]

Submits to a Spark standalone cluster through submit.sh, in client mode (the driver runs here).
Environment:
  SPARKPROP_MASTER                master URL; default spark://127.0.0.1:7077 (start-local-cluster.sh)
  SPARKPROP_TOTAL_EXECUTOR_CORES  cores for the job; default 2 (one task per core, so set
                                  spark.partitions to this)
  SPARKPROP_EXECUTOR_MEMORY       memory per executor; default 1g
  SPARK_HOME                      a Spark 4.2 or 3.5 installation to submit with (optional;
                                  the jar of its line is picked); or --spark 3.5 before COMMAND
                                  for a cluster of start-local-cluster.sh --spark 3.5
Example:
  submit-scripts/start-local-cluster.sh
  submit-scripts/standalone.sh train --config conf/spiral.conf --output out/spiral-standalone
  submit-scripts/stop-local-cluster.sh
USAGE
  exit 0
fi

exec "$here/submit.sh" \
  --master "${SPARKPROP_MASTER:-spark://127.0.0.1:7077}" \
  --deploy-mode client \
  --total-executor-cores "${SPARKPROP_TOTAL_EXECUTOR_CORES:-2}" \
  --executor-memory "${SPARKPROP_EXECUTOR_MEMORY:-1g}" \
  "$@"
