#!/usr/bin/env bash
# Example: submit to YARN, in cluster deploy mode (the driver runs in the YARN application master)
# or in client mode (the driver runs here).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: submit-scripts/yarn.sh JOB_FILE [SUBMIT OPTIONS] COMMAND [COMMAND OPTIONS]

Submits to YARN through submit.sh. The job file is shipped with --files: in cluster deploy mode
the driver runs in a YARN container, so the command names the job file by its base name; in
client mode the driver runs here and reads it where it is. Output and checkpoint directories
should be on HDFS (or another shared file system), since tasks (and in cluster mode the driver)
run on cluster nodes. Submit options given after the job file (e.g. --dry-run, --conf K=V) go to
submit.sh.
Needs:
  HADOOP_CONF_DIR   (or YARN_CONF_DIR) the cluster's Hadoop client configuration (core-site.xml,
                    yarn-site.xml, hdfs-site.xml)
  SPARK_HOME        a Spark 4.2 or 3.5 installation with YARN support (the application jar of its
                    line is picked from its version); without it, the Maven-resolved Spark 4.2 jars,
                    spark-yarn included, are used
Environment (defaults in brackets):
  SPARKPROP_DEPLOY_MODE [cluster]  client or cluster
  SPARKPROP_NUM_EXECUTORS [4]  SPARKPROP_EXECUTOR_CORES [4]  SPARKPROP_EXECUTOR_MEMORY [8g]
  SPARKPROP_DRIVER_MEMORY [4g] SPARKPROP_YARN_QUEUE [default]
  OPENBLAS_CORETYPE     when set, passed on to the executors and, in cluster mode, to the
                        application master (YARN containers do not inherit this environment)
On 'yarn application -kill' the driver stops at the next round boundary and writes a checkpoint
(train with checkpoint.dir set) if YARN gives it the time: the NodeManagers'
yarn.nodemanager.sleep-delay-before-sigkill.ms (default 250 ms) is the time between SIGTERM and SIGKILL.
Examples:
  HADOOP_CONF_DIR=/etc/hadoop/conf submit-scripts/yarn.sh conf/synthetic-large.conf \\
      train --config synthetic-large.conf --set spark.partitions=16 --output hdfs:///user/\$USER/sparkprop/large
  SPARKPROP_DEPLOY_MODE=client HADOOP_CONF_DIR=/etc/hadoop/conf submit-scripts/yarn.sh conf/spiral.conf \\
      train --config conf/spiral.conf --output hdfs:///user/\$USER/sparkprop/spiral
USAGE
  exit 0
fi

[[ $# -ge 2 ]] || { echo "yarn.sh: expected JOB_FILE COMMAND ... (see --help)" >&2; exit 1; }
[[ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ]] \
  || { echo "yarn.sh: set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the cluster's Hadoop client configuration" >&2; exit 1; }
deploy_mode="${SPARKPROP_DEPLOY_MODE:-cluster}"
[[ "$deploy_mode" == client || "$deploy_mode" == cluster ]] \
  || { echo "yarn.sh: SPARKPROP_DEPLOY_MODE must be client or cluster, found '$deploy_mode'" >&2; exit 1; }
job_file="$1"
shift
[[ -f "$job_file" ]] || { echo "yarn.sh: job file '$job_file' not found" >&2; exit 1; }

# A kernel pin in this environment reaches the containers only through Spark's settings.
pin=()
if [[ -n "${OPENBLAS_CORETYPE:-}" ]]; then
  pin+=(--conf "spark.executorEnv.OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
  [[ "$deploy_mode" == cluster ]] && pin+=(--conf "spark.yarn.appMasterEnv.OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
fi

exec "$here/submit.sh" \
  --master yarn \
  --deploy-mode "$deploy_mode" \
  --num-executors "${SPARKPROP_NUM_EXECUTORS:-4}" \
  --executor-cores "${SPARKPROP_EXECUTOR_CORES:-4}" \
  --executor-memory "${SPARKPROP_EXECUTOR_MEMORY:-8g}" \
  --driver-memory "${SPARKPROP_DRIVER_MEMORY:-4g}" \
  --conf "spark.yarn.queue=${SPARKPROP_YARN_QUEUE:-default}" \
  ${pin[@]+"${pin[@]}"} \
  --files "$job_file" \
  "$@"
