/**
 * Training losses (MAE, MSE, binary and categorical cross-entropy) with their derivatives, in
 * numerically stable fused forms where the output activation allows it. Plain Java.
 */
package org.sparkprop.loss;
