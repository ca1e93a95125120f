/**
 * Sparkprop in Spark ML: {@link org.sparkprop.spark.ml.SparkpropClassifier} and
 * {@link org.sparkprop.spark.ml.SparkpropRegressor} are Estimators that fit a feed-forward network
 * with the distributed trainer of the {@code train} command and give
 * {@link org.sparkprop.spark.ml.SparkpropClassificationModel} and
 * {@link org.sparkprop.spark.ml.SparkpropRegressionModel}, which predict in batches with the
 * weights broadcast once, save and load through {@code MLWritable} / {@code MLReadable} (the
 * network in the project's model format) and take part in {@code Pipeline}s, {@code CrossValidator}
 * and {@code TrainValidationSplit}. Every training option of the command line is a typed,
 * documented, validated param ({@link org.sparkprop.spark.ml.SparkpropParams}).
 *
 * <p>Written in Java for Java and Scala users; the Python package ({@code python/}) wraps these
 * classes as pyspark.ml does Spark's, with its params generated from {@link
 * org.sparkprop.spark.ml.ParamCatalog}. Two Java-specific details are worth knowing when
 * reading the code: Spark's shared params are Scala trait fields built by the superclass
 * constructor, which needs the uid before a Java constructor can set it
 * ({@link org.sparkprop.spark.ml.PendingUid}); and the training params are default methods of an
 * interface, which Spark's reflection finds like any other param accessor.
 */
package org.sparkprop.spark.ml;
