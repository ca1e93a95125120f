/**
 * The training loop shared by every trainer: global batches from a seeded per-epoch permutation
 * ({@link org.sparkprop.train.EpochPermutation}), the mergeable gradient and evaluation
 * accumulators (the gradient one adds a block's rows of a batch: the per-partition work of a round),
 * the driver-side loop ({@link org.sparkprop.train.TrainingLoop}) with its listeners, and the
 * single-JVM reference trainer. No Spark types: the Spark trainer plugs in as a
 * {@link org.sparkprop.train.GradientSource}.
 */
package org.sparkprop.train;
