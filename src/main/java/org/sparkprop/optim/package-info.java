/**
 * Everything that turns a round's mean gradient into new parameters: the optimizers (plain SGD,
 * heavy-ball and Nesterov momentum, Adam, AdamW) with their checkpointable state, the
 * learning-rate schedules (constant, step, cosine, each with optional linear warm-up) and
 * global-norm gradient clipping.
 *
 * <p>The package is plain Java with no dependency outside the JDK, so the driver can run it
 * without Spark on the class path and tests need no cluster. Update rules follow PyTorch's
 * conventions so that hyper-parameters and results carry over from PyTorch experiments.
 *
 * <p>Entry points: {@link org.sparkprop.optim.Optimizers#create}, {@link
 * org.sparkprop.optim.Schedules#create} and {@link
 * org.sparkprop.optim.GradientClipping#clipByGlobalNorm}. The concrete optimizer and schedule
 * classes are package-private; callers depend only on the interfaces. The kinds are enums
 * ({@link org.sparkprop.optim.OptimizerKind}, {@link org.sparkprop.optim.ScheduleKind}) that the
 * configuration uses directly. Hyper-parameters are used as given: their defaults, ranges and
 * the messages for a bad value belong to the configuration ({@code conf/reference.conf}), where
 * users set them; this package refuses only what its arithmetic cannot run with.
 */
package org.sparkprop.optim;
