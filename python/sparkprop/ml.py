"""Sparkprop's estimators for ``pyspark.ml``: a classifier and a regressor that train feed-forward
networks by Sparkprop's synchronous data-parallel SGD, and the models they fit.

They are thin wrappers over the Java classes ``org.sparkprop.spark.ml.*`` (like pyspark.ml's own
estimators over Spark's Scala ones): params, defaults, documentation and checks are the Java
params' (generated into :py:mod:`sparkprop._params`), fitting and prediction run in the JVM, and
they work in ``Pipeline``, ``CrossValidator``, ``TrainValidationSplit`` and with
``ParamGridBuilder``; models saved from Python load in Java and Scala and the reverse.

The session needs Sparkprop's jar: ``spark.jars`` = :py:func:`sparkprop.jar_path`.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Sequence, Tuple, Type, TypeVar

from py4j.java_gateway import JavaClass
from py4j.protocol import Py4JJavaError
from pyspark import SparkContext
from pyspark.ml.classification import _JavaProbabilisticClassificationModel, _JavaProbabilisticClassifier
from pyspark.ml.linalg import Vector
from pyspark.ml.param import Param
from pyspark.ml.regression import _JavaRegressionModel, _JavaRegressor
from pyspark.ml.util import JavaMLReadable, JavaMLReader, JavaMLWritable
from pyspark.ml.wrapper import JavaWrapper
from pyspark.sql import DataFrame

from sparkprop import SUPPORTED_SPARK, SparkpropError
from sparkprop._params import (
    _SparkpropClassifierKeywords,
    _SparkpropClassifierParams,
    _SparkpropClassifierSetters,
    _SparkpropRegressorKeywords,
    _SparkpropRegressorParams,
    _SparkpropRegressorSetters,
)

__all__ = [
    "SparkpropClassifier",
    "SparkpropClassificationModel",
    "SparkpropRegressor",
    "SparkpropRegressionModel",
    "TrainingSummary",
]

_JAVA_PACKAGE = "org.sparkprop.spark.ml"
_T = TypeVar("_T")


def _spark_context() -> SparkContext:
    """The active SparkContext, checked to run the Spark line and to have the jar this package needs."""
    sc = SparkContext._active_spark_context
    if sc is None:
        raise RuntimeError(
            "Sparkprop needs an active SparkSession with its jar: "
            "SparkSession.builder.config('spark.jars', sparkprop.jar_path()).getOrCreate() "
            "(or sparkprop.session())"
        )
    version = sc.version
    if not (version == SUPPORTED_SPARK or version.startswith(SUPPORTED_SPARK + ".")):
        raise RuntimeError(
            "Sparkprop's jar is built for Spark %s.x, but this session's JVM runs Spark %s: "
            "use PySpark and a Spark installation of %s.x" % (SUPPORTED_SPARK, version, SUPPORTED_SPARK)
        )
    probe = sc._jvm.org.sparkprop.spark.ml.SparkpropClassifier  # type: ignore[union-attr]
    if not isinstance(probe, JavaClass):
        raise RuntimeError(
            "Sparkprop's classes are not on this session's class path: start it with "
            "spark.jars = sparkprop.jar_path() (e.g. SparkSession.builder.config('spark.jars', "
            "sparkprop.jar_path())), or spark-submit --jars with that path"
        )
    return sc


@contextlib.contextmanager
def _java_errors() -> Iterator[None]:
    """Java's own message instead of a Py4J dump: the innermost IllegalArgumentException, else the root cause."""
    try:
        yield
    except Py4JJavaError as e:
        chosen = None
        t = e.java_exception
        seen = 0
        while t is not None and seen < 20:
            if chosen is None or t.getClass().getName() == "java.lang.IllegalArgumentException":
                chosen = t
            t = t.getCause()
            seen += 1
        if chosen is None:
            raise
        message = chosen.getMessage() or chosen.toString()
        raise SparkpropError(str(message), chosen.getClass().getName()) from None


