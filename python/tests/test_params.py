"""The Python params are the Java params: names, docs, defaults and checks, before any Spark job."""

import json
import os

import pytest
from pyspark.ml.param import Params

import generate_params
import sparkprop
from sparkprop import _params
from sparkprop.ml import SparkpropClassifier, SparkpropRegressor

from conftest import SOURCE_DIR


def test_the_committed_params_module_is_what_the_java_catalog_generates(jvm):
    catalog = jvm.org.sparkprop.spark.ml.ParamCatalog.json()
    with open(os.path.join(SOURCE_DIR, "sparkprop", "_params.py"), encoding="utf-8") as f:
        committed = f.read()
    assert committed == generate_params.render(catalog), (
        "python/sparkprop/_params.py differs from the Java params: run python/build.sh params"
    )
    # The installed wheel carries the same module.
    with open(_params.__file__, encoding="utf-8") as f:
        assert f.read() == committed


def _java_default(java_obj, name):
    p = java_obj.getParam(name)
    if not java_obj.hasDefault(p):
        return None
    return json.loads(p.jsonEncode(java_obj.getDefault(p).get()))


def _assert_same_params(py: Params, java_obj) -> None:
    java_names = sorted(p.name() for p in java_obj.params())
    assert sorted(p.name for p in py.params) == java_names
    for p in py.params:
        jp = java_obj.getParam(p.name)
        # Spark's shared params (featuresCol, thresholds, ...) come from pyspark, which words their docs
        # a little differently from Scala; Sparkprop's own must match to the letter.
        if hasattr(_params._SparkpropClassifierParams, p.name) or hasattr(_params._SparkpropRegressorParams, p.name):
            assert p.doc == jp.doc(), p.name
        py_default = py._defaultParamMap.get(p)
        assert py_default == _java_default(java_obj, p.name), p.name


@pytest.mark.parametrize("cls, java", [(SparkpropClassifier, "SparkpropClassifier"),
                                       (SparkpropRegressor, "SparkpropRegressor")])
def test_every_estimator_param_has_the_java_name_doc_and_default(jvm, cls, java):
    py = cls()
    _assert_same_params(py, getattr(jvm.org.sparkprop.spark.ml, java)())


def test_every_model_param_has_the_java_name_doc_and_default(classifier_model, regressor_model):
    for model in (classifier_model, regressor_model):
        _assert_same_params(model, model._java_obj)


def test_keyword_constructor_getters_and_setters(spark):
    clf = SparkpropClassifier(hiddenLayers=[64, 32], optimizer="adam", seed=7)
    assert clf.getHiddenLayers() == [64, 32] and clf.getOptimizer() == "adam" and clf.getSeed() == 7
    assert clf.getEpochs() == clf._defaultParamMap[clf.epochs]  # not set: the Java default
    assert clf.setEpochs(5).setLearningRate(1).getLearningRate() == 1.0
    assert isinstance(clf.getLearningRate(), float)
    clf.setParams(batchSize=8, featuresCol="f")
    assert clf.getBatchSize() == 8 and clf.getFeaturesCol() == "f"
    assert SparkpropRegressor().getLoss() == "mse" and SparkpropClassifier().getLoss() == "cross_entropy"
    assert "hiddenLayers: Widths of the hidden layers" in clf.explainParams()


# (param, a value Java refuses): Python must refuse it with the same message.
BAD_VALUES = [
    ("epochs", -1), ("batchSize", -3), ("learningRate", -0.5), ("learningRate", float("nan")),
    ("beta1", 1.0), ("lrStepFactor", 1.5), ("validationFraction", 1.0), ("maxRounds", -1),
    ("seed", 2 ** 63), ("optimizer", "adamm"), ("activation", "softplus"),
    ("classWeights", "heavy"), ("classWeights", "1,-2"), ("classWeights", "3"),
    ("stopAt", "f1=0.9"), ("stopAt", "accuracy"), ("stopAt", "loss=NaN"),
]


@pytest.mark.parametrize("name, value", BAD_VALUES)
def test_a_bad_value_is_refused_in_python_with_the_java_message_before_any_job(jvm, no_spark_job, name, value):
    with pytest.raises(ValueError) as py_error:
        SparkpropClassifier(**{name: value})
    with pytest.raises(ValueError) as py_setter_error:
        getattr(SparkpropClassifier(), "set" + name[0].upper() + name[1:])(value)
    assert str(py_setter_error.value) == str(py_error.value)
    java = jvm.org.sparkprop.spark.ml.SparkpropClassifier()
    message = str(py_error.value)
    assert message.startswith("parameter %s = " % name)
    if name != "seed":  # 2**63 does not fit Java's long: Py4J cannot even pass it
        with pytest.raises(Exception) as java_error:
            getattr(java, "set" + name[0].upper() + name[1:])(value)
        # Both name a close spelling of an unknown choice, each in its own way.
        assert message.split("; did you mean")[0] == str(java_error.value).split("; did you mean")[0]
    assert no_spark_job() == []


def test_wrong_types_and_lists_are_refused_with_the_accepted_values(no_spark_job):
    with pytest.raises(ValueError, match=r"parameter epochs = 'ten' is not accepted: expected an integer >= "):
        SparkpropClassifier(epochs="ten")
    with pytest.raises(ValueError, match=r"parameter epochs = true is not accepted"):
        SparkpropClassifier(epochs=True)
    with pytest.raises(ValueError, match=r"hiddenLayers = \[8, 0\] is not accepted: expected a list of integers >= 1; 0 is not"):
        SparkpropClassifier(hiddenLayers=[8, 0])
    with pytest.raises(ValueError, match="expected one of loss, accuracy"):
        SparkpropClassifier(earlyStoppingMetric="mse")  # the classifier has no use for mse here
    with pytest.raises(ValueError, match="expected one of loss, mse"):
        SparkpropRegressor(earlyStoppingMetric="accuracy")
    with pytest.raises(TypeError, match="hiddenLayer"):
        SparkpropClassifier(hiddenLayer=[8])  # an unknown param
    assert no_spark_job() == []


def test_a_rule_between_params_is_checked_by_java_when_fit_starts_before_any_job(iris, no_spark_job):
    _, train, _ = iris
    clf = SparkpropClassifier(lrSchedule="cosine", learningRate=0.01, lrMin=0.1)
    with pytest.raises(Exception) as e:
        clf.fit(train)
    assert "lrMin" in str(e.value) and "learningRate" in str(e.value)
    assert "Py4J" not in str(e.value) and "\tat " not in str(e.value)
    assert no_spark_job() == []


def test_the_package_version_is_the_wheel_version():
    assert sparkprop.__version__.replace(".dev0", "") in sparkprop.jar_path().replace("-SNAPSHOT", "")
