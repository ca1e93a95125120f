"""Several outputs through Python: a multi-label classifier (a vector label of 0/1 values) and a
multi-target regression (a vector label, or several label columns made into one), compared with the
same fits made by the Java estimators in the same JVM: same weights, same output columns, the same
per-output metrics in the summary, which also match the metrics of the predictions."""

from __future__ import annotations

import pytest
from pyspark.errors import IllegalArgumentException, UnsupportedOperationException
from pyspark.ml.feature import VectorAssembler
from pyspark.ml.linalg import DenseVector, Vectors
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from sparkprop.ml import (
    SparkpropClassificationModel,
    SparkpropClassifier,
    SparkpropRegressionModel,
    SparkpropRegressor,
)

ROWS = 360
LABELS = 3


def _a(r: int) -> float:
    # Quarters and eighths: exact in float32, so every path packs the same numbers.
    return (r % 23) / 4.0 - 2.75


def _b(r: int) -> float:
    return (r * 7 % 17) / 8.0 - 1


def _labels(r: int) -> list:
    """Three 0/1 labels of (a, b): two half-planes and a band, each learnable by a small tanh network."""
    a, b = _a(r), _b(r)
    return [float(a > 0), float(a + b > 0.5), float(b < -0.4)]


def _targets(r: int) -> list:
    """Two targets of very different scales (each is standardised on its own while training)."""
    a, b = _a(r), _b(r)
    return [2 * a - b + 50, -300 * b + 20 * a * b]


@pytest.fixture(scope="module")
def label_frame(spark):  # type: ignore[no-untyped-def]
    """Features, the three labels as one vector column, and as three number columns."""
    rows = [(Vectors.dense([_a(r), _b(r)]), Vectors.dense(_labels(r)), *_labels(r)) for r in range(ROWS)]
    return spark.createDataFrame(rows, ["features", "label", "l1", "l2", "l3"]).cache()


@pytest.fixture(scope="module")
def target_frame(spark):  # type: ignore[no-untyped-def]
    rows = [(Vectors.dense([_a(r), _b(r)]), Vectors.dense(_targets(r)), *_targets(r)) for r in range(ROWS)]
    return spark.createDataFrame(rows, ["features", "label", "y1", "y2"]).cache()


CLASSIFIER = dict(hiddenLayers=[8], activation="tanh", optimizer="adam", learningRate=0.05, batchSize=48, epochs=8,
                  seed=9, validationFraction=0.0)
REGRESSOR = dict(hiddenLayers=[5], activation="tanh", optimizer="adam", learningRate=0.02, batchSize=40, epochs=5,
                 seed=6, validationFraction=0.0)


def _java_estimator(jvm, name: str, params: dict):  # type: ignore[no-untyped-def]
    """The Java estimator itself with the same params, set through its own setters (no Python wrapper)."""
    est = getattr(jvm.org.sparkprop.spark.ml, name)()
    for key, value in params.items():
        setter = getattr(est, "set" + key[0].upper() + key[1:])
        est = setter(_int_array(jvm, value) if key == "hiddenLayers" else value)
    return est


def _int_array(jvm, values):  # type: ignore[no-untyped-def]
    from pyspark import SparkContext

    array = SparkContext._active_spark_context._gateway.new_array(jvm.int, len(values))  # type: ignore[union-attr]
    for i, v in enumerate(values):
        array[i] = v
    return array


def _java_df(java_df, like: DataFrame) -> DataFrame:
    return DataFrame(java_df, like.sparkSession)


def _java_per_output(java_list) -> list:  # type: ignore[no-untyped-def]
    return [{str(k): float(m.get(k)) for k in m.keySet()} for m in java_list]


# ---------------------------------------------------------------- multi-label classification


@pytest.fixture(scope="module")
def multi_label_model(label_frame):  # type: ignore[no-untyped-def]
    return SparkpropClassifier(**CLASSIFIER).fit(label_frame.select("features", "label"))