class _SparkpropReader(JavaMLReader[_T]):
    """Loads through the Java class's reader; pyspark's default derives a Java name from the Python module."""

    @classmethod
    def _java_loader_class(cls, clazz: Type[Any]) -> str:
        _spark_context()
        return _JAVA_PACKAGE + "." + clazz.__name__


class _SparkpropJavaStage(JavaMLReadable[_T], JavaMLWritable):
    """What the four classes share: the Java object behind them, and their reader."""

    def _new_sparkprop_java_obj(self) -> Any:
        _spark_context()
        return JavaWrapper._new_java_obj(_JAVA_PACKAGE + "." + type(self).__name__, self.uid)  # type: ignore[attr-defined]

    @classmethod
    def read(cls) -> JavaMLReader[_T]:
        """Returns an MLReader instance for this class."""
        return _SparkpropReader(cls)  # type: ignore[arg-type]


class _AllAtOnce(Iterator[Tuple[int, _T]]):
    """The thread-safe ``(index, model)`` iterator ``fitMultiple`` returns, over models fitted all at
    once by the first ``next``: pyspark's tuning then gets every setting's model from one Java
    ``fit(dataset, paramMaps)``, which packs the fold's rows once for all of them."""

    def __init__(self, fit_all: Callable[[], List[_T]], count: int):
        self._fit_all = fit_all
        self._count = count
        self._models: List[_T] = []
        self._next = 0
        self._lock = threading.Lock()

    def __iter__(self) -> "_AllAtOnce[_T]":
        return self

    def __next__(self) -> Tuple[int, _T]:
        with self._lock:
            if self._next >= self._count:
                raise StopIteration("No models remaining.")
            if not self._models:
                self._models = self._fit_all()
            index = self._next
            self._next += 1
            return index, self._models[index]


def _with_the_java_models_params(model: _T) -> _T:
    """The fitted model with the params its Java model holds. pyspark gives a fitted model the Python
    estimator's values only (``_copyValues``), while the Java fit may set one more: a vector label's
    multi-label fit sets ``loss = bce`` where the estimator left the loss at its default. The Java model
    has every value the estimator passed it, so reading back its set params changes nothing else."""
    model._transfer_params_from_java()  # type: ignore[attr-defined]
    return model


def _fit_multiple(estimator: Any, dataset: DataFrame, paramMaps: Sequence[Dict[Param, Any]]) -> Iterator[Tuple[int, Any]]:
    """``fitMultiple`` of both estimators: one Java ``fit(dataset, paramMaps)`` for all the settings (the
    DataFrame read and packed once per way of packing it), each model with the weights its own ``fit``
    would give and the params of its map, as pyspark's ``fit(dataset, paramMap)`` sets them."""
    copy = estimator.copy()
    maps = list(paramMaps)

    def fit_all() -> List[Any]:
        sc = _spark_context()
        copy._transfer_params_to_java()
        java_maps = sc._jvm.PythonUtils.toSeq([copy._transfer_param_map_to_java(m) for m in maps])  # type: ignore[union-attr]
        with _java_errors():
            java_models = copy._java_obj.fit(dataset._jdf, java_maps)
        return [_with_the_java_models_params(copy.copy(m)._copyValues(copy._create_model(java_models.apply(i))))
                for i, m in enumerate(maps)]

    return _AllAtOnce(fit_all, len(maps))


