/**
 * Dense feed-forward networks: the architecture ({@link org.sparkprop.nn.NetworkSpec}), where each
 * layer's weights sit in the one flat parameter vector ({@link org.sparkprop.nn.ParameterLayout}),
 * activations with their derivatives, the training losses ({@link org.sparkprop.nn.Loss}: MAE, MSE,
 * binary and categorical cross-entropy, fused with their output activation where that is
 * numerically stable), seeded initialisers, and the blocked float32 forward and backward passes
 * ({@link org.sparkprop.nn.DenseNetwork}) with their reusable scratch buffers. Plain Java: no Spark
 * types.
 */
package org.sparkprop.nn;
