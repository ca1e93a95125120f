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
  SPARKPROP_CDS             0 turns off the class data sharing archive described below

Class data sharing: the JVM maps the classes a run loads from an archive instead of reading,
parsing and verifying them from some 300 jars again, which takes a quarter or more of the CPU
time of a short run (the quick start). The first run after a build packs the project's classes into
cds/sparkprop-classes.jar (the JVM archives classes from jars only) and writes the archive
cds/sparkprop.jsa when it exits, in the build directory; the runs after it use it. A rebuild or a
changed class path makes both again; an archive that does not fit the JVM or the class path is
ignored by the JVM (-Xshare:auto), so a run never fails because of it. Not for bench, which runs
on the test class path.

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
else
  sp_ensure_classes
  extra_classes=""
fi

# Class data sharing (see --help): the project's classes as a jar, the archive beside it.
app_classes="$sp_line_build/classes"
cds_args=()
cds_archive=""
if [[ "$main_class" == org.sparkprop.cli.Main && "${SPARKPROP_CDS:-1}" != 0 && "${JAVA_OPTS:-}" != *SharedArchiveFile* \
      && "${JAVA_OPTS:-}" != *Xshare* ]] && command -v jar >/dev/null 2>&1; then
  cds_dir="$sp_line_build/cds"
  classes_jar="$cds_dir/sparkprop-classes.jar"
  cds_archive="$cds_dir/sparkprop.jsa"
  if [[ ! -f "$classes_jar" || "$classpath_file" -nt "$classes_jar" \
        || -n "$(find "$sp_line_build/classes" -newer "$classes_jar" -print -quit 2>/dev/null)" ]]; then
    mkdir -p "$cds_dir"
    rm -f "$cds_archive"
    jar --create --file "$classes_jar.$$" -C "$sp_line_build/classes" . && mv -f "$classes_jar.$$" "$classes_jar" \
      || rm -f "$classes_jar.$$"
  fi
  if [[ -f "$classes_jar" ]]; then
    app_classes="$classes_jar"
    if [[ -f "$cds_archive" ]]; then
      cds_args=(-XX:SharedArchiveFile="$cds_archive" -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off)
      cds_archive=""
    else
      # Written under a name of this run's own, then moved: two first runs at once never share a file.
      cds_args=(-XX:ArchiveClassesAtExit="$cds_archive.$$" -Xlog:cds=off -Xlog:cds+dynamic=off)
    fi
  else
    cds_archive=""
  fi
fi

jvm_options="$(sp_jvm_options)"
heap="${SPARKPROP_DRIVER_MEMORY:-4g}"
# -Xms = -Xmx: this JVM is also the executor and caches the training data in its heap. G1 keeps a
# heap small while it can; once the cache is over ~45% of it, the 4 MB buffer Spark allocates for
# every broadcast (a humongous object) keeps starting concurrent mark cycles that free nothing, and
# the rounds slow down by 40% (BENCHMARKS.md, scale). Reserved address space, not resident memory.
# shellcheck disable=SC2206  # the JVM options are whitespace-separated words by design
# sparkprop.launcher: how the user ran it, for the resume command an interrupted train prints.
cmd=(java -Xmx"$heap" -Xms"$heap" $jvm_options ${cds_args[@]+"${cds_args[@]}"} ${JAVA_OPTS:-}
     -Dsparkprop.launcher="$launcher" -cp "$extra_classes$app_classes:$(cat "$classpath_file")" "$main_class" "$@")
# The class path is long (every Spark jar in ~/.m2): shown by the file that holds it.
shown=(java -Xmx"$heap" -Xms"$heap" '<pom sparkprop.jvmOptions>' ${cds_args[@]+"${cds_args[@]}"} ${JAVA_OPTS:-}
       -Dsparkprop.launcher="$launcher" -cp "$extra_classes$app_classes:<$classpath_file>" "$main_class" "$@")
sp_show "${shown[@]}"
if [[ -z "$cds_archive" ]]; then
  exec "${cmd[@]}"
fi
# The run that writes the archive: in the foreground (Ctrl-C reaches the JVM as usual), then the move.
set +e
"${cmd[@]}"
code=$?
[[ -f "$cds_archive.$$" ]] && mv -f "$cds_archive.$$" "$cds_archive"
exit "$code"
