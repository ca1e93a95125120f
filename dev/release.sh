#!/usr/bin/env bash
# Builds every release artifact of one commit from a clean clone, and lists their SHA-256 sums.
#
#   dev/release.sh                      # HEAD, with the full test suite (mvn verify), into dist/
#   dev/release.sh --ref v0.1.0 --out /tmp/dist --skip-tests
#
# What it builds, for both Spark lines (Spark 4.2 / Scala 2.13 and Spark 3.5 / Scala 2.12): the
# library jar, the cluster jar (with the dependencies Spark does not ship), the sources jar and the
# javadoc jar; the Python wheel when the commit has a python/ package; LICENSE, NOTICE and
# CHANGELOG.md beside them; SHA256SUMS over all of it (check with `sha256sum -c SHA256SUMS`).
# The clone holds only what is committed: nothing of the working tree leaks into a release. The
# commit is built into the jars (`sparkprop --version` prints it).
set -euo pipefail

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ref=HEAD
out="$root/dist"
goal=verify
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ref) ref="${2:?--ref needs a commit, branch or tag}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --skip-tests) goal="package -DskipTests"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "release.sh: unknown option '$1' (see --help)" >&2; exit 1 ;;
  esac
done

command -v git >/dev/null || { echo "release.sh: git not found on PATH" >&2; exit 1; }
command -v mvn >/dev/null || { echo "release.sh: mvn not found on PATH (Apache Maven 3.8+)" >&2; exit 1; }
commit="$(git -C "$root" rev-parse --verify "$ref^{commit}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "release.sh: cloning $commit into $work/src"
git clone --quiet "$root" "$work/src"
git -C "$work/src" checkout --quiet --detach "$commit"

echo "release.sh: mvn -B -ntp $goal (both Spark lines)"
# shellcheck disable=SC2086  # $goal is two words when tests are skipped
(cd "$work/src" && mvn -B -ntp -Dsparkprop.commit="$commit" $goal)

mkdir -p "$out"
rm -f "$out"/*.jar "$out"/*.whl "$out/SHA256SUMS"
for line_dir in "$work/src/target" "$work/src/target/spark-3.5"; do
  for jar in "$line_dir"/sparkprop_*.jar; do
    [[ -e "$jar" ]] && cp "$jar" "$out/"
  done
done
cp "$work/src/LICENSE" "$work/src/NOTICE" "$work/src/CHANGELOG.md" "$out/"

# The wheel is built by `mvn package` (python/build.sh wheel) with the Spark 4.2 line's cluster jar
# inside, so that `pip install` alone gives PySpark users the JVM side; a wheel built from
# python/ by pip would lack the jar.
if [[ -d "$work/src/python" ]]; then
  wheels=("$work/src/target/python"/sparkprop-*.whl)
  if [[ -e "${wheels[0]}" ]]; then
    cp "${wheels[@]}" "$out/"
  else
    echo "release.sh: WARNING: the build made no Python wheel (it needs python3 >= 3.11 with venv); releasing without it" >&2
  fi
fi

(cd "$out" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | sort | xargs sha256sum > SHA256SUMS)
echo "release.sh: $commit -> $out"
cat "$out/SHA256SUMS"
