#!/usr/bin/env bash
# Submits a sparkprop command to Spark: through $SPARK_HOME/bin/spark-submit when a Spark
# installation is there, else through Spark's own SparkSubmit class on the Maven-resolved jars.
#
#   submit-scripts/submit.sh --master spark://127.0.0.1:7077 train --config conf/spiral.conf --output out/spiral
#   submit-scripts/submit.sh --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: submit-scripts/submit.sh [SUBMIT OPTIONS] COMMAND [COMMAND OPTIONS]

Submits sparkprop COMMAND (train, ...) with the application jar, Sparkprop's Kryo settings and
the JVM options Java 17 needs. With SPARK_HOME set to a Spark 4.2 installation it runs
\$SPARK_HOME/bin/spark-submit; without one it runs Spark's org.apache.spark.deploy.SparkSubmit
from the Maven-resolved Spark jars (local and standalone masters; YARN and Kubernetes need a
Spark installation). The application jar is the shaded target/sparkprop-<version>-cluster.jar
of 'mvn package', built first when missing or older than the sources.

Submit options (each may also come from the environment variable in brackets):
  --master URL              local[N], spark://HOST:PORT, yarn, k8s://https://HOST:PORT
                            [SPARKPROP_MASTER]; default local[*]
  --deploy-mode MODE        client (driver here) or cluster [SPARKPROP_DEPLOY_MODE]; default client
  --driver-memory MEM       e.g. 4g [SPARKPROP_DRIVER_MEMORY]; default 4g
  --executor-memory MEM     e.g. 8g [SPARKPROP_EXECUTOR_MEMORY]
  --executor-cores N        cores per executor [SPARKPROP_EXECUTOR_CORES]
  --num-executors N         executors to start, YARN and Kubernetes [SPARKPROP_NUM_EXECUTORS]
  --total-executor-cores N  cores for the application, standalone [SPARKPROP_TOTAL_EXECUTOR_CORES]
  --files FILES             comma-separated files shipped to the driver's and executors' working
                            directories (e.g. the job file in cluster deploy mode) [SPARKPROP_FILES]
  --conf KEY=VALUE          any other Spark setting; repeatable [SPARKPROP_SPARK_CONF: KEY=VALUE
                            pairs separated by spaces]
  --jar PATH|URI            the application jar [SPARKPROP_JAR]; default the cluster jar of this
                            checkout; a URI (local:///..., hdfs://...) is passed through unchecked
  --dry-run                 print the command and stop
  -h, --help                this text

Everything from COMMAND on goes to sparkprop; 'submit.sh train --help' lists its options. The
master given here wins over the job's spark.master.

Examples:
  submit-scripts/start-local-cluster.sh
  submit-scripts/submit.sh --master spark://127.0.0.1:7077 --total-executor-cores 2 \\
      train --config conf/spiral.conf --output out/spiral-cluster
  SPARK_HOME=/opt/spark submit-scripts/submit.sh --master yarn --deploy-mode cluster \\
      --num-executors 8 --executor-cores 4 --executor-memory 8g --files conf/synthetic-large.conf \\
      train --config synthetic-large.conf --output hdfs:///user/me/sparkprop/large
See also standalone.sh, yarn.sh and kubernetes.sh beside this script.
USAGE
}

master="${SPARKPROP_MASTER:-local[*]}"
deploy_mode="${SPARKPROP_DEPLOY_MODE:-client}"
driver_memory="${SPARKPROP_DRIVER_MEMORY:-4g}"
executor_memory="${SPARKPROP_EXECUTOR_MEMORY:-}"
executor_cores="${SPARKPROP_EXECUTOR_CORES:-}"
num_executors="${SPARKPROP_NUM_EXECUTORS:-}"
total_cores="${SPARKPROP_TOTAL_EXECUTOR_CORES:-}"
files="${SPARKPROP_FILES:-}"
jar="${SPARKPROP_JAR:-}"
dry_run=false
confs=()
# shellcheck disable=SC2206  # documented as space-separated KEY=VALUE pairs
[[ -n "${SPARKPROP_SPARK_CONF:-}" ]] && confs=(${SPARKPROP_SPARK_CONF})

