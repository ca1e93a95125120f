#!/usr/bin/env bash
# Example: submit to YARN in cluster mode (the driver runs in the YARN application master).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: submit-scripts/yarn.sh JOB_FILE COMMAND [COMMAND OPTIONS]

Submits to YARN through submit.sh in cluster mode. The job file is shipped with --files, so the
command names it by its base name. Output and checkpoint directories should be on HDFS (or
another shared file system), since the driver runs on a cluster node.
Needs:
  SPARK_HOME        a Spark 4.2 or 3.5 installation built with YARN support
                    (the application jar of its line is picked from its version)
  HADOOP_CONF_DIR   (or YARN_CONF_DIR) the cluster's client configuration
Environment (defaults in brackets):
  SPARKPROP_NUM_EXECUTORS [4]  SPARKPROP_EXECUTOR_CORES [4]  SPARKPROP_EXECUTOR_MEMORY [8g]
  SPARKPROP_DRIVER_MEMORY [4g] SPARKPROP_YARN_QUEUE [default]
Example:
  SPARK_HOME=/opt/spark HADOOP_CONF_DIR=/etc/hadoop/conf submit-scripts/yarn.sh conf/synthetic-large.conf \\
      train --config synthetic-large.conf --set spark.partitions=16 --output hdfs:///user/\$USER/sparkprop/large
USAGE
  exit 0
fi

[[ $# -ge 2 ]] || { echo "yarn.sh: expected JOB_FILE COMMAND ... (see --help)" >&2; exit 1; }
[[ -n "${SPARK_HOME:-}" ]] || { echo "yarn.sh: set SPARK_HOME to a Spark 4.2 or 3.5 installation with YARN support" >&2; exit 1; }
[[ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ]] \
  || { echo "yarn.sh: set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the cluster's Hadoop client configuration" >&2; exit 1; }
job_file="$1"
shift
[[ -f "$job_file" ]] || { echo "yarn.sh: job file '$job_file' not found" >&2; exit 1; }

exec "$here/submit.sh" \
  --master yarn \
  --deploy-mode cluster \
  --num-executors "${SPARKPROP_NUM_EXECUTORS:-4}" \
  --executor-cores "${SPARKPROP_EXECUTOR_CORES:-4}" \
  --executor-memory "${SPARKPROP_EXECUTOR_MEMORY:-8g}" \
  --driver-memory "${SPARKPROP_DRIVER_MEMORY:-4g}" \
  --conf "spark.yarn.queue=${SPARKPROP_YARN_QUEUE:-default}" \
  --files "$job_file" \
  "$@"
