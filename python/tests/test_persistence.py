"""Save and load: estimators, models, pipelines, and across languages with identical predictions."""

import os

from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.feature import StandardScaler, VectorAssembler
from pyspark.ml.functions import vector_to_array

from sparkprop.ml import (
    SparkpropClassificationModel,
    SparkpropClassifier,
    SparkpropRegressionModel,
    SparkpropRegressor,
)


def _predictions(df):
    """Per row, the prediction and the probabilities (when there are any), in row order."""
    cols = ["prediction"] + (["probability"] if "probability" in df.columns else [])
    return [tuple(r[c] if c == "prediction" else tuple(r[c]) for c in cols) for r in df.select(*cols).collect()]


def test_estimator_save_load_keeps_the_params(tmp_path):
    clf = SparkpropClassifier(hiddenLayers=[7, 3], optimizer="momentum", epochs=4, seed=11)
    path = str(tmp_path / "clf")
    clf.save(path)
    loaded = SparkpropClassifier.load(path)
    assert loaded.uid == clf.uid and loaded.getHiddenLayers() == [7, 3] and loaded.getOptimizer() == "momentum"
    assert loaded.getEpochs() == 4 and loaded.getSeed() == 11 and loaded.getLearningRate() == clf.getLearningRate()


def test_model_save_load_gives_identical_predictions_and_summary(tmp_path, iris, classifier_model, regression_data,
                                                                  regressor_model):
    _, _, test = iris
    path = str(tmp_path / "model")
    classifier_model.write().overwrite().save(path)
    loaded = SparkpropClassificationModel.load(path)
    assert _predictions(loaded.transform(test)) == _predictions(classifier_model.transform(test))
    assert loaded.summary == classifier_model.summary and loaded.getHiddenLayers() == [8]
    rpath = str(tmp_path / "reg")
    regressor_model.save(rpath)
    rloaded = SparkpropRegressionModel.load(rpath)
    assert _predictions(rloaded.transform(regression_data)) == _predictions(regressor_model.transform(regression_data))


def _pipeline():
    return Pipeline(stages=[
        VectorAssembler(inputCols=["x0", "x1", "x2", "x3"], outputCol="raw"),
        StandardScaler(inputCol="raw", outputCol="features"),
        SparkpropClassifier(hiddenLayers=[6], optimizer="adam", learningRate=0.05, batchSize=16, epochs=10, seed=5),
    ])


def _columns(df):
    """The iris rows with one column per feature, as a VectorAssembler expects."""
    arr = vector_to_array("features")
    return df.select("label", *[arr[i].alias("x%d" % i) for i in range(4)])


def test_pipeline_and_pipeline_model_save_load(tmp_path, iris):
    _, train, test = iris
    pipeline = _pipeline()
    pipeline.save(str(tmp_path / "pipeline"))
    reloaded = Pipeline.load(str(tmp_path / "pipeline"))
    assert isinstance(reloaded.getStages()[2], SparkpropClassifier) and reloaded.getStages()[2].getEpochs() == 10
    model = pipeline.fit(_columns(train))
    model.save(str(tmp_path / "pipeline-model"))
    loaded = PipelineModel.load(str(tmp_path / "pipeline-model"))
    assert isinstance(loaded.stages[2], SparkpropClassificationModel)
    assert _predictions(loaded.transform(_columns(test))) == _predictions(model.transform(_columns(test)))


def test_a_model_saved_from_python_loads_in_java_with_identical_predictions(tmp_path, jvm, iris):
    _, train, test = iris
    model = _pipeline().fit(_columns(train))
    path = str(tmp_path / "from-python")
    model.save(path)
    # Java's own loader, called directly: no Python wrapper takes part.
    java_model = jvm.org.apache.spark.ml.PipelineModel.load(path)
    from pyspark.sql import DataFrame

    java_out = DataFrame(java_model.transform(_columns(test)._jdf), test.sparkSession)
    assert java_model.stages()[2].getClass().getName() == "org.sparkprop.spark.ml.SparkpropClassificationModel"
    assert _predictions(java_out) == _predictions(model.transform(_columns(test)))


def test_a_model_fitted_and_saved_in_java_loads_in_python_with_identical_predictions(tmp_path, jvm, iris):
    _, train, test = iris
    from pyspark.sql import DataFrame

    widths = test.sparkSession.sparkContext._gateway.new_array(jvm.int, 1)
    widths[0] = 5
    java_clf = jvm.org.sparkprop.spark.ml.SparkpropClassifier()
    java_clf.setHiddenLayers(widths).setEpochs(5).setBatchSize(16).setSeed(9)
    java_model = java_clf.fit(train._jdf)
    path = str(tmp_path / "from-java")
    java_model.write().overwrite().save(path)
    java_out = DataFrame(java_model.transform(test._jdf), test.sparkSession)
    loaded = SparkpropClassificationModel.load(path)
    assert loaded.getHiddenLayers() == [5] and loaded.getEpochs() == 5
    assert _predictions(loaded.transform(test)) == _predictions(java_out)
    assert loaded.summary.weightsSha256 == java_model.summary().weightsSha256()
    # And the regressor, saved by Java, loads in Python.
    no_layers = test.sparkSession.sparkContext._gateway.new_array(jvm.int, 0)
    reg = jvm.org.sparkprop.spark.ml.SparkpropRegressor().setHiddenLayers(no_layers).setEpochs(2).setSeed(1)
    rpath = str(tmp_path / "reg-from-java")
    reg.fit(train._jdf).write().overwrite().save(rpath)
    assert SparkpropRegressionModel.load(rpath).getLoss() == "mse"
    assert os.path.isdir(rpath)
