"""A pyspark.ml pipeline with Sparkprop: VectorAssembler + StandardScaler + SparkpropClassifier, its
hidden layers and learning rate chosen by a 3-fold CrossValidator, the best pipeline saved and loaded.

The rows: the iris flowers of data/public/iris.libsvm, turned into one numeric column per measurement
(as a table would hold them). Run from the repository's root after
`pip install target/python/sparkprop-*.whl`:

    python python/examples/pipeline_cross_validation.py [data/public/iris.libsvm]
"""

import os
import sys
import tempfile

from pyspark.ml import Pipeline
from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.ml.feature import StandardScaler, VectorAssembler
from pyspark.ml.functions import vector_to_array
from pyspark.ml.tuning import CrossValidator, CrossValidatorModel, ParamGridBuilder

import sparkprop
from sparkprop.ml import SparkpropClassifier

DEFAULT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "public", "iris.libsvm")
MEASUREMENTS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def main(spark, path=DEFAULT_DATA):
    """Returns the chosen hidden layers and the test accuracy of the reloaded model."""
    values = vector_to_array("features")
    table = spark.read.format("libsvm").load(path) \
        .select("label", *[values[i].alias(name) for i, name in enumerate(MEASUREMENTS)])
    train, test = table.randomSplit([0.7, 0.3], 42)

    assembler = VectorAssembler(inputCols=MEASUREMENTS, outputCol="raw")
    scaler = StandardScaler(inputCol="raw", outputCol="features", withMean=True)
    classifier = SparkpropClassifier(optimizer="adam", batchSize=16, epochs=40, seed=7)
    pipeline = Pipeline(stages=[assembler, scaler, classifier])

    grid = ParamGridBuilder() \
        .addGrid(classifier.hiddenLayers, [[4], [16, 8]]) \
        .addGrid(classifier.learningRate, [0.01, 0.05]) \
        .build()
    evaluator = MulticlassClassificationEvaluator(metricName="accuracy")
    cv = CrossValidator(estimator=pipeline, estimatorParamMaps=grid, evaluator=evaluator, numFolds=3, seed=7)
    model = cv.fit(train)

    best = model.bestModel.stages[-1]
    print("average accuracy per grid point: " + ", ".join("%.3f" % m for m in model.avgMetrics))
    print("chosen: hiddenLayers=%s learningRate=%s -> %s" % (best.getHiddenLayers(), best.getLearningRate(),
                                                            best.network))

    with tempfile.TemporaryDirectory() as tmp:
        model.save(os.path.join(tmp, "cv"))
        loaded = CrossValidatorModel.load(os.path.join(tmp, "cv"))
        accuracy = evaluator.evaluate(loaded.transform(test))
    print("test set accuracy of the reloaded model = %.3f" % accuracy)
    return best.getHiddenLayers(), accuracy


if __name__ == "__main__":
    spark = sparkprop.session(app_name="sparkprop_pipeline_cross_validation")
    main(spark, *sys.argv[1:])
    spark.stop()