def test_a_vector_label_fits_the_same_multi_label_model_as_the_java_estimator(jvm, label_frame, multi_label_model):
    model = multi_label_model
    assert isinstance(model, SparkpropClassificationModel)
    assert model.isMultiLabel and model.numLabels == LABELS and model.numClasses == 2
    assert model.getLoss() == "bce", "a vector label defaults the loss to bce, and the model records it"
    assert model.network.startswith("2-8-3 (tanh hidden, sigmoid output, bce loss"), model.network

    data = label_frame.select("features", "label")
    java_model = _java_estimator(jvm, "SparkpropClassifier", CLASSIFIER).fit(data._jdf)
    assert java_model.isMultiLabel() and java_model.numLabels() == LABELS
    # Same rows, params and partitions: the same weights to the bit (the digest of the float32 weights).
    assert model.summary.weightsSha256 == java_model.summary().weightsSha256()

    # transform: the same three vector columns as the JVM model's, row by row, exactly.
    cols = ["rawPrediction", "probability", "prediction"]
    python_rows = model.transform(data).select(*cols).collect()
    java_rows = _java_df(java_model.transform(data._jdf), data).select(*cols).collect()
    assert python_rows == java_rows
    for r in python_rows:
        assert all(isinstance(r[c], DenseVector) and len(r[c]) == LABELS for c in cols)
        assert list(r.prediction) == [1.0 if p >= 0.5 else 0.0 for p in r.probability]


def test_predict_labels_gives_the_prediction_column_row_by_row(label_frame, multi_label_model):
    model = multi_label_model
    rows = model.transform(label_frame.select("features", "label")).select("features", "probability",
                                                                           "prediction").collect()
    for r in rows:
        labels = model.predictLabels(r.features)
        assert isinstance(labels, DenseVector)
        # One row alone runs GEMMs of another shape than a chunk of rows, whose sums may round differently by a
        # few float32 ulps: a label can flip only where its probability is that close to 0.5.
        for k in range(LABELS):
            assert labels[k] == r.prediction[k] or abs(r.probability[k] - 0.5) < 1e-6, (r, labels)
        single = model.predictProbability(r.features)
        assert all(abs(single[k] - r.probability[k]) <= 1e-6 for k in range(LABELS))


def test_the_summary_lists_each_labels_metrics_as_the_jvm_summary_and_the_predictions_give_them(
        label_frame, multi_label_model):
    model = multi_label_model
    s = model.summary
    java_summary = model._java_obj.summary()
    assert s.trainingMetricsPerOutput == _java_per_output(java_summary.trainingMetricsPerOutput())
    assert s.validationMetricsPerOutput == [] and s.validationRows == 0  # validationFraction = 0
    assert len(s.trainingMetricsPerOutput) == LABELS
    # The flat metrics hold the same as "name[k]", beside the overall ones.
    for k, m in enumerate(s.trainingMetricsPerOutput):
        assert set(m) == {"accuracy", "f1"}
        assert m["f1"] == s.trainingMetrics["f1[%d]" % k] and m["accuracy"] == s.trainingMetrics["accuracy[%d]" % k]
    assert {"accuracy", "hammingLoss", "microF1", "macroF1", "loss"} <= set(s.trainingMetrics)

    # The metrics of the model's own predictions on the (all training) rows: per label accuracy and F1, and the
    # subset accuracy. Counts over 360 rows are exact in a double: only the division rounds.
    rows = model.transform(label_frame.select("features", "label")).select("label", "prediction").collect()
    subset = sum(list(r.label) == list(r.prediction) for r in rows)
    assert s.trainingMetrics["accuracy"] == pytest.approx(subset / ROWS, abs=1e-12)
    for k in range(LABELS):
        truth = [r.label[k] == 1 for r in rows]
        said = [r.prediction[k] == 1 for r in rows]
        right = sum(t == p for t, p in zip(truth, said))
        tp = sum(t and p for t, p in zip(truth, said))
        fp = sum(p and not t for t, p in zip(truth, said))
        fn = sum(t and not p for t, p in zip(truth, said))
        assert s.trainingMetricsPerOutput[k]["accuracy"] == pytest.approx(right / ROWS, abs=1e-12), k
        assert s.trainingMetricsPerOutput[k]["f1"] == pytest.approx(2 * tp / (2 * tp + fp + fn), abs=1e-12), k
    assert s.trainingMetrics["hammingLoss"] < 0.1, s.trainingMetrics  # three learnable labels are mostly learnt