@dataclass(frozen=True)
class TrainingSummary:
    """How a model was fitted, as plain Python values (a copy of the Java ``SparkpropTrainingSummary``).

    ``stopReason`` says why the fit ended (``epochs``, ``converged``, ``max_epochs``, ``round_limit``,
    ``target`` (the ``stopAt`` target was reached) or ``listener``), ``bestEpoch`` which epoch's weights were restored (0 if none), ``execution`` where the
    rounds ran (on the driver or as Spark jobs) and why. The metrics are ``loss``, then ``accuracy`` for classification, or ``mse``, ``mae`` and ``r2``
    for regression. A model of several outputs adds each output's metrics as ``name[k]`` (``f1[0]``, ``r2[1]``)
    and, grouped by output in output order, in ``trainingMetricsPerOutput`` and ``validationMetricsPerOutput``:
    per label of a multi-label classifier ``accuracy`` and ``f1`` (its ``accuracy`` is then the subset accuracy,
    beside ``hammingLoss``, ``microF1`` and ``macroF1``), per target of a multi-target regression ``mse``, ``mae``
    and ``r2``; both lists are empty for a single output. With a ``weightCol`` the metrics are weighted means,
    except a multi-label model's label metrics (accuracy, Hamming loss, F1), which count rows.
    ``weightsSha256`` is the SHA-256 of the final float32 weights: equal digests mean bit-identical weights (the command line's summary.json reports the same digest). ``kernel`` is the
    GEMM kernel every task computed with. ``resumeChanges`` lists the differences from the checkpoint's
    recipe that ``resumeWithChanges`` accepted (``key``, ``checkpoint`` and ``run`` values); with any,
    ``bitIdenticalToUninterrupted`` is false.
    """

    network: str
    epochs: int
    rounds: int
    stoppedEarly: bool
    resumed: bool
    stopReason: str = ""
    bestEpoch: int = 0
    execution: str = ""
    lossHistory: List[float] = field(default_factory=list)
    validationHistory: List[Dict[str, float]] = field(default_factory=list)
    trainingMetrics: Dict[str, float] = field(default_factory=dict)
    validationMetrics: Dict[str, float] = field(default_factory=dict)
    trainingRows: int = 0
    validationRows: int = 0
    partitions: int = 0
    samplesPerSecond: float = 0.0
    loopSeconds: float = 0.0
    meanRoundMs: Dict[str, float] = field(default_factory=dict)
    weightsSha256: str = ""
    kernel: str = ""
    resumeChanges: List[Dict[str, str]] = field(default_factory=list)
    bitIdenticalToUninterrupted: bool = True
    trainingMetricsPerOutput: List[Dict[str, float]] = field(default_factory=list)
    validationMetricsPerOutput: List[Dict[str, float]] = field(default_factory=list)

    @staticmethod
    def _from_java(j: Any) -> "TrainingSummary":
        def metrics(m: Any) -> Dict[str, float]:
            return {str(k): float(m.get(k)) for k in m.keySet()}

        return TrainingSummary(
            network=str(j.network()),
            epochs=int(j.epochs()),
            rounds=int(j.rounds()),
            stoppedEarly=bool(j.stoppedEarly()),
            resumed=bool(j.resumed()),
            stopReason=str(j.stopReason()),
            bestEpoch=int(j.bestEpoch()),
            execution=str(j.execution()),
            lossHistory=[float(x) for x in j.lossHistory()],
            validationHistory=[metrics(m) for m in j.validationHistory()],
            trainingMetrics=metrics(j.trainingMetrics()),
            validationMetrics=metrics(j.validationMetrics()),
            trainingRows=int(j.trainingRows()),
            validationRows=int(j.validationRows()),
            partitions=int(j.partitions()),
            samplesPerSecond=float(j.samplesPerSecond()),
            loopSeconds=float(j.loopSeconds()),
            meanRoundMs=metrics(j.meanRoundMs()),
            weightsSha256=str(j.weightsSha256()),
            kernel=str(j.kernel()),
            resumeChanges=[
                {"key": str(c.key()), "checkpoint": str(c.checkpoint()), "run": str(c.run())}
                for c in j.resumeChanges()
            ],
            bitIdenticalToUninterrupted=bool(j.bitIdenticalToUninterrupted()),
            trainingMetricsPerOutput=[metrics(m) for m in j.trainingMetricsPerOutput()],
            validationMetricsPerOutput=[metrics(m) for m in j.validationMetricsPerOutput()],
        )