need_value() {
  [[ $# -ge 2 && -n "$2" ]] || sp_die "$1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --master) need_value "$@"; master="$2"; shift 2 ;;
    --deploy-mode) need_value "$@"; deploy_mode="$2"; shift 2 ;;
    --driver-memory) need_value "$@"; driver_memory="$2"; shift 2 ;;
    --executor-memory) need_value "$@"; executor_memory="$2"; shift 2 ;;
    --executor-cores) need_value "$@"; executor_cores="$2"; shift 2 ;;
    --num-executors) need_value "$@"; num_executors="$2"; shift 2 ;;
    --total-executor-cores) need_value "$@"; total_cores="$2"; shift 2 ;;
    --files) need_value "$@"; files="$2"; shift 2 ;;
    --conf) need_value "$@"; confs+=("$2"); shift 2 ;;
    --jar) need_value "$@"; jar="$2"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    --) shift; break ;;
    -*) sp_die "unknown option '$1' (submit options come before the command; see --help)" ;;
    *) break ;;
  esac
done
[[ $# -gt 0 ]] || sp_die "no command given, e.g. 'train --config conf/spiral.conf --output out/spiral' (see --help)"
[[ "$deploy_mode" == client || "$deploy_mode" == cluster ]] \
  || sp_die "--deploy-mode must be client or cluster, found '$deploy_mode'"
for c in "${confs[@]+"${confs[@]}"}"; do
  [[ "$c" == *=* ]] || sp_die "--conf takes KEY=VALUE, found '$c'"
done

sp_require_java
if [[ -z "$jar" ]]; then
  sp_ensure_cluster_jar
  jar="$(sp_cluster_jar)"
elif [[ "$jar" != *://* && ! -f "$jar" ]]; then
  sp_die "the application jar '$jar' does not exist"
fi

# A driver that talks to a cluster on this machine must advertise the loopback address the
# cluster listens on, not the host's network address.
if [[ "$master" =~ ^spark://(127\.0\.0\.1|localhost)[:/] ]]; then
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  confs=("spark.driver.host=127.0.0.1" "${confs[@]+"${confs[@]}"}")
fi

jvm_options="$(sp_jvm_options)"
args=(--master "$master" --deploy-mode "$deploy_mode" --class org.sparkprop.cli.Main
      --conf spark.serializer=org.apache.spark.serializer.KryoSerializer
      --conf spark.kryo.registrator=org.sparkprop.spark.SparkpropKryoRegistrator
      --conf spark.kryo.registrationRequired=true
      --conf "spark.driver.extraJavaOptions=$jvm_options")
[[ -n "$executor_memory" ]] && args+=(--executor-memory "$executor_memory")
# Executors start with their whole heap (-Xms; Spark itself sets only -Xmx): they cache the
# training data, and a G1 heap kept small around a large cache runs back-to-back marking cycles,
# started by the 4 MB buffer of every round's broadcast (BENCHMARKS.md, scale). Left alone when the
# user sets the executors' Java options.
if [[ "$executor_memory" =~ ^[0-9]+[kKmMgGtT]?$ ]] \
   && ! printf '%s\n' "${confs[@]+"${confs[@]}"}" | grep -q '^spark.executor.extraJavaOptions='; then
  args+=(--conf "spark.executor.extraJavaOptions=-Xms$executor_memory")
fi
[[ -n "$executor_cores" ]] && args+=(--executor-cores "$executor_cores")
[[ -n "$num_executors" ]] && args+=(--num-executors "$num_executors")
[[ -n "$total_cores" ]] && args+=(--total-executor-cores "$total_cores")
[[ -n "$files" ]] && args+=(--files "$files")
for c in "${confs[@]+"${confs[@]}"}"; do args+=(--conf "$c"); done

if [[ -n "${SPARK_HOME:-}" ]]; then
  [[ -x "$SPARK_HOME/bin/spark-submit" ]] \
    || sp_die "SPARK_HOME=$SPARK_HOME has no bin/spark-submit: point it at a Spark 4.2 installation, or unset it to use the Maven-resolved Spark jars"
  cmd=("$SPARK_HOME/bin/spark-submit" --driver-memory "$driver_memory" "${args[@]}" "$jar" "$@")
else
  case "$master" in
    yarn*|k8s://*)
      sp_die "--master $master needs a Spark installation (the Maven-resolved jars have no YARN or Kubernetes support): set SPARK_HOME" ;;
  esac
  spark_home="$(sp_ensure_spark_home)"
  # Spark's launcher (used by standalone workers and local-cluster) finds its jars through these.
  export SPARK_HOME="$spark_home" SPARK_SCALA_VERSION=2.13
  # shellcheck disable=SC2206  # the JVM options are whitespace-separated words by design
  cmd=(java -Xmx"$driver_memory" $jvm_options -cp "$spark_home/conf/:$spark_home/jars/*"
       org.apache.spark.deploy.SparkSubmit "${args[@]}" "$jar" "$@")
fi

sp_show "${cmd[@]}"
$dry_run && exit 0
exec "${cmd[@]}"
