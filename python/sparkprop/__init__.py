"""Sparkprop for PySpark: feed-forward networks trained by synchronous data-parallel SGD on Spark.

The estimators live in :py:mod:`sparkprop.ml` and behave like those of :py:mod:`pyspark.ml`. They
run Sparkprop's Java classes, whose jar this package carries: give it to the session with
``spark.jars``::

    import sparkprop
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.config("spark.jars", sparkprop.jar_path()).getOrCreate()

or let :func:`session` build one.
"""

from __future__ import annotations

import glob
import os
from typing import Any, Optional

from sparkprop._version import __version__

__all__ = ["__version__", "SUPPORTED_SPARK", "SparkpropError", "jar_path", "session"]

#: The Spark line (major.minor) the bundled jar is built for; PySpark and the JVM must match it.
SUPPORTED_SPARK = "4.2"


class SparkpropError(ValueError):
    """An error reported by Sparkprop's Java side (bad input data, a failed fit); the message is Java's."""

    def __init__(self, message: str, java_class: Optional[str] = None) -> None:
        super().__init__(message)
        self.java_class = java_class


def jar_path() -> str:
    """The path of the Sparkprop jar inside this package (Sparkprop and the libraries Spark lacks, no Spark).

    Give it to Spark as ``spark.jars`` (or ``spark-submit --jars``).

    :raises FileNotFoundError: in a source checkout that has no built jar (run ``python/build.sh wheel``)
    """
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jars")
    jars = sorted(glob.glob(os.path.join(here, "sparkprop*.jar")))
    if not jars:
        raise FileNotFoundError(
            "no Sparkprop jar in %s: this is a source checkout; install the wheel built by "
            "`mvn package` (target/python/sparkprop-*.whl) or run `python/build.sh wheel`" % here
        )
    return jars[-1]


def session(master: Optional[str] = None, app_name: str = "sparkprop", **conf: Any) -> Any:
    """A SparkSession with Sparkprop's jar on its class path (``spark.jars``), made or reused.

    :param master: e.g. ``"local[*]"``; None leaves it to spark-submit or Spark's default
    :param app_name: the application name
    :param conf: further Spark settings, e.g. ``**{"spark.driver.memory": "4g"}``
    """
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    jars = [jar_path()]
    extra = conf.pop("spark.jars", None)
    if extra:
        jars.append(str(extra))
    builder = builder.config("spark.jars", ",".join(jars))
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
