# Shared by the launch scripts in submit-scripts/: where the project and its build are, checks
# for java and mvn, building what a script needs when it is missing or older than the sources,
# and printing the command a script runs. Sourced, not run.
#
# Environment:
#   SPARKPROP_BUILD_DIR   the build directory (default: <project>/target), as -Dsparkprop.buildDir
#
# Two Spark lines are built from the same sources (src/lines/): Spark 4.2 / Scala 2.13 into the
# build directory itself, Spark 3.5 / Scala 2.12 into its spark-3.5/ folder. A script picks one with
# sp_use_line (default 4.2) before it builds or runs anything.

sp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sp_build="${SPARKPROP_BUILD_DIR:-$sp_root/target}"
sp_script="$(basename "$0")"
sp_lines="4.2 3.5"

sp_die() {
  echo "$sp_script: $*" >&2
  exit 1
}

sp_say() {
  echo "$sp_script: $*" >&2
}

sp_require_java() {
  command -v java >/dev/null 2>&1 \
    || sp_die "java not found on PATH: install a Java 17 JDK (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless) or put its bin/ on PATH"
}

sp_require_mvn() {
  command -v mvn >/dev/null 2>&1 \
    || sp_die "mvn not found on PATH, and it is needed to $1: install Apache Maven 3.8+ (Debian/Ubuntu: apt-get install maven) or put its bin/ on PATH"
}

# Prints a command the way a shell would read it back, prefixed with the script's name.
sp_show() {
  local out="$sp_script:" word
  for word in "$@"; do out+=" $(printf '%q' "$word")"; done
  echo "$out" >&2
}

# Selects the Spark line (4.2 or 3.5) the script builds, runs and submits: sets sp_line, sp_scala
# (its Scala binary version), sp_line_build (its build directory) and sp_module (its Maven module).
sp_use_line() {
  case "$1" in
    4.2) sp_scala=2.13; sp_line_build="$sp_build" ;;
    3.5) sp_scala=2.12; sp_line_build="$sp_build/spark-3.5" ;;
    *) sp_die "--spark takes one of the built Spark lines ($sp_lines), found '$1'" ;;
  esac
  sp_line="$1"
  sp_module="src/lines/spark-$1"
}
sp_use_line 4.2

# The Spark version of a Spark installation (e.g. 3.5.9), from its RELEASE file or else from the
# name of its spark-core jar; empty when neither tells.
sp_spark_home_version() {
  local home="$1" jar version=""
  if [[ -f "$home/RELEASE" ]]; then
    version="$(sed -n 's/^Spark \([0-9][0-9.]*\).*/\1/p' "$home/RELEASE" | head -n 1)"
  fi
  if [[ -z "$version" ]]; then
    for jar in "$home"/jars/spark-core_*.jar; do
      [[ -e "$jar" ]] || continue
      version="$(basename "$jar" .jar)"
      version="${version#spark-core_*-}"
      break
    done
  fi
  echo "$version"
}

# The built line (4.2 or 3.5) that runs on a Spark version, or empty when none does.
sp_line_for_version() {
  case "$1" in
    4.2|4.2.*) echo 4.2 ;;
    3.5|3.5.*) echo 3.5 ;;
  esac
}

# Runs Maven on the selected line's module with the script's build directory.
sp_mvn() {
  sp_require_mvn "$1"
  shift
  local cmd=(mvn -q -B -f "$sp_root/pom.xml" -pl "$sp_module" "-Dsparkprop.buildDir=$sp_build" "$@")
  sp_show "${cmd[@]}"
  "${cmd[@]}" >&2 || sp_die "the Maven build failed (command above)"
}

# The JVM options Java 17 needs for Spark (the pom's sparkprop.jvmOptions), one per word.
sp_jvm_options() {
  # The property's definition, not the places that pass it on as ${sparkprop.jvmOptions}.
  sed -n 's:.*<sparkprop.jvmOptions>\([^$]*\)</sparkprop.jvmOptions>.*:\1:p' "$sp_root/pom.xml" | head -n 1
}

sp_version() {
  sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$sp_root/pom.xml"
}

# True when a file is missing or older than the poms, the sources or conf/.
sp_stale() {
  [[ ! -e "$1" || "$sp_root/pom.xml" -nt "$1" \
    || -n "$(find "$sp_root/src/main" "$sp_root/src/lines" "$sp_root/conf" -newer "$1" -print -quit 2>/dev/null)" ]]
}

