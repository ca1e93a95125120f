/**
 * The distributed layer: data packed and cached per partition, one Spark job per round
 * (broadcast, per-partition gradients, merge in partition order), distributed evaluation, Kryo
 * registration, Spark settings, and the train job that ties configuration, data, loop,
 * checkpoints and outputs together.
 */
package org.sparkprop.spark;
