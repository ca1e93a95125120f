"""The installed package: its version, its jar, and the JVM it refuses."""

import os
import zipfile

import pytest

import sparkprop
import sparkprop.ml


def test_the_tests_import_the_installed_wheel_not_the_sources():
    assert "site-packages" in sparkprop.__file__, sparkprop.__file__
    assert sparkprop.__version__ != "0+source"


def test_jar_path_is_the_bundled_jar_with_sparkprop_and_without_spark():
    path = sparkprop.jar_path()
    assert os.path.isfile(path) and path.endswith("-cluster.jar")
    with zipfile.ZipFile(path) as jar:
        names = set(jar.namelist())
    assert "org/sparkprop/spark/ml/SparkpropClassifier.class" in names
    assert not any(n.startswith("org/apache/spark/") for n in names)


def test_the_jvm_runs_the_spark_line_the_package_declares(spark):
    assert spark.version.startswith(sparkprop.SUPPORTED_SPARK + ".")
    import pyspark

    assert pyspark.__version__.startswith(sparkprop.SUPPORTED_SPARK + ".")


def test_a_mismatched_jvm_spark_is_refused_with_a_clear_message(spark, monkeypatch):
    monkeypatch.setattr(sparkprop.ml, "SUPPORTED_SPARK", "3.5")
    with pytest.raises(RuntimeError) as e:
        sparkprop.ml.SparkpropClassifier()
    assert "built for Spark 3.5.x" in str(e.value) and spark.version in str(e.value)
