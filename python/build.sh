#!/usr/bin/env bash
# The Python package's build steps; `mvn package` runs `wheel`, the Failsafe test PythonApiIT runs `test`.
#
#   python/build.sh wheel [MAVEN_VERSION [JAR]]
#                                          the wheel target/python/sparkprop-<version>-py3-none-any.whl with
#                                          the Spark 4.2 line's cluster jar inside (by default
#                                          target/sparkprop_2.13-<MAVEN_VERSION>-cluster.jar)
#   python/build.sh test [PYTEST_ARGS...]  installs that wheel into target/python-venv and runs pytest
#   python/build.sh params                 regenerates python/sparkprop/_params.py from the built jar
#   python/build.sh venv                   makes target/python-venv (PySpark from PyPI, then cached)
#
# The virtual environment holds the PySpark the package supports; the system Python is never
# changed. Without python3 (and its venv module) `wheel` says so and builds nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build_dir="${SPARKPROP_BUILD_DIR:-$root/target}"
venv="$build_dir/python-venv"
# What the venv must hold; a change here rebuilds it.
requirements=("pyspark[ml]==4.2.0" "pytest==9.2.0")

have_python() {
  command -v python3 >/dev/null 2>&1 && python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

maven_version() {
  if [[ $# -gt 0 && -n "$1" ]]; then echo "$1"; return; fi
  python3 - "$root/pom.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
print(ET.parse(sys.argv[1]).getroot().find("m:version", ns).text)
PY
}

# 0.1.0-SNAPSHOT -> 0.1.0.dev0 (PEP 440); a release version stays as it is.
python_version() {
  local v="$1"
  if [[ "$v" == *-SNAPSHOT ]]; then echo "${v%-SNAPSHOT}.dev0"; else echo "$v"; fi
}

ensure_venv() {
  local marker="$venv/.sparkprop-requirements"
  if [[ -x "$venv/bin/python" && -f "$marker" && "$(cat "$marker")" == "${requirements[*]}" ]]; then return; fi
  echo "build.sh: creating $venv with ${requirements[*]} (once; cached until target/ is cleaned)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
  echo "${requirements[*]}" >"$marker"
}

wheel_path() {
  local version
  version="$(python_version "$(maven_version "${1:-}")")"
  echo "$build_dir/python/sparkprop-$version-py3-none-any.whl"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  wheel)
    if ! have_python; then
      echo "build.sh: WARNING: no python3 >= 3.11 with venv here; the Python wheel is not built" >&2
      exit 0
    fi
    mversion="$(maven_version "${1:-}")"
    jar="${2:-$build_dir/sparkprop_2.13-$mversion-cluster.jar}"
    [[ -f "$jar" ]] || { echo "build.sh: $jar is missing: run mvn package first" >&2; exit 1; }
    rm -f "$build_dir"/python/sparkprop-*.whl
    python3 "$here/tools/build_wheel.py" "$here" "$jar" "$(python_version "$mversion")" "$build_dir/python"
    ;;
  venv)
    ensure_venv
    ;;
  test)
    ensure_venv
    wheel="$(wheel_path)"
    [[ -f "$wheel" ]] || { echo "build.sh: $wheel is missing: run mvn package first" >&2; exit 1; }
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$wheel"
    mkdir -p "$build_dir/python/work"
    # From a folder without the sources, so that the tests import the installed wheel.
    cd "$build_dir/python/work"
    export SPARKPROP_SOURCE_DIR="$here"
    exec "$venv/bin/python" -m pytest -p no:cacheprovider -c "$here/pytest.ini" --rootdir "$here" "$here/tests" "$@"
    ;;
  params)
    ensure_venv
    wheel="$(wheel_path)"
    [[ -f "$wheel" ]] || { echo "build.sh: $wheel is missing: run mvn package first" >&2; exit 1; }
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$wheel"
    catalog="$build_dir/python/param-catalog.json"
    (cd "$build_dir/python" && "$venv/bin/python" -c '
import sys, sparkprop
spark = sparkprop.session("local[1]", **{"spark.ui.enabled": "false"})
sys.stdout.write(spark.sparkContext._jvm.org.sparkprop.spark.ml.ParamCatalog.json())
spark.stop()' >"$catalog")
    python3 "$here/tools/generate_params.py" "$catalog" "$here/sparkprop/_params.py"
    echo "build.sh: wrote $here/sparkprop/_params.py"
    ;;
  *)
    echo "usage: python/build.sh wheel [MAVEN_VERSION] | test [PYTEST_ARGS...] | params | venv" >&2
    exit 2
    ;;
esac
