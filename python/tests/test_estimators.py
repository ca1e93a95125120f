"""Fitting and transforming: the columns, the summary as Python values, the network's description."""

import math

import pytest

from sparkprop.ml import SparkpropClassificationModel, SparkpropClassifier, TrainingSummary


def test_the_classifier_model_adds_the_java_columns_with_probabilities(iris, classifier_model):
    _, _, test = iris
    out = classifier_model.transform(test)
    assert out.columns == test.columns + ["rawPrediction", "probability", "prediction"]
    rows = out.collect()
    for r in rows:
        assert len(r.probability) == 3 and math.isclose(sum(r.probability), 1.0, rel_tol=1e-5)  # float32 softmax
        assert r.prediction == float(max(range(3), key=lambda k: r.probability[k]))
    accuracy = sum(r.prediction == r.label for r in rows) / len(rows)
    assert accuracy > 0.8, accuracy
    assert classifier_model.numClasses == 3 and classifier_model.numFeatures == 4


def test_the_summary_is_plain_python_values(classifier_model):
    s = classifier_model.summary
    assert isinstance(s, TrainingSummary)
    assert s.stopReason == "epochs" and not s.stoppedEarly and s.bestEpoch == 0 and s.execution != ""
    assert s.epochs == 30 and len(s.lossHistory) == 30 and all(isinstance(x, float) for x in s.lossHistory)
    assert s.lossHistory[-1] < s.lossHistory[0]
    assert set(s.trainingMetrics) == {"loss", "accuracy"} and isinstance(s.trainingMetrics["accuracy"], float)
    # validationFraction = 0.1 holds rows out (auto would not, for a fixed epoch count): their metrics after every epoch.
    assert set(s.validationMetrics) == {"loss", "accuracy"} and len(s.validationHistory) == 30
    assert len(s.weightsSha256) == 64 and int(s.weightsSha256, 16) >= 0
    assert s.trainingRows > 0 and s.samplesPerSecond > 0 and s.network == classifier_model.network
    assert classifier_model.network.startswith("4-8-3 (tanh hidden, softmax output, cross_entropy loss")
    assert len(classifier_model.weights) == 4 * 8 + 8 + 8 * 3 + 3


def test_validation_metrics_per_epoch_when_a_fraction_is_held_out(iris):
    _, train, _ = iris
    model = SparkpropClassifier(hiddenLayers=[4], epochs=3, batchSize=16, validationFraction=0.25, seed=1).fit(train)
    s = model.summary
    assert len(s.validationHistory) == 3 and set(s.validationHistory[0]) == {"loss", "accuracy"}
    assert s.validationRows > 0 and s.trainingRows + s.validationRows == train.count()


def test_resume_with_changes_is_an_explicit_param_and_the_summary_lists_the_changes(iris, tmp_path):
    _, train, _ = iris
    stopped = SparkpropClassifier(hiddenLayers=[4], epochs=2, batchSize=16, validationFraction=0.0, seed=3,
                                  learningRate=0.02, checkpointDir=str(tmp_path), checkpointEveryRounds=2,
                                  maxRounds=4)
    first = stopped.fit(train).summary
    assert first.resumeChanges == [] and first.bitIdenticalToUninterrupted
    changed = stopped.copy({stopped.maxRounds: 0, stopped.learningRate: 0.05})
    with pytest.raises(Exception, match="train.learningRate"):
        changed.copy({changed.resumeFromCheckpoint: True}).fit(train)
    s = changed.copy({changed.resumeWithChanges: True}).fit(train).summary
    assert s.resumed and not s.bitIdenticalToUninterrupted
    assert [c["key"] for c in s.resumeChanges] == ["train.learningRate"]
    assert float(s.resumeChanges[0]["checkpoint"]) == 0.02 and float(s.resumeChanges[0]["run"]) == 0.05
    assert s.kernel == first.kernel != ""


def test_same_seed_same_weights_and_thresholds_reweigh_the_classes(iris, classifier_model):
    _, train, test = iris
    again = SparkpropClassifier(hiddenLayers=[8], activation="tanh", optimizer="adam", learningRate=0.05,
                                batchSize=16, epochs=30, validationFraction=0.1, seed=7).fit(train)
    assert again.summary.weightsSha256 == classifier_model.summary.weightsSha256
    # A tiny threshold for class 2 makes it win wherever its probability is not negligible.
    out = classifier_model.copy({classifier_model.thresholds: [1.0, 1.0, 1e-9]}).transform(test).collect()
    assert all(r.prediction == 2.0 for r in out if r.probability[2] > 1e-6)


def test_the_regressor_fits_a_linear_target(regression_data, regressor_model):
    out = regressor_model.transform(regression_data)
    assert out.columns == ["label", "features", "prediction"]
    s = regressor_model.summary
    assert set(s.trainingMetrics) == {"loss", "mse", "mae", "r2"}
    assert s.trainingMetrics["r2"] > 0.95, s.trainingMetrics
    assert regressor_model.network.startswith("2-1 (")


def test_a_model_without_a_session_jar_is_explained(monkeypatch):
    import sparkprop.ml as ml

    class NoClass:
        pass

    monkeypatch.setattr(ml, "JavaClass", NoClass)  # as if the jar were missing: the lookup gives no class
    with pytest.raises(RuntimeError, match="spark.jars"):
        SparkpropClassifier()


def test_a_model_exports_itself_as_onnx(classifier_model, tmp_path):
    target = tmp_path / "iris.onnx"
    classifier_model.exportOnnx(str(target))
    data = target.read_bytes()
    # A protobuf ModelProto: field 1 (ir_version) as a varint first, and the output names inside.
    assert data[0] == 0x08 and b"probability" in data and b"features" in data


def test_a_weight_col_of_ones_gives_the_unweighted_weights_bit_for_bit(iris):
    # A weight of 1 multiplies exactly and the weight sum of n ones is n: the same float operations.
    from pyspark.sql import functions as F

    _, train, _ = iris
    params = dict(hiddenLayers=[4], activation="tanh", optimizer="adam", learningRate=0.05, batchSize=16,
                  epochs=5, validationFraction=0.0, seed=3)
    plain = SparkpropClassifier(**params).fit(train)
    weighted = SparkpropClassifier(weightCol="w", **params).fit(train.withColumn("w", F.lit(1.0)))
    assert weighted.getWeightCol() == "w"
    assert weighted.summary.weightsSha256 == plain.summary.weightsSha256
