"""One local SparkSession for the whole run, with the installed wheel's jar, and the shared data."""

from __future__ import annotations

import os
import sys
from typing import Iterator

import pytest

import sparkprop

SOURCE_DIR = os.environ.get("SPARKPROP_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPO_DIR = os.path.dirname(SOURCE_DIR)
IRIS = os.path.join(REPO_DIR, "data", "public", "iris.libsvm")

sys.path.insert(0, os.path.join(SOURCE_DIR, "tools"))


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = sparkprop.session(
        "local[2]",
        app_name="sparkprop-pytest",
        **{
            "spark.ui.enabled": "false",
            "spark.driver.host": "127.0.0.1",
            "spark.sql.shuffle.partitions": "2",
            "spark.default.parallelism": "2",
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def jvm(spark):  # type: ignore[no-untyped-def]
    return spark.sparkContext._jvm


@pytest.fixture(scope="session")
def iris(spark):  # type: ignore[no-untyped-def]
    """Fisher's iris data scaled to [-1, 1] (150 rows, 3 classes), split 60/40 as Spark's MLP example does."""
    data = spark.read.format("libsvm").option("numFeatures", 4).load(IRIS).cache()
    train, test = data.randomSplit([0.6, 0.4], 1234)
    return data, train.cache(), test.cache()


@pytest.fixture
def no_spark_job(spark):  # type: ignore[no-untyped-def]
    """Yields a check that no Spark job ran since the fixture started (params are checked before any job)."""
    tracker = spark.sparkContext.statusTracker()
    group = "sparkprop-no-job-%d" % id(object())
    spark.sparkContext.setJobGroup(group, "must stay empty")
    yield lambda: tracker.getJobIdsForGroup(group)
    spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)


@pytest.fixture(scope="session")
def classifier_model(iris):  # type: ignore[no-untyped-def]
    """A small network fitted on the iris training rows (shared: fits cost seconds)."""
    from sparkprop.ml import SparkpropClassifier

    _, train, _ = iris
    return SparkpropClassifier(hiddenLayers=[8], activation="tanh", optimizer="adam", learningRate=0.05,
                               batchSize=16, epochs=30, validationFraction=0.1, seed=7).fit(train)


@pytest.fixture(scope="session")
def regression_data(spark):  # type: ignore[no-untyped-def]
    """y = 2 x0 - x1 + 0.5 on a grid: a target a small network fits closely."""
    from pyspark.ml.linalg import Vectors

    rows = [(2.0 * a / 10 - (b / 10) + 0.5, Vectors.dense([a / 10, b / 10])) for a in range(-10, 11, 2) for b in range(-10, 11, 2)]
    return spark.createDataFrame(rows, ["label", "features"]).cache()


@pytest.fixture(scope="session")
def regressor_model(regression_data):  # type: ignore[no-untyped-def]
    from sparkprop.ml import SparkpropRegressor

    return SparkpropRegressor(hiddenLayers=[], optimizer="adam", learningRate=0.05, batchSize=16, epochs=60,
                              seed=3).fit(regression_data)
