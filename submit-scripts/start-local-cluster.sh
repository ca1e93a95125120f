#!/usr/bin/env bash
# Starts a real Spark standalone cluster on this machine, bound to 127.0.0.1: one master and two
# workers (separate JVMs), from the Maven-resolved Spark jars. No Spark download.
#
#   submit-scripts/start-local-cluster.sh
#   submit-scripts/submit.sh --master spark://127.0.0.1:7077 train --config conf/spiral.conf --output out/c
#   submit-scripts/stop-local-cluster.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: submit-scripts/start-local-cluster.sh [OPTIONS]

Starts a Spark standalone master and workers on 127.0.0.1 in the background, each its own JVM,
with a Spark home assembled from the Maven-resolved Spark jars (target/spark-home for Spark 4.2,
target/spark-3.5/spark-home for Spark 3.5), and waits until every worker has registered. Stop
them with stop-local-cluster.sh.

Options (environment in brackets):
  --spark 4.2|3.5    the Spark line of the cluster [SPARKPROP_SPARK]; default 4.2
  --workers N        workers to start [SPARKPROP_CLUSTER_WORKERS]; default 2
  --cores N          cores each worker offers [SPARKPROP_WORKER_CORES]; default 1
  --memory MEM       memory each worker offers to executors [SPARKPROP_WORKER_MEMORY]; default 2g
  --port N           master port [SPARKPROP_MASTER_PORT]; default 7077
  --webui-port N     master web UI port; worker i uses N+i [SPARKPROP_MASTER_WEBUI_PORT]; default 8080
  --dir DIR          pid files, logs and work directories [SPARKPROP_CLUSTER_DIR];
                     default target/local-cluster
  --timeout SECONDS  how long to wait for the workers to register; default 120
  -h, --help         this text

Everything listens on 127.0.0.1 only (SPARK_LOCAL_IP=127.0.0.1). Logs: DIR/logs/.
Then submit with: submit-scripts/submit.sh [--spark 3.5] --master spark://127.0.0.1:PORT COMMAND ...
USAGE
}

workers="${SPARKPROP_CLUSTER_WORKERS:-2}"
cores="${SPARKPROP_WORKER_CORES:-1}"
memory="${SPARKPROP_WORKER_MEMORY:-2g}"
port="${SPARKPROP_MASTER_PORT:-7077}"
webui_port="${SPARKPROP_MASTER_WEBUI_PORT:-8080}"
dir="${SPARKPROP_CLUSTER_DIR:-$sp_build/local-cluster}"
timeout=120
[[ -n "${SPARKPROP_SPARK:-}" ]] && sp_use_line "$SPARKPROP_SPARK"

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --workers) workers="${2:?--workers needs a value}"; shift 2 ;;
    --cores) cores="${2:?--cores needs a value}"; shift 2 ;;
    --memory) memory="${2:?--memory needs a value}"; shift 2 ;;
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --webui-port) webui_port="${2:?--webui-port needs a value}"; shift 2 ;;
    --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
    --timeout) timeout="${2:?--timeout needs a value}"; shift 2 ;;
    --spark) sp_use_line "${2:?--spark needs a value}"; shift 2 ;;
    *) sp_die "unknown argument '$1' (see --help)" ;;
  esac
done
for n in "$workers" "$cores" "$port" "$webui_port" "$timeout"; do
  [[ "$n" =~ ^[0-9]+$ ]] || sp_die "expected a whole number, found '$n' (see --help)"
done

sp_require_java
mkdir -p "$dir/logs"
dir="$(cd "$dir" && pwd)"
for pid_file in "$dir"/*.pid; do
  [[ -e "$pid_file" ]] || continue
  if kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    sp_die "a cluster started from $dir is still running ($(basename "$pid_file" .pid), pid $(cat "$pid_file")): stop it first with submit-scripts/stop-local-cluster.sh --dir $dir"
  fi
  rm -f "$pid_file"
done

spark_home="$(sp_ensure_spark_home)"
# The worker builds each executor's command with Spark's launcher, which finds the jars only
# with SPARK_SCALA_VERSION set when the Spark home is not a real distribution.
export SPARK_HOME="$spark_home" SPARK_SCALA_VERSION="$sp_scala" SPARK_LOCAL_IP=127.0.0.1
jvm_options="$(sp_jvm_options)"
master_url="spark://127.0.0.1:$port"

# The daemons log at INFO into their files (the master's "Registering worker" lines tell when the
# cluster is ready); drivers and executors keep the quiet settings of the Spark home's conf/.
mkdir -p "$dir/conf"
cat >"$dir/conf/log4j2.properties" <<'LOG4J'
rootLogger.level = info
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
LOG4J

# Starts one daemon in the background with its log and pid file.
launch() {
  local name="$1"
  shift
  # shellcheck disable=SC2206  # the JVM options are whitespace-separated words by design
  local cmd=(java -Xmx"${SPARK_DAEMON_MEMORY:-512m}" $jvm_options -cp "$dir/conf/:$spark_home/jars/*" "$@")
  sp_show "${cmd[@]}"
  nohup "${cmd[@]}" >"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

# On any failure below, stop what was started rather than leave half a cluster running.
abort() {
  sp_say "$1; stopping what was started. Last lines of the logs in $dir/logs:"
  tail -n 15 "$dir"/logs/*.log >&2 || true
  "$(dirname "${BASH_SOURCE[0]}")/stop-local-cluster.sh" --dir "$dir" >&2 || true
  exit 1
}

: >"$dir/logs/master.log"
launch master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$webui_port"
for ((i = 1; i <= workers; i++)); do
  mkdir -p "$dir/work/worker-$i"
  launch "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$cores" --memory "$memory" \
    --webui-port $((webui_port + i)) --work-dir "$dir/work/worker-$i" "$master_url"
done

sp_say "waiting for $workers worker(s) to register with $master_url (up to ${timeout}s)"
deadline=$((SECONDS + timeout))
while true; do
  registered="$(grep -c "Registering worker" "$dir/logs/master.log" || true)"
  [[ "$registered" -ge "$workers" ]] && break
  for pid_file in "$dir"/*.pid; do
    kill -0 "$(cat "$pid_file")" 2>/dev/null || abort "$(basename "$pid_file" .pid) exited during start-up"
  done
  [[ $SECONDS -lt $deadline ]] || abort "only $registered of $workers workers registered within ${timeout}s"
  sleep 1
done
echo "$master_url" >"$dir/master-url"
sp_say "cluster ready (Spark $sp_line): master $master_url (web UI http://127.0.0.1:$webui_port), $workers worker(s) x $cores core(s), $memory"
echo "$master_url"