# Compiled classes and the Maven class path (Spark included) in $sp_line_build/classpath.txt.
sp_ensure_classes() {
  if [[ ! -d "$sp_line_build/classes/org/sparkprop" ]] || sp_stale "$sp_line_build/classpath.txt"; then
    sp_say "building sparkprop (the first build downloads Spark's jars into ~/.m2 once)"
    sp_mvn "build sparkprop" -DskipTests process-classes
  fi
}

# Compiled benchmarks (src/bench/java, built with the tests, not shipped in the jars) and their
# class path in $sp_line_build/bench-classpath.txt.
sp_ensure_bench_classes() {
  if [[ ! -d "$sp_line_build/test-classes/org/sparkprop/bench" ]] || sp_stale "$sp_line_build/bench-classpath.txt" \
      || [[ -n "$(find "$sp_root/src/bench" -newer "$sp_line_build/bench-classpath.txt" -print -quit 2>/dev/null)" ]]; then
    sp_say "building sparkprop and its benchmarks"
    sp_mvn "build the benchmarks" -DskipTests process-test-classes
  fi
}

# The selected line's shaded application jar for clusters (our code plus the libraries Spark does
# not ship), named by its Scala binary version: sparkprop_2.13-<version>-cluster.jar for Spark 4.2.
sp_cluster_jar() {
  echo "$sp_line_build/sparkprop_$sp_scala-$(sp_version)-cluster.jar"
}

sp_ensure_cluster_jar() {
  local jar
  jar="$(sp_cluster_jar)"
  if sp_stale "$jar"; then
    sp_say "building the application jar $(basename "$jar")"
    sp_mvn "build the application jar" -DskipTests package
  fi
  [[ -f "$jar" ]] || sp_die "the build did not produce $jar"
}

# A Spark home made of Spark's own jars as Maven resolves them (no Spark download): jars/ from
# `mvn dependency:copy-dependencies` of the provided-scope Spark modules, and conf/ with the
# project's quiet log4j2 settings. Prints its path.
sp_ensure_spark_home() {
  local home="$sp_line_build/spark-home"
  if [[ ! -f "$home/.complete" || "$sp_root/pom.xml" -nt "$home/.complete" \
        || "$sp_root/$sp_module/pom.xml" -nt "$home/.complete" ]]; then
    sp_say "assembling a Spark home from the Maven-resolved Spark jars in $home (about 320 MB, once)"
    rm -rf "$home"
    mkdir -p "$home/conf"
    sp_mvn "collect Spark's jars" dependency:copy-dependencies -DincludeScope=provided \
      "-DoutputDirectory=$home/jars"
    cp "$sp_root/conf/log4j2.properties" "$home/conf/"
    touch "$home/.complete"
  fi
  echo "$home"
}

