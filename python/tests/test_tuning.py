"""Model selection from Python: ParamGridBuilder, CrossValidator, TrainValidationSplit."""

from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.ml.tuning import CrossValidator, CrossValidatorModel, ParamGridBuilder, TrainValidationSplit

from sparkprop.ml import SparkpropClassificationModel, SparkpropClassifier


def _setup():
    clf = SparkpropClassifier(optimizer="adam", learningRate=0.05, batchSize=16, epochs=8, seed=3)
    grid = ParamGridBuilder().addGrid(clf.hiddenLayers, [[2], [8]]).addGrid(clf.learningRate, [0.05]).build()
    return clf, grid, MulticlassClassificationEvaluator(metricName="accuracy")


def test_cross_validator_picks_from_the_grid_and_saves(tmp_path, iris):
    _, train, test = iris
    clf, grid, evaluator = _setup()
    assert len(grid) == 2 and grid[1][clf.hiddenLayers] == [8]
    cv = CrossValidator(estimator=clf, estimatorParamMaps=grid, evaluator=evaluator, numFolds=2, seed=4)
    model = cv.fit(train)
    assert len(model.avgMetrics) == 2 and all(0.0 <= m <= 1.0 for m in model.avgMetrics)
    best = model.bestModel
    assert isinstance(best, SparkpropClassificationModel)
    chosen = [[2], [8]][max(range(2), key=lambda i: model.avgMetrics[i])]
    assert best.getHiddenLayers() == chosen
    model.save(str(tmp_path / "cv"))
    loaded = CrossValidatorModel.load(str(tmp_path / "cv"))
    assert isinstance(loaded.bestModel, SparkpropClassificationModel)
    assert evaluator.evaluate(loaded.transform(test)) == evaluator.evaluate(model.transform(test))


def test_train_validation_split(iris):
    _, train, _ = iris
    clf, grid, evaluator = _setup()
    tvs = TrainValidationSplit(estimator=clf, estimatorParamMaps=grid, evaluator=evaluator, trainRatio=0.75, seed=4)
    model = tvs.fit(train)
    assert len(model.validationMetrics) == 2
    assert isinstance(model.bestModel, SparkpropClassificationModel)


def test_fit_over_a_grid_gives_each_setting_the_weights_of_its_own_fit(iris):
    _, train, _ = iris
    clf, grid, _ = _setup()
    grid = ParamGridBuilder().addGrid(clf.hiddenLayers, [[2], [8]]).addGrid(clf.validationFraction, ["0", "0.2"]).build()
    together = clf.fit(train, grid)
    assert len(together) == len(grid)
    for params, model in zip(grid, together):
        alone = clf.fit(train, params)
        assert model.getHiddenLayers() == params[clf.hiddenLayers]
        assert model.getValidationFraction() == params[clf.validationFraction]
        assert model.summary.weightsSha256 == alone.summary.weightsSha256
        assert model.uid == alone.uid and model.summary.validationRows == alone.summary.validationRows
