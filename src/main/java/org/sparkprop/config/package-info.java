/**
 * The typed training configuration, with one definition per key.
 *
 * <p>{@code conf/reference.conf} is the one definition of every key: its documentation, its
 * {@code Values:} (for a closed list), its {@code Type:} (kind and range), its default (the value
 * written there) and, for a training option, its {@code Spark ML param:} name. The build copies
 * it onto the class path; {@link org.sparkprop.config.ConfigKeys} reads those comments into
 * {@link org.sparkprop.config.ConfigKey}s and {@link org.sparkprop.config.ValueType}s. From them
 * come the validator's checks and messages ({@link org.sparkprop.config.ConfigValidator}, which
 * reports every problem of a file and its {@code --set} overrides at once, before Spark starts),
 * the "did you mean" of unknown keys ({@link org.sparkprop.config.KeySuggestions}), and the Spark
 * ML params (their docs, defaults and range checks, in {@code spark.ml.SparkpropParamSet}). The
 * rules between keys live in {@link org.sparkprop.config.CrossKeyRules}, used by both.
 *
 * <p>Values are the engine's own types: {@code nn.Activation}, {@code nn.Loss},
 * {@code nn.Initializer}, {@code optim.OptimizerKind}, {@code optim.ScheduleKind},
 * {@code train.StopMetric}, {@code data.FeatureScaling.Method}, {@code data.Playground.Kind} and
 * {@code ExtraFeature}; a name in {@code Values:} is the constant's name in lower case. A key that
 * may be {@code auto} holds an {@link org.sparkprop.config.AutoOr}. Only choices with no engine
 * counterpart ({@code TrainConfig.DataFormat}, {@code TrainConfig.BadRowPolicy}) are declared here.
 * {@link org.sparkprop.config.TrainingRecipe} turns a validated
 * {@link org.sparkprop.config.TrainConfig} into the network, initialiser and loop options of a
 * run, for the {@code train} job, the estimators and the benchmarks alike.
 *
 * <p>Adding a key:
 * <ol>
 *   <li>In {@code conf/reference.conf}, under its section: the documentation, {@code Values:} if
 *       it has a closed list, {@code Type:} in the grammar {@link org.sparkprop.config.ConfigKeys}
 *       describes, and the key with its default. It is then known, validated, rendered, stored in
 *       run records and offered by "did you mean"; a test ({@code ConfigKeysTest}) fails at once
 *       if the comments do not read or the default is out of its own range.</li>
 *   <li>If the engine reads it: a component in the section's record of
 *       {@link org.sparkprop.config.TrainConfig} and its value read in {@code TrainConfig.of}
 *       ({@code v.integer("train.newKey")}, {@code v.choice("train.newKey", EngineEnum.class)},
 *       ...), and its use in {@link org.sparkprop.config.TrainingRecipe} or wherever the engine
 *       takes it. For a closed list the engine's enum must have a constant for each name.</li>
 *   <li>If it is a training option of a DataFrame fit (a {@code model}, {@code train},
 *       {@code checkpoint} or Spark-data key): a {@code Spark ML param: name} line in
 *       reference.conf, then in {@code spark.ml.SparkpropParams} an accessor {@code name()}
 *       returning {@code sparkpropParamSet().param("name")} (an {@code IntParam} for an integer,
 *       {@code LongParam} for a 64-bit one, {@code DoubleParam} for a number, {@code Param<String>}
 *       for a string or a closed list, {@code IntArrayParam} for a list of integers) and a getter,
 *       and a setter in {@code spark.ml.SparkpropParamSetters}. The param's doc, default and
 *       check come from the key. {@code TrainingKeyParityTest} fails until both sides agree.</li>
 *   <li>A rule between this key and others goes into {@link org.sparkprop.config.CrossKeyRules}.</li>
 * </ol>
 *
 * <p>This package imports nothing from Spark: it must load and fail fast before a SparkSession
 * exists.
 */
package org.sparkprop.config;
