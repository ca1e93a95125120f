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
the JVM options Java 17 needs. With SPARK_HOME set to a Spark installation it runs
\$SPARK_HOME/bin/spark-submit; without one it runs Spark's org.apache.spark.deploy.SparkSubmit
from the Maven-resolved Spark jars (local and standalone masters, and YARN on the Spark 4.2 line
with HADOOP_CONF_DIR set; Kubernetes, and YARN on Spark 3.5, need a Spark installation).

The application jar is the shaded cluster jar of 'mvn package' for the cluster's Spark line,
built first when missing or older than the sources:
  Spark 4.2 (Scala 2.13)  target/sparkprop_2.13-<version>-cluster.jar
  Spark 3.5 (Scala 2.12)  target/spark-3.5/sparkprop_2.12-<version>-cluster.jar
The line is SPARK_HOME's Spark version (its RELEASE file or jars/spark-core_*.jar), else --spark,
else 4.2. A mismatch (--spark or --jar for another line than SPARK_HOME's Spark) is refused.

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
  --spark 4.2|3.5           the Spark line of the cluster [SPARKPROP_SPARK]; default SPARK_HOME's,
                            else 4.2
  --jar PATH|URI            the application jar [SPARKPROP_JAR]; default the cluster jar of this
                            checkout for the Spark line; a URI (local:///..., hdfs://...) is passed
                            through (a name with sparkprop_2.12/_2.13 is checked against the line)
  --dry-run                 print the command and stop
  -h, --help                this text

Everything from COMMAND on goes to sparkprop; 'submit.sh train --help' lists its options. The
master given here wins over the job's spark.master.

Examples:
  submit-scripts/start-local-cluster.sh
  submit-scripts/submit.sh --master spark://127.0.0.1:7077 --total-executor-cores 2 \\
      train --config conf/spiral.conf --output out/spiral-cluster
  submit-scripts/start-local-cluster.sh --spark 3.5 --port 7078
  submit-scripts/submit.sh --spark 3.5 --master spark://127.0.0.1:7078 \\
      train --config conf/spiral.conf --output out/spiral-3.5
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
spark_line="${SPARKPROP_SPARK:-}"
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
    --spark) need_value "$@"; spark_line="$2"; shift 2 ;;
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

[[ -z "$spark_line" ]] || sp_use_line "$spark_line"

# The Spark line: SPARK_HOME's when there is one (a jar of the other line would fail mid-job with
# a linkage error), else --spark, else 4.2.
if [[ -n "${SPARK_HOME:-}" ]]; then
  home_version="$(sp_spark_home_version "$SPARK_HOME")"
  if [[ -n "$home_version" ]]; then
    home_line="$(sp_line_for_version "$home_version")"
    [[ -n "$home_line" ]] \
      || sp_die "SPARK_HOME=$SPARK_HOME is Spark $home_version; Sparkprop is built for Spark 4.2 (Scala 2.13) and Spark 3.5 (Scala 2.12)"
    [[ -z "$spark_line" || "$spark_line" == "$home_line" ]] \
      || sp_die "--spark $spark_line asks for the jar built for Spark $spark_line, but SPARK_HOME=$SPARK_HOME is Spark $home_version: drop --spark (the jar is picked from SPARK_HOME) or use a Spark $spark_line installation"
    sp_use_line "$home_line"
  elif [[ -z "$spark_line" ]]; then
    sp_die "cannot tell the Spark version of SPARK_HOME=$SPARK_HOME (no RELEASE file, no jars/spark-core_*.jar): say it with --spark 4.2 or --spark 3.5"
  fi
fi
line_source="Spark $sp_line"
[[ -n "${home_version:-}" ]] && line_source="SPARK_HOME=$SPARK_HOME (Spark $home_version)"
if [[ -n "$jar" && "$(basename "$jar")" =~ sparkprop_(2\.1[0-9]) && "${BASH_REMATCH[1]}" != "$sp_scala" ]]; then
  jar_line=4.2
  [[ "${BASH_REMATCH[1]}" == 2.12 ]] && jar_line=3.5
  sp_die "the application jar $jar is built for Spark $jar_line / Scala ${BASH_REMATCH[1]}, but the submission is for $line_source, which needs the sparkprop_$sp_scala jar (Scala $sp_scala)"
fi

# Without a Spark installation, Spark's own SparkSubmit runs from the Maven-resolved jars: checked
# before anything is built.
hadoop_conf=""
if [[ -z "${SPARK_HOME:-}" ]]; then
  case "$master" in
    k8s://*)
      sp_die "--master $master needs a Spark installation (the Maven-resolved jars have no Kubernetes support): set SPARK_HOME" ;;
    yarn*)
      # The Spark 4.2 line's Maven-resolved jars include spark-yarn; the Spark 3.5 line's do not.
      [[ "$sp_line" == 4.2 ]] \
        || sp_die "--master $master on Spark $sp_line needs a Spark installation (the Maven-resolved Spark $sp_line jars have no YARN support): set SPARK_HOME"
      hadoop_conf="${HADOOP_CONF_DIR:-${YARN_CONF_DIR:-}}"
      [[ -n "$hadoop_conf" ]] \
        || sp_die "--master $master needs the cluster's Hadoop client configuration: set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the folder of its core-site.xml and yarn-site.xml"
      [[ -d "$hadoop_conf" ]] || sp_die "HADOOP_CONF_DIR=$hadoop_conf is not a folder"
      # As bin/spark-submit does, the Hadoop configuration folder goes on the class path: Spark's
      # YARN client finds the ResourceManager and the default file system there.
      hadoop_conf="$hadoop_conf:" ;;
  esac
fi

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
    || sp_die "SPARK_HOME=$SPARK_HOME has no bin/spark-submit: point it at a Spark 4.2 or 3.5 installation, or unset it to use the Maven-resolved Spark jars"
  cmd=("$SPARK_HOME/bin/spark-submit" --driver-memory "$driver_memory" "${args[@]}" "$jar" "$@")
else
  spark_home="$(sp_ensure_spark_home)"
  # Spark's launcher (used by standalone workers and local-cluster) finds its jars through these;
  # Spark's YARN client uploads $SPARK_HOME/jars for the containers unless spark.yarn.jars or
  # spark.yarn.archive says where they are.
  export SPARK_HOME="$spark_home" SPARK_SCALA_VERSION="$sp_scala"
  # shellcheck disable=SC2206  # the JVM options are whitespace-separated words by design
  cmd=(java -Xmx"$driver_memory" $jvm_options -cp "$spark_home/conf/:$hadoop_conf$spark_home/jars/*"
       org.apache.spark.deploy.SparkSubmit "${args[@]}" "$jar" "$@")
fi

sp_show "${cmd[@]}"
$dry_run && exit 0
exec "${cmd[@]}"
