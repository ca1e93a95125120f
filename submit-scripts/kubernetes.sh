#!/usr/bin/env bash
# Example: submit to Kubernetes in cluster mode (driver and executors in pods).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: submit-scripts/kubernetes.sh COMMAND [COMMAND OPTIONS]

Submits to Kubernetes through submit.sh in cluster mode. The pods run a Spark image (Java 17)
that holds the application jar of its Spark line and the job file, e.g. built FROM
apache/spark:4.2.0 with
  COPY target/sparkprop_2.13-<version>-cluster.jar /opt/sparkprop/sparkprop.jar
  COPY conf/ /opt/sparkprop/conf/
or FROM a Spark 3.5 image with target/spark-3.5/sparkprop_2.12-<version>-cluster.jar.
Output and checkpoint directories must be on shared storage (s3a://, hdfs://, ...).
Needs:
  SPARK_HOME                 a Spark installation of the image's line, 4.2 or 3.5 (spark-submit
                             with Kubernetes support)
  SPARKPROP_K8S_MASTER       the API server, e.g. k8s://https://10.0.0.1:6443
  SPARKPROP_K8S_IMAGE        the container image described above
Environment (defaults in brackets):
  SPARKPROP_K8S_NAMESPACE [default]  SPARKPROP_K8S_SERVICE_ACCOUNT [spark]
  SPARKPROP_JAR [local:///opt/sparkprop/sparkprop.jar]
  SPARKPROP_NUM_EXECUTORS [4]  SPARKPROP_EXECUTOR_CORES [2]  SPARKPROP_EXECUTOR_MEMORY [4g]
Example:
  SPARK_HOME=/opt/spark SPARKPROP_K8S_MASTER=k8s://https://10.0.0.1:6443 SPARKPROP_K8S_IMAGE=registry/sparkprop:0.1 \\
    submit-scripts/kubernetes.sh train --config /opt/sparkprop/conf/synthetic-large.conf --output s3a://bucket/sparkprop/large
USAGE
  exit 0
fi

[[ -n "${SPARK_HOME:-}" ]] || { echo "kubernetes.sh: set SPARK_HOME to a Spark 4.2 or 3.5 installation" >&2; exit 1; }
[[ -n "${SPARKPROP_K8S_MASTER:-}" ]] || { echo "kubernetes.sh: set SPARKPROP_K8S_MASTER, e.g. k8s://https://10.0.0.1:6443" >&2; exit 1; }
[[ -n "${SPARKPROP_K8S_IMAGE:-}" ]] || { echo "kubernetes.sh: set SPARKPROP_K8S_IMAGE to the image with Spark and the application jar (see --help)" >&2; exit 1; }

exec "$here/submit.sh" \
  --master "$SPARKPROP_K8S_MASTER" \
  --deploy-mode cluster \
  --jar "${SPARKPROP_JAR:-local:///opt/sparkprop/sparkprop.jar}" \
  --num-executors "${SPARKPROP_NUM_EXECUTORS:-4}" \
  --executor-cores "${SPARKPROP_EXECUTOR_CORES:-2}" \
  --executor-memory "${SPARKPROP_EXECUTOR_MEMORY:-4g}" \
  --conf "spark.kubernetes.container.image=$SPARKPROP_K8S_IMAGE" \
  --conf "spark.kubernetes.namespace=${SPARKPROP_K8S_NAMESPACE:-default}" \
  --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${SPARKPROP_K8S_SERVICE_ACCOUNT:-spark}" \
  "$@"
