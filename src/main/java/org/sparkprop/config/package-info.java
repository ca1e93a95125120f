/**
 * The typed training configuration.
 *
 * <p>{@code conf/reference.conf} is both the documentation of every key and the defaults the
 * program loads, so the two cannot drift apart; the set of keys the validator accepts is read
 * from that same file. {@link org.sparkprop.config.TrainConfig#load} layers a user file and
 * {@code --set} overrides on top, and {@link org.sparkprop.config.ConfigValidator} checks
 * everything in one pass so that a user sees every mistake at once instead of fixing them one
 * run at a time.
 *
 * <p>This package deliberately imports nothing from Spark or from the network code: it must load
 * and fail fast before a SparkSession exists, and its enums carry the same {@code configName()}
 * strings the rest of the code parses, e.g.
 * {@code org.sparkprop.nn.Activation.parse(cfg.model().activation().configName())}.
 */
package org.sparkprop.config;
