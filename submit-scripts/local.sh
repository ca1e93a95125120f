#!/usr/bin/env bash
# Runs a sparkprop command in Spark local mode on the project's own class path: no Spark
# installation, no SPARK_HOME. Builds the project first if it has not been built.
#
#   submit-scripts/local.sh train --config conf/spiral.conf --output out/spiral
#   submit-scripts/local.sh --help
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

usage() {
  cat <<USAGE
Usage: submit-scripts/local.sh COMMAND [OPTIONS...]

Runs sparkprop COMMAND (train, ...) in Spark local mode with the project's Maven-resolved
class path. The master comes from the job's spark.master (default local[*]).

Environment:
  SPARKPROP_DRIVER_MEMORY   heap of the JVM (default 4g)
  JAVA_OPTS                 extra JVM options
Examples:
  submit-scripts/local.sh train --config conf/spiral.conf --output out/spiral
  submit-scripts/local.sh train --help
  submit-scripts/local.sh bench kernel round syn      # benchmarks, one JSON line each (BENCHMARKS.md)
USAGE
}

if [[ $# -eq 0 || "$1" == "--help" || "$1" == "-h" ]]; then
  usage
  exit 0
fi

command -v java >/dev/null 2>&1 || { echo "local.sh: java not found on PATH: install a Java 17 JDK" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "local.sh: mvn not found on PATH: install Apache Maven 3.8+" >&2; exit 1; }

build="$root/target"
classpath_file="$build/classpath.txt"
if [[ ! -d "$build/classes/org/sparkprop" || ! -f "$classpath_file" || "$root/pom.xml" -nt "$classpath_file" \
      || -n "$(find "$root/src/main" "$root/conf" -newer "$classpath_file" -print -quit 2>/dev/null)" ]]; then
  echo "local.sh: building sparkprop (the first build downloads Spark's jars once)" >&2
  (cd "$root" && mvn -q -B -DskipTests compile dependency:build-classpath \
      -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=compile) >&2
fi

jvm_options="$(sed -n 's:.*<sparkprop.jvmOptions>\(.*\)</sparkprop.jvmOptions>.*:\1:p' "$root/pom.xml")"
cmd=(java -Xmx"${SPARKPROP_DRIVER_MEMORY:-4g}" $jvm_options ${JAVA_OPTS:-}
     -cp "$build/classes:$(cat "$classpath_file")" org.sparkprop.cli.Main "$@")
echo "local.sh: java -cp target/classes:<maven class path> org.sparkprop.cli.Main $*" >&2
exec "${cmd[@]}"
