/**
 * The training loop shared by every trainer: global batches from a seeded per-epoch permutation
 * ({@link org.sparkprop.train.EpochPermutation}), the per-block gradient work
 * ({@link org.sparkprop.train.BlockGradient}), the mergeable gradient and evaluation accumulators,
 * the driver-side loop ({@link org.sparkprop.train.TrainingLoop}) with its listeners, and the
 * single-JVM reference trainer. No Spark types: the Spark trainer plugs in as a
 * {@link org.sparkprop.train.GradientSource}.
 */
package org.sparkprop.train;