class _SparkpropModel:
    """The model-side extras both fitted models have."""

    _java_obj: Any

    @property
    def summary(self) -> TrainingSummary:
        """How the fit went: losses per epoch, validation and training metrics, speed, the weights' SHA-256."""
        return TrainingSummary._from_java(self._java_obj.summary())

    @property
    def hasSummary(self) -> bool:
        """Always true: the summary is saved and loaded with the model."""
        return True

    @property
    def network(self) -> str:
        """The architecture, e.g. ``"4-5-4-3 (sigmoid hidden, softmax output, cross_entropy loss, 68 parameters)"``."""
        return str(self._java_obj.network())

    @property
    def weights(self) -> List[float]:
        """The flat float32 weights: per layer from the input, W (out, in) row-major, then b (out)."""
        return [float(x) for x in self._java_obj.weights()]

    def exportOnnx(self, path: str) -> None:
        """Writes the model as an ONNX file to ``path`` (any Hadoop URI; an existing file is an error), to serve it
        without Spark, e.g. with ``onnxruntime``: input ``features`` (rows, numFeatures) float32; outputs ``label``,
        ``class`` and ``probability`` (classifier) or ``prediction`` (regressor). A multi-label classifier's ``label``
        is (rows, labels) int64 0/1 and its ``probability`` (rows, labels); a multi-target regressor's
        ``prediction`` is (rows, targets), each in its target's units."""
        with _java_errors():
            self._java_obj.exportOnnx(path)


class SparkpropClassifier(
    _SparkpropClassifierKeywords,
    _JavaProbabilisticClassifier["SparkpropClassificationModel"],
    _SparkpropClassifierParams,
    _SparkpropClassifierSetters,
    _SparkpropJavaStage["SparkpropClassifier"],
):
    """
    A classifier that trains a feed-forward network by Sparkprop's synchronous data-parallel SGD.
    Labels are class indices 0, 1, ..., k-1 (as ``StringIndexer`` makes them), features a vector
    column. The model adds ``rawPrediction``, ``probability`` and ``prediction`` and honours
    ``thresholds``. With the same rows, params and ``partitions``, two fits give bit-identical
    weights, whatever the number of executors. ``weightCol`` names a column of sample weights (a
    weight of 2 trains as the row twice).

    A label column holding a vector (or an array) of 0/1 values per row trains a multi-label
    classifier: one independent sigmoid output per label, loss ``bce`` (the default for such a
    label; another loss set explicitly is refused when ``fit`` starts). Its model's ``rawPrediction``, ``probability``
    and ``prediction`` are then vectors of one element per label (see
    :py:class:`SparkpropClassificationModel`).

    Every training param checks its value when it is set (a ``ValueError`` names the param, the
    value and what is accepted); rules between params are checked when ``fit`` starts, before any
    Spark job.

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> from pyspark.ml.linalg import Vectors
    >>> df = spark.createDataFrame([
    ...     (0.0, Vectors.dense([0.0, 0.0])), (1.0, Vectors.dense([0.0, 1.0])),
    ...     (1.0, Vectors.dense([1.0, 0.0])), (0.0, Vectors.dense([1.0, 1.0]))], ["label", "features"])
    >>> clf = SparkpropClassifier(hiddenLayers=[8], activation="tanh", optimizer="adam",
    ...                           learningRate=0.05, batchSize=4, epochs=300, seed=7)
    >>> model = clf.fit(df)
    >>> model.network
    '2-8-2 (tanh hidden, softmax output, cross_entropy loss, 42 parameters)'
    >>> model.transform(df).select("prediction").head().prediction
    0.0
    >>> model.summary.lossHistory[-1] < model.summary.lossHistory[0]
    True
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "xor")
    >>> model.write().overwrite().save(path)
    >>> SparkpropClassificationModel.load(path).network == model.network
    True
    """

    def _create_model(self, java_model: Any) -> "SparkpropClassificationModel":
        return SparkpropClassificationModel(java_model)

    def _fit(self, dataset: DataFrame) -> "SparkpropClassificationModel":
        with _java_errors():
            return _with_the_java_models_params(super()._fit(dataset))

    def fitMultiple(  # type: ignore[override]
        self, dataset: DataFrame, paramMaps: Sequence[Dict[Param, Any]]
    ) -> Iterator[Tuple[int, "SparkpropClassificationModel"]]:
        """One model per param map, as ``fit(dataset, paramMap)`` for each would give, with the DataFrame
        packed once for all of them (pyspark's ``CrossValidator``, ``TrainValidationSplit`` and
        ``fit(dataset, [paramMap, ...])`` call this)."""
        return _fit_multiple(self, dataset, paramMaps)


