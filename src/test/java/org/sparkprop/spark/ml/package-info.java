/** Tests of the Spark ML estimators and models: params, pipelines, persistence, tuning. */
package org.sparkprop.spark.ml;