def test_several_label_columns_made_into_one_fit_as_the_vector_label(label_frame, multi_label_model):
    # An array of the label columns, and VectorAssembler's vector of them: the same 0/1 values packed alike.
    as_array = label_frame.select("features", F.array("l1", "l2", "l3").alias("label"))
    assembled = VectorAssembler(inputCols=["l1", "l2", "l3"], outputCol="label").transform(
        label_frame.select("features", "l1", "l2", "l3"))
    digest = multi_label_model.summary.weightsSha256
    assert SparkpropClassifier(**CLASSIFIER).fit(as_array).summary.weightsSha256 == digest
    assert SparkpropClassifier(**CLASSIFIER).fit(assembled).summary.weightsSha256 == digest


def test_what_does_not_apply_to_several_labels_is_refused_with_the_reason(label_frame, multi_label_model):
    # Java's IllegalArgumentException and UnsupportedOperationException reach Python as pyspark's, with Java's text.
    data = label_frame.select("features", "label")
    with pytest.raises(IllegalArgumentException, match="needs loss bce"):
        SparkpropClassifier(loss="cross_entropy", **CLASSIFIER).fit(data)
    with pytest.raises(UnsupportedOperationException, match="predictLabels"):
        multi_label_model.predict(Vectors.dense([0.0, 0.0]))
    with pytest.raises(IllegalArgumentException, match="independent 0/1 labels"):
        multi_label_model.copy({multi_label_model.thresholds: [0.3, 0.7]}).transform(data)


def test_a_multi_label_model_saves_and_loads_in_python_and_java(tmp_path, jvm, label_frame, multi_label_model):
    data = label_frame.select("features", "label")
    path = str(tmp_path / "multi-label")
    multi_label_model.save(path)
    loaded = SparkpropClassificationModel.load(path)
    cols = ["rawPrediction", "probability", "prediction"]
    expected = multi_label_model.transform(data).select(*cols).collect()
    assert loaded.isMultiLabel and loaded.numLabels == LABELS
    assert loaded.summary == multi_label_model.summary
    assert loaded.transform(data).select(*cols).collect() == expected
    java_loaded = jvm.org.sparkprop.spark.ml.SparkpropClassificationModel.load(path)
    assert java_loaded.isMultiLabel()
    assert _java_df(java_loaded.transform(data._jdf), data).select(*cols).collect() == expected
    onnx = tmp_path / "multi-label.onnx"
    loaded.exportOnnx(str(onnx))
    # A protobuf ModelProto (field 1, ir_version, a varint, first) naming the multi-label outputs.
    data_bytes = onnx.read_bytes()
    assert data_bytes[0] == 0x08 and b"probability" in data_bytes and b"label" in data_bytes


# ---------------------------------------------------------------- multi-target regression


@pytest.fixture(scope="module")
def multi_target_model(target_frame):  # type: ignore[no-untyped-def]
    return SparkpropRegressor(**REGRESSOR).fit(target_frame.select("features", "label"))


def test_a_vector_label_fits_the_same_multi_target_model_as_the_java_estimator(jvm, target_frame, multi_target_model):
    model = multi_target_model
    assert isinstance(model, SparkpropRegressionModel)
    assert model.numTargets == 2 and model.network.startswith("2-5-2 ("), model.network
    data = target_frame.select("features", "label")
    java_model = _java_estimator(jvm, "SparkpropRegressor", REGRESSOR).fit(data._jdf)
    assert java_model.numTargets() == 2
    assert model.summary.weightsSha256 == java_model.summary().weightsSha256()
    python_rows = model.transform(data).select("prediction").collect()
    assert python_rows == _java_df(java_model.transform(data._jdf), data).select("prediction").collect()
    assert all(isinstance(r.prediction, DenseVector) and len(r.prediction) == 2 for r in python_rows)
    with pytest.raises(UnsupportedOperationException, match="predictVector"):
        model.predict(Vectors.dense([0.0, 0.0]))


