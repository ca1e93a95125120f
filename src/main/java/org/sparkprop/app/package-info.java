/**
 * The jobs a user runs, each from a configuration to files: {@code train}
 * ({@link org.sparkprop.app.TrainJob}: data, network, the distributed loop, test metrics,
 * {@code summary.json}, {@code metrics.jsonl}, the model and the report folder), {@code sweep}
 * ({@link org.sparkprop.app.SweepJob}: a grid of train runs in one application), {@code evaluate}
 * and {@code predict} on a saved model, and what only they use (the report's data samples, the
 * model writer). The command line in {@code org.sparkprop.cli} only parses arguments and calls
 * these.
 */
package org.sparkprop.app;
