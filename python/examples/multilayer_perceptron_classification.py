"""Spark's multilayer perceptron example (examples/src/main/python/ml/multilayer_perceptron_classification.py)
with SparkpropClassifier in place of MultilayerPerceptronClassifier, and MLlib's run beside it on the same
split for comparison.

The data: Fisher's iris flowers, each feature scaled to [-1, 1], in libsvm format (150 rows, 4 features,
3 classes), as Spark's sample_multiclass_classification_data.txt. Run from the repository's root after
`pip install target/python/sparkprop-*.whl`:

    python python/examples/multilayer_perceptron_classification.py [data/public/iris.libsvm]
"""

import os
import sys

from pyspark.ml.classification import MultilayerPerceptronClassifier
from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.sql import SparkSession

import sparkprop
from sparkprop.ml import SparkpropClassifier

DEFAULT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "public", "iris.libsvm")


def main(spark, path=DEFAULT_DATA):
    """Trains both networks on the same 60/40 split; returns their test accuracies."""
    # Load training data
    data = spark.read.format("libsvm").load(path)
    # Split the data into train and test
    splits = data.randomSplit([0.6, 0.4], 1234)
    train = splits[0]
    test = splits[1]

    # The same network as Spark's example: input layer of size 4 (features), two hidden layers of size
    # 5 and 4 (sigmoid, as MLlib's), and an output of size 3 (classes, softmax). Sparkprop takes the
    # input and output widths from the data. Like MLlib, it trains on every training row (no
    # validation rows held out) for a fixed number of epochs.
    trainer = SparkpropClassifier(hiddenLayers=[5, 4], activation="sigmoid", optimizer="adam",
                                  learningRate=0.05, batchSize=16, epochs=100, validationFraction=0.0,
                                  seed=1234)
    # train the model
    model = trainer.fit(train)
    # compute accuracy on the test set
    result = model.transform(test)
    predictionAndLabels = result.select("prediction", "label")
    evaluator = MulticlassClassificationEvaluator(metricName="accuracy")
    sparkprop_accuracy = evaluator.evaluate(predictionAndLabels)
    print("Sparkprop: " + model.network)
    print("Sparkprop test set accuracy = " + str(sparkprop_accuracy))

    # Spark MLlib's own, exactly as in Spark's example.
    layers = [4, 5, 4, 3]
    mllib = MultilayerPerceptronClassifier(maxIter=100, layers=layers, blockSize=128, seed=1234).fit(train)
    mllib_accuracy = evaluator.evaluate(mllib.transform(test).select("prediction", "label"))
    print("MLlib test set accuracy = " + str(mllib_accuracy))
    return sparkprop_accuracy, mllib_accuracy


if __name__ == "__main__":
    spark = SparkSession.builder.appName("multilayer_perceptron_classification_example") \
        .config("spark.jars", sparkprop.jar_path()).getOrCreate()
    main(spark, *sys.argv[1:])
    spark.stop()