def test_predict_vector_and_the_per_target_metrics_match_the_prediction_column(target_frame, multi_target_model):
    model = multi_target_model
    rows = model.transform(target_frame.select("features", "label")).select("features", "label",
                                                                            "prediction").collect()
    spread = [max(r.label[k] for r in rows) - min(r.label[k] for r in rows) for k in range(2)]
    for r in rows:
        one = model.predictVector(r.features)
        # A single row and a chunk of rows run GEMMs of different shapes: a few float32 ulps of the standardised
        # output (about 1), times the target's scale, which is under its spread.
        assert all(abs(one[k] - r.prediction[k]) <= 1e-6 * spread[k] for k in range(2)), (one, r.prediction)

    s = model.summary
    java_summary = model._java_obj.summary()
    assert s.trainingMetricsPerOutput == _java_per_output(java_summary.trainingMetricsPerOutput())
    assert [set(m) for m in s.trainingMetricsPerOutput] == [{"mse", "mae", "r2"}] * 2
    for k, m in enumerate(s.trainingMetricsPerOutput):
        errors = [r.prediction[k] - r.label[k] for r in rows]
        mean = sum(r.label[k] for r in rows) / ROWS
        mse = sum(e * e for e in errors) / ROWS
        mae = sum(abs(e) for e in errors) / ROWS
        r2 = 1 - mse / (sum((r.label[k] - mean) ** 2 for r in rows) / ROWS)
        # The summary sums float32 outputs in another order than Python's doubles: 1e-5 relative is far above
        # that rounding, and far below the change one wrong output or a target left standardised would make.
        assert m["mse"] == pytest.approx(mse, rel=1e-5) and m["mae"] == pytest.approx(mae, rel=1e-5), (k, m)
        assert m["r2"] == pytest.approx(r2, abs=1e-5), (k, m)
        assert m["r2"] == s.trainingMetrics["r2[%d]" % k]
        assert r2 > 0.5, (k, m)  # each target is learnt in its own units, small as the first is beside the second


def test_several_target_columns_made_into_one_fit_as_the_vector_label(tmp_path, target_frame, multi_target_model):
    as_array = target_frame.select("features", F.array("y1", "y2").alias("label"))
    fitted = SparkpropRegressor(**REGRESSOR).fit(as_array)
    assert fitted.summary.weightsSha256 == multi_target_model.summary.weightsSha256
    path = str(tmp_path / "multi-target")
    fitted.save(path)
    loaded = SparkpropRegressionModel.load(path)
    x = Vectors.dense([0.5, -1.0])
    assert loaded.numTargets == 2 and loaded.predictVector(x) == fitted.predictVector(x)


# ---------------------------------------------------------------- sample weights


def _weights(r: int) -> int:
    return 1 + r % 3


def test_a_weight_col_trains_as_rows_written_that_many_times_and_as_the_java_estimator(spark, jvm):
    # Each row once with weight w, against the row written w times with no weight column. One batch holds every
    # row, so the two see the same global batches and differ only in the order of the float sums.
    rows = [(Vectors.dense([_a(r), _b(r)]), _labels(r)[1], _targets(r)[0], _weights(r)) for r in range(120)]
    weighted = spark.createDataFrame(rows, ["features", "label", "value", "w"])
    duplicated = spark.createDataFrame([(f, l, v, 1) for f, l, v, w in rows for _ in range(w)], weighted.columns)
    total = sum(_weights(r) for r in range(120))
    common = dict(hiddenLayers=[6], activation="tanh", optimizer="momentum", learningRate=0.1, batchSize=total,
                  epochs=25, seed=3, validationFraction=0.0)

    def close(expected, actual):  # type: ignore[no-untyped-def]
        # Summation order only: a few ulps per round, far under 1e-4 of the largest weight after 25 momentum steps;
        # ignoring the weights (or dividing by the row count) moves the weights by percents.
        scale = max(abs(x) for x in expected)
        worst = max(abs(x - y) for x, y in zip(expected, actual))
        assert worst <= 1e-4 * scale, (worst, scale)

    clf = SparkpropClassifier(weightCol="w", **common).fit(weighted)
    clf_dup = SparkpropClassifier(**common).fit(duplicated)
    close(clf_dup.weights, clf.weights)
    assert clf.numFeatures == 2, "the weight column is not a feature"
    _assert_weighted_accuracy(clf, weighted, clf_dup)
    java_clf = _java_estimator(jvm, "SparkpropClassifier", dict(common, weightCol="w")).fit(weighted._jdf)
    assert clf.summary.weightsSha256 == java_clf.summary().weightsSha256()

    # Target standardisation is fitted on the rows unweighted, as Spark ML's StandardScaler: off here, since the
    # two frames hold other rows.
    reg = SparkpropRegressor(labelCol="value", scaleTarget=False, weightCol="w", **common).fit(weighted)
    reg_dup = SparkpropRegressor(labelCol="value", scaleTarget=False, **common).fit(duplicated)
    close(reg_dup.weights, reg.weights)
    # The summary's MSE is the weighted mean (as Spark ML's with a weightCol): the duplicated rows' MSE, within what
    # weights that agree to 1e-4 of the largest allow. Dividing by the row count instead would be off by 1/3.
    assert reg.summary.trainingMetrics["mse"] == pytest.approx(reg_dup.summary.trainingMetrics["mse"], rel=1e-4)
    unweighted = SparkpropRegressor(labelCol="value", scaleTarget=False, **common).fit(weighted)
    assert unweighted.summary.weightsSha256 != reg.summary.weightsSha256, "the weights change the fit"