class SparkpropClassificationModel(
    _SparkpropModel,
    _JavaProbabilisticClassificationModel[Vector],
    _SparkpropClassifierParams,
    _SparkpropJavaStage["SparkpropClassificationModel"],
):
    """
    A network fitted by :py:class:`SparkpropClassifier`. ``transform`` appends ``rawPredictionCol``,
    ``probabilityCol`` and ``predictionCol`` (each left out when its name is set to ""); the
    training params it was fitted with stay readable, and :py:attr:`summary` tells how the fit went.

    A multi-label model (fitted on a vector or array label of 0/1 values, :py:attr:`isMultiLabel`)
    keeps these column names and puts one element per label, in the label vector's order, in each:
    ``rawPrediction`` the labels' logits, ``probability`` each label's own sigmoid (independent, so
    not summing to 1), ``prediction`` 0/1 (1 where the label's probability is at least 0.5).
    :py:meth:`predictLabels`, ``predictRaw`` and ``predictProbability`` give the same for one row;
    ``predict`` (one number) and ``thresholds`` do not apply: they raise pyspark's
    ``UnsupportedOperationException`` and ``IllegalArgumentException`` with Java's reason.
    The summary's ``trainingMetricsPerOutput`` lists each label's accuracy and F1.

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> from pyspark.ml.linalg import Vectors
    >>> rows = [(Vectors.dense([a / 4, b / 4]), Vectors.dense([float(a > 0), float(b > 0)]))
    ...         for a in range(-4, 5) for b in range(-4, 5) if a != 0 and b != 0]
    >>> df = spark.createDataFrame(rows, ["features", "label"])
    >>> model = SparkpropClassifier(hiddenLayers=[], optimizer="adam", learningRate=0.1, batchSize=16,
    ...                             epochs=100, seed=3).fit(df)
    >>> model.isMultiLabel, model.numLabels, model.getLoss()
    (True, 2, 'bce')
    >>> model.network
    '2-2 (sigmoid output, bce loss, 6 parameters)'
    >>> model.predictLabels(Vectors.dense([0.75, -0.5]))
    DenseVector([1.0, 0.0])
    >>> [sorted(m) for m in model.summary.trainingMetricsPerOutput]
    [['accuracy', 'f1'], ['accuracy', 'f1']]
    """

    def _transform(self, dataset: DataFrame) -> DataFrame:
        with _java_errors():
            return super()._transform(dataset)

    @property
    def isMultiLabel(self) -> bool:
        """Whether the model predicts several independent 0/1 labels per row (it was fitted on a vector label)."""
        return bool(self._call_java("isMultiLabel"))

    @property
    def numLabels(self) -> int:
        """The 0/1 labels predicted per row: several for a multi-label model, else 1."""
        return int(self._call_java("numLabels"))

    def predictLabels(self, value: Vector) -> Vector:
        """Each label's 0/1 prediction for one features vector, in the label vector's order (1 where its
        probability is at least 0.5), as the ``prediction`` column holds it; a single-label model gives its one
        predicted class."""
        with _java_errors():
            return self._call_java("predictLabels", value)


