#!/usr/bin/env bash
# Stops the cluster start-local-cluster.sh started: its workers (and their executors), then its
# master, by the process ids it recorded.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: submit-scripts/stop-local-cluster.sh [--dir DIR]

Stops the master and workers that start-local-cluster.sh started from DIR (default
target/local-cluster, or SPARKPROP_CLUSTER_DIR): the executors the workers launched, then the
workers, then the master, each by the process id recorded at start. Waits up to 15 seconds for
each to exit after SIGTERM, then sends SIGKILL. Logs stay in DIR/logs/.
USAGE
}

dir="${SPARKPROP_CLUSTER_DIR:-$sp_build/local-cluster}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
    *) sp_die "unknown argument '$1' (see --help)" ;;
  esac
done
# Stopping needs neither java nor mvn: it only signals the recorded processes.
[[ -d "$dir" ]] || { sp_say "no cluster directory $dir: nothing to stop"; exit 0; }

alive() {
  kill -0 "$1" 2>/dev/null
}

# Sends SIGTERM, waits, then SIGKILL.
stop_pid() {
  local name="$1" pid="$2" waited=0
  alive "$pid" || return 0
  sp_say "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  while alive "$pid" && [[ $waited -lt 150 ]]; do sleep 0.1; waited=$((waited + 1)); done
  if alive "$pid"; then
    sp_say "$name (pid $pid) did not exit after SIGTERM; sending SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
  fi
}

stopped=0
for pid_file in "$dir"/worker-*.pid "$dir"/master.pid; do
  [[ -e "$pid_file" ]] || continue
  name="$(basename "$pid_file" .pid)"
  pid="$(cat "$pid_file")"
  # A worker's executors are its child processes; they normally exit with it, but not after SIGKILL.
  children=()
  if [[ "$name" == worker-* ]] && alive "$pid"; then
    mapfile -t children < <(ps -o pid= --ppid "$pid" 2>/dev/null | tr -d ' ' || true)
  fi
  stop_pid "$name" "$pid"
  for child in "${children[@]+"${children[@]}"}"; do
    [[ -n "$child" ]] && stop_pid "executor of $name" "$child"
  done
  rm -f "$pid_file"
  stopped=$((stopped + 1))
done
rm -f "$dir/master-url"
if [[ $stopped -eq 0 ]]; then
  sp_say "no running cluster recorded in $dir"
else
  sp_say "stopped the local cluster of $dir"
fi
