"""The Java package name of Sparkprop's Spark ML classes, as a Python module.

When PySpark loads a saved pipeline or tuning model, it finds the Python class of each Java stage
by the Java class name (``org.sparkprop.spark.ml.SparkpropClassifier``, say). This module gives
that name the classes of :py:mod:`sparkprop.ml`.
"""

from sparkprop.ml import (  # noqa: F401
    SparkpropClassificationModel,
    SparkpropClassifier,
    SparkpropRegressionModel,
    SparkpropRegressor,
)