class SparkpropRegressor(
    _SparkpropRegressorKeywords,
    _JavaRegressor["SparkpropRegressionModel"],
    _SparkpropRegressorParams,
    _SparkpropRegressorSetters,
    _SparkpropJavaStage["SparkpropRegressor"],
):
    """
    A regressor that trains a feed-forward network by Sparkprop's synchronous data-parallel SGD:
    a real-valued label, a vector features column, mse loss by default. The model adds
    ``prediction``. ``weightCol`` names a column of sample weights (a weight of 2 trains as the row
    twice).

    A label column holding a vector (or an array) of numbers per row is a multi-target regression:
    one output per target, each standardised on its own while training (``scaleTarget``), and a
    model whose ``prediction`` is a vector in the targets' order and units (see
    :py:class:`SparkpropRegressionModel`). Several label columns become one with
    ``VectorAssembler`` or ``pyspark.sql.functions.array``.

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> reg = SparkpropRegressor(hiddenLayers=[16], activation="tanh", optimizer="adam", epochs=50, seed=1)
    >>> reg.getLoss()
    'mse'
    """

    def _create_model(self, java_model: Any) -> "SparkpropRegressionModel":
        return SparkpropRegressionModel(java_model)

    def _fit(self, dataset: DataFrame) -> "SparkpropRegressionModel":
        with _java_errors():
            return _with_the_java_models_params(super()._fit(dataset))

    def fitMultiple(  # type: ignore[override]
        self, dataset: DataFrame, paramMaps: Sequence[Dict[Param, Any]]
    ) -> Iterator[Tuple[int, "SparkpropRegressionModel"]]:
        """One model per param map, as ``fit(dataset, paramMap)`` for each would give, with the DataFrame
        packed once for all of them (pyspark's ``CrossValidator``, ``TrainValidationSplit`` and
        ``fit(dataset, [paramMap, ...])`` call this)."""
        return _fit_multiple(self, dataset, paramMaps)


class SparkpropRegressionModel(
    _SparkpropModel,
    _JavaRegressionModel[Vector],
    _SparkpropRegressorParams,
    _SparkpropJavaStage["SparkpropRegressionModel"],
):
    """
    A network fitted by :py:class:`SparkpropRegressor`; ``transform`` appends ``predictionCol``: a
    number, or for a model fitted on a vector label (:py:attr:`numTargets` > 1) a vector of every
    target's prediction, which :py:meth:`predictVector` gives for one row (``predict``, one number,
    then raises pyspark's ``UnsupportedOperationException``). The summary's ``trainingMetricsPerOutput``
    lists each target's MSE, MAE and R².

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> from pyspark.ml.linalg import Vectors
    >>> rows = [(Vectors.dense([a / 5, b / 5]), Vectors.dense([a / 5 + b / 5, a / 5 - 2 * b / 5 + 1]))
    ...         for a in range(-5, 6) for b in range(-5, 6)]
    >>> df = spark.createDataFrame(rows, ["features", "label"])
    >>> model = SparkpropRegressor(hiddenLayers=[], optimizer="adam", learningRate=0.05, batchSize=16,
    ...                            epochs=100, seed=3).fit(df)
    >>> model.numTargets, model.network
    (2, '2-2 (identity output, mse loss, 6 parameters)')
    >>> [round(float(y), 1) for y in model.predictVector(Vectors.dense([0.4, 0.2]))]
    [0.6, 1.0]
    >>> [sorted(m) for m in model.summary.trainingMetricsPerOutput]
    [['mae', 'mse', 'r2'], ['mae', 'mse', 'r2']]
    """

    def _transform(self, dataset: DataFrame) -> DataFrame:
        with _java_errors():
            return super()._transform(dataset)

    @property
    def numTargets(self) -> int:
        """Targets predicted per row: 1, or several for a model fitted on a vector label (then see
        :py:meth:`predictVector`)."""
        return int(self._call_java("numTargets"))

    def predictVector(self, value: Vector) -> Vector:
        """Every target's prediction for one features vector, in the label vector's order and units (one element
        for a single target), as the ``prediction`` column of a multi-target model holds it."""
        with _java_errors():
            return self._call_java("predictVector", value)