def test_a_weight_col_with_a_vector_label_trains_as_duplicated_rows(spark):
    rows = [(Vectors.dense([_a(r), _b(r)]), Vectors.dense(_labels(r)), _weights(r)) for r in range(120)]
    weighted = spark.createDataFrame(rows, ["features", "label", "w"])
    duplicated = spark.createDataFrame([(f, l, 1) for f, l, w in rows for _ in range(w)], weighted.columns)
    total = sum(_weights(r) for r in range(120))
    common = dict(hiddenLayers=[6], activation="tanh", optimizer="momentum", learningRate=0.1, batchSize=total,
                  epochs=25, seed=3, validationFraction=0.0)
    a = SparkpropClassifier(weightCol="w", **common).fit(weighted)
    b = SparkpropClassifier(**common).fit(duplicated)
    assert a.isMultiLabel and b.isMultiLabel
    # As above: the same global batches, the float sums in another order.
    scale = max(abs(x) for x in b.weights)
    assert max(abs(x - y) for x, y in zip(a.weights, b.weights)) <= 1e-4 * scale
    # The loss is the weighted mean, so the duplicated rows' loss, within what weights that agree to 1e-4 allow.
    assert a.summary.trainingMetrics["loss"] == pytest.approx(b.summary.trainingMetrics["loss"], rel=1e-4)
    # A multi-label model's label metrics count rows even with a weightCol (Java's rule, unlike a single label's
    # accuracy): each label's accuracy is the share of rows the model itself gets right, whatever their weights.
    rows = a.transform(weighted).select("label", "prediction").collect()
    for k in range(LABELS):
        right = sum(r.label[k] == r.prediction[k] for r in rows)
        assert a.summary.trainingMetricsPerOutput[k]["accuracy"] == pytest.approx(right / len(rows), abs=1e-12), k


def _assert_weighted_accuracy(weighted_model, weighted, duplicated_model):  # type: ignore[no-untyped-def]
    """The summary's accuracy is the weighted share of the model's own right answers (Spark ML's rule with a
    weightCol), and the duplicated rows' accuracy but for a prediction flipped at a probability of 0.5."""
    rows = weighted_model.transform(weighted).select("label", "prediction", "w").collect()
    total_weight = sum(r.w for r in rows)
    right = sum(r.w for r in rows if r.label == r.prediction)
    accuracy = weighted_model.summary.trainingMetrics["accuracy"]
    assert accuracy == pytest.approx(right / total_weight, abs=1e-12)
    assert abs(accuracy - duplicated_model.summary.trainingMetrics["accuracy"]) <= 1 / total_weight + 1e-12


def test_validation_rows_give_each_targets_validation_metrics_as_the_java_summary(jvm, target_frame):
    params = dict(REGRESSOR, epochs=2, validationFraction=0.25)
    data = target_frame.select("features", "label")
    model = SparkpropRegressor(**params).fit(data)
    java_model = _java_estimator(jvm, "SparkpropRegressor", params).fit(data._jdf)
    s = model.summary
    assert s.weightsSha256 == java_model.summary().weightsSha256() and s.validationRows > 0
    assert s.validationMetricsPerOutput == _java_per_output(java_model.summary().validationMetricsPerOutput())
    assert len(s.validationMetricsPerOutput) == 2
    for k, m in enumerate(s.validationMetricsPerOutput):
        assert m == {name: s.validationMetrics["%s[%d]" % (name, k)] for name in ("mse", "mae", "r2")}