# Application class-data sharing (CDS) for the commands local.sh runs: the JVM maps the classes a
# train run loaded (Spark, Scala, Hadoop, Jackson, log4j and ours, pre-parsed and verified) from an
# archive instead of loading them one by one from the jars, which is most of a short run's start-up
# (BENCHMARKS.md, fmnist). JDK 17 archives classes from jar files only, so the classes directory goes
# on the class path as a jar of it (made again when a class changes). The first train run after a
# build writes the archive as it exits, under a name with its process id; a later run checks that
# that process has ended with exit code 0 (it then leaves a .ok file, -Dsparkprop.cds.done) and that a
# JVM accepts the file (-Xshare:on refuses an archive that does not match the JDK or the class path,
# and one cut short by a killed run, which would crash a JVM using it) before using it: an archive that
# is missing, stale or damaged costs only its speed-up. SPARKPROP_CDS=off, or -Xshare or an archive
# option in JAVA_OPTS, turns this off.
#
# sp_cds_prepare COMMAND [ARGS...] sets sp_cds_classes (the classes directory or its jar, first on the
# class path) and sp_cds_options (the JVM options that use or write the archive; none when off).
sp_cds_prepare() {
  local command="$1" classes="$sp_line_build/classes" dir="$sp_line_build/cds" java_bin jar_bin key cp
  sp_cds_classes="$classes"
  sp_cds_options=()
  [[ "${SPARKPROP_CDS:-on}" != off ]] || return 0
  case " ${JAVA_OPTS:-} " in *" -Xshare"*|*SharedArchiveFile*|*ArchiveClassesAtExit*) return 0 ;; esac
  local jar="$dir/sparkprop-classes.jar" archive="$dir/sparkprop.jsa" java_time
  java_bin="$(readlink -f "$(command -v java)")" && java_time="$(stat -c %Y "$java_bin" 2>/dev/null)" || return 0
  jar_bin="$(dirname "$java_bin")/jar"
  # The archive belongs to one JDK (its path and its modification time) and one class path.
  cp="$jar:$(cat "$sp_line_build/classpath.txt")"
  key="$java_bin $java_time $(printf '%s' "$cp" | cksum)"
  if [[ -f "$jar" && -z "$(find "$classes" -newer "$jar" -print -quit 2>/dev/null)" ]]; then
    # The key names the archive's length too: a file cut short after it was checked would crash the JVM.
    if [[ -f "$archive" && "$(cat "$archive.key" 2>/dev/null)" == "$key $(stat -c %s "$archive")" ]]; then
      sp_cds_classes="$jar"
      sp_cds_options=(-XX:SharedArchiveFile="$archive" -Xlog:cds*=off)
      return 0
    fi
    sp_cds_promote "$key" "$cp" && {
      sp_cds_classes="$jar"
      sp_cds_options=(-XX:SharedArchiveFile="$archive" -Xlog:cds*=off)
      return 0
    }
  fi
  # No archive for these classes yet: a train run writes one (other commands, and help, load fewer classes).
  [[ "$command" == train && -x "$jar_bin" ]] || return 0
  case " $* " in *" --help "*|*" -h "*|*" --version "*|*" -V "*) return 0 ;; esac
  local pending
  for pending in "$dir"/sparkprop.jsa.*.tmp; do
    [[ -e "$pending" ]] || continue
    local pid="${pending%.tmp}"
    pid="${pid##*.}"
    kill -0 "$pid" 2>/dev/null && return 0 # a run is writing one now
  done
  mkdir -p "$dir" || return 0
  if [[ ! -f "$jar" || -n "$(find "$classes" -newer "$jar" -print -quit 2>/dev/null)" ]]; then
    rm -f "$archive" "$archive.key"
    # The jar takes the time it was started at: a class a build writes meanwhile is newer than it, so the
    # jar counts as stale then, and is made again, rather than keeping what it read before.
    touch "$jar.$$.start" \
      && "$jar_bin" --create --file "$jar.$$.tmp" --no-manifest -C "$classes" . 2>/dev/null \
      && touch -r "$jar.$$.start" "$jar.$$.tmp" && mv -f "$jar.$$.tmp" "$jar" \
      || { rm -f "$jar.$$.tmp" "$jar.$$.start"; return 0; }
    rm -f "$jar.$$.start"
  fi
  # exec keeps this shell's process id: the JVM writes $archive.$$.tmp when it exits.
  sp_say "this train run writes a class-data archive of its classes as it exits (once per build; the next runs start faster)"
  printf '%s\n' "$key" > "$archive.$$.key" || return 0
  sp_cds_classes="$jar"
  sp_cds_options=(-XX:ArchiveClassesAtExit="$archive.$$.tmp" -Dsparkprop.cds.done="$archive.$$.ok" -Xlog:cds*=off)
}

# Makes the archive a finished earlier run wrote the archive of this JDK and class path, if a JVM
# accepts it; removes the ones that are left over or damaged. True when the archive is in place.
sp_cds_promote() {
  local key="$1" cp="$2" archive="$sp_line_build/cds/sparkprop.jsa" pending pid promoted=1
  for pending in "$archive".*.tmp; do
    [[ -e "$pending" ]] || continue
    pid="${pending%.tmp}"
    pid="${pid##*.}"
    kill -0 "$pid" 2>/dev/null && continue # still running (or writing it)
    if [[ $promoted -ne 0 && -f "$archive.$pid.ok" && "$(cat "$archive.$pid.key" 2>/dev/null)" == "$key" ]] \
        && java -Xshare:on -XX:SharedArchiveFile="$pending" -cp "$cp" -version >/dev/null 2>&1; then
      printf '%s %s\n' "$key" "$(stat -c %s "$pending")" > "$archive.$pid.key" \
        && mv -f "$pending" "$archive" && mv -f "$archive.$pid.key" "$archive.key" && promoted=0
    fi
    rm -f "$pending" "$archive.$pid.key" "$archive.$pid.ok"
  done
  return $promoted
}
