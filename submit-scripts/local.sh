#!/usr/bin/env bash
# Runs a sparkprop command in Spark local mode on the project's own class path: no Spark
# installation, no SPARK_HOME. Builds the project first if it has not been built or the sources
# changed since.
#
#   submit-scripts/local.sh train --config conf/spiral.conf --output out/spiral
#   submit-scripts/local.sh --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: submit-scripts/local.sh [--spark 4.2|3.5] COMMAND [OPTIONS...]

Runs sparkprop COMMAND (train, ...) in Spark local mode in one JVM, with the project's classes
and the Maven-resolved Spark jars: no Spark installation needed. Builds the project with Maven
first when target/ is missing or older than the sources. The master comes from the job's
spark.master (e.g. local[2]; default local[*]). --spark picks the Spark line to run on:
4.2 (Scala 2.13, the default) or 3.5 (Scala 2.12, built into target/spark-3.5/).

Environment:
  SPARKPROP_DRIVER_MEMORY   heap of the JVM (default 4g)
  JAVA_OPTS                 extra JVM options, e.g. -Dsparkprop.progress=plain
  SPARKPROP_BUILD_DIR       build directory (default: target/ of the project)
  OMP_NUM_THREADS           threads per oneDNN call (default 1 here: math.precision = bf16
                            computes only with 1, its tasks being the parallelism)
  SPARKPROP_CDS             off: no class-data archive. By default the first successful train
                            run after a build archives the classes it loaded into the build
                            directory's cds/ as it exits (its exit takes longer), and later
                            commands map them from there: a shorter start-up

Examples:
  submit-scripts/local.sh train --config conf/spiral.conf --output out/spiral
  submit-scripts/local.sh train --config conf/spiral.conf --set train.epochs=5 --verbose --output out/s5
  submit-scripts/local.sh train --help
  submit-scripts/local.sh --spark 3.5 train --config conf/spiral.conf --output out/spiral-3.5
  submit-scripts/local.sh bench kernel round syn      # benchmarks, one JSON line each (BENCHMARKS.md)

To run on a cluster instead, see submit-scripts/submit.sh --help.
USAGE
}

if [[ $# -eq 0 || "$1" == "--help" || "$1" == "-h" ]]; then
  usage
  exit 0
fi

launcher="$0"
if [[ "$1" == "--spark" ]]; then
  [[ $# -ge 2 ]] || sp_die "--spark needs a value: one of $sp_lines"
  sp_use_line "$2"
  launcher="$0 --spark $2"
  shift 2
  [[ $# -gt 0 ]] || sp_die "no command given (see --help)"
fi

sp_require_java
main_class=org.sparkprop.cli.Main
classpath_file="$sp_line_build/classpath.txt"
if [[ "$1" == "bench" ]]; then
  # Benchmarks are built with the tests and run on the test class path: they are not in the jars.
  shift
  sp_ensure_bench_classes
  main_class=org.sparkprop.bench.BenchCommand
  classpath_file="$sp_line_build/bench-classpath.txt"
  extra_classes="$sp_line_build/test-classes:"
  sp_cds_classes="$sp_line_build/classes"
  sp_cds_options=()
else
  sp_ensure_classes
  extra_classes=""
  # Class-data sharing (lib/common.sh): the classes directory or its jar, and the options that use or
  # write the archive of the classes a train run loads.
  sp_cds_prepare "$@"
fi

jvm_options="$(sp_jvm_options)"
# oneDNN's OpenMP reads this once, at load: one thread per product, as every task's GEMM runs.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
heap="${SPARKPROP_DRIVER_MEMORY:-4g}"
# -Xms = -Xmx: this JVM is also the executor and caches the training data in its heap. G1 keeps a
# heap small while it can; once the cache is over ~45% of it, the 4 MB buffer Spark allocates for
# every broadcast (a humongous object) keeps starting concurrent mark cycles that free nothing, and
# the rounds slow down by 40% (BENCHMARKS.md, scale). Reserved address space, not resident memory.
# shellcheck disable=SC2206  # the JVM options are whitespace-separated words by design
# sparkprop.launcher: how the user ran it, for the resume command an interrupted train prints.
cmd=(java -Xmx"$heap" -Xms"$heap" $jvm_options "${sp_cds_options[@]}" ${JAVA_OPTS:-} -Dsparkprop.launcher="$launcher"
     -cp "$extra_classes$sp_cds_classes:$(cat "$classpath_file")" "$main_class" "$@")
# The class path is long (every Spark jar in ~/.m2): shown by the file that holds it.
shown=(java -Xmx"$heap" -Xms"$heap" '<pom sparkprop.jvmOptions>' "${sp_cds_options[@]}" ${JAVA_OPTS:-}
       -Dsparkprop.launcher="$launcher" -cp "$extra_classes$sp_cds_classes:<$classpath_file>" "$main_class" "$@")
sp_show "${shown[@]}"
exec "${cmd[@]}"
