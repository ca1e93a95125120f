"""Bad data from Python: a Python exception carrying Java's message, not a Py4J dump."""

import pytest
from pyspark.ml.linalg import Vectors

from sparkprop import SparkpropError
from sparkprop.ml import SparkpropClassifier


def _assert_java_message(error, *words):
    text = str(error)
    for w in words:
        assert w in text, text
    assert "Py4J" not in text and "\tat " not in text and "JVM stacktrace" not in text, text


def test_a_string_features_column_is_refused_with_the_column_named(spark):
    df = spark.createDataFrame([(0.0, "a"), (1.0, "b")], ["label", "features"])
    with pytest.raises(Exception) as e:
        SparkpropClassifier(epochs=1).fit(df)
    _assert_java_message(e.value, "features")


def test_a_label_outside_the_class_range_is_refused(spark):
    df = spark.createDataFrame([(0.0, Vectors.dense([0.0])), (1.5, Vectors.dense([1.0]))], ["label", "features"])
    with pytest.raises(Exception) as e:
        SparkpropClassifier(epochs=1, batchSize=2).fit(df)
    _assert_java_message(e.value, "1.5")


def test_nan_features_are_refused(spark):
    df = spark.createDataFrame([(0.0, Vectors.dense([0.0])), (1.0, Vectors.dense([float("nan")]))],
                               ["label", "features"])
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier(epochs=1, batchSize=2).fit(df)
    _assert_java_message(e.value, "NaN")
