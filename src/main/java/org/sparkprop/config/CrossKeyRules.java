package org.sparkprop.config;

import java.util.List;
import java.util.function.UnaryOperator;
import org.sparkprop.nn.Activation;
import org.sparkprop.nn.Loss;
import org.sparkprop.optim.ScheduleKind;
import org.sparkprop.train.TargetMetric;

/**
 * The rules between keys, which no single key's type can state. They run on the values that
 * passed their own check (a refused value is reported once, by its key), for the command line and
 * for the Spark ML params alike: the estimators validate through the same configuration, and
 * rename the keys in these messages into their param names.
 */
final class CrossKeyRules {
  static final String STEP_HIDDEN_MESSAGE = "the step (Heaviside) activation has zero derivative "
      + "almost everywhere, so backpropagation cannot train hidden step units; use it only as the "
      + "output of a single-layer perceptron (model.hidden empty, model.output = step)";

  private CrossKeyRules() {
  }

  /**
   * @param origin for a key, where its value came from (" (from file:line)"), or "" for a default
   */
  static void check(KeyValues v, UnaryOperator<String> origin, List<String> problems) {
    Loss loss = v.choice("model.loss", Loss.class);
    AutoOr<Activation> output = v.autoChoice("model.output", Activation.class);
    // The two fused losses need their own output activation; auto picks it.
    if ((loss == Loss.BCE || loss == Loss.CROSS_ENTROPY) && output != null && !output.isAuto()
        && !output.is(loss.defaultOutput())) {
      problems.add("model.loss = " + loss.configName() + " needs model.output = " + loss.defaultOutput().configName()
          + " or auto, found '" + output.orElse(null).configName() + "'" + origin.apply("model.output"));
    }
    List<Integer> hidden = v.integers("model.hidden");
    if (v.choice("model.activation", Activation.class) == Activation.STEP && hidden != null && !hidden.isEmpty()) {
      problems.add("model.activation = 'step' with model.hidden = " + hidden + ": " + STEP_HIDDEN_MESSAGE);
    }

    String labelColumns = v.text("data.labelColumns");
    if (labelColumns != null && labelColumns.contains(",") && (loss == Loss.CROSS_ENTROPY
        || (output != null && output.is(Activation.STEP)))) {
      problems.add("data.labelColumns = '" + labelColumns + "' gives several outputs, which model.loss = "
          + (loss == Loss.CROSS_ENTROPY ? "cross_entropy" : loss.configName() + " with model.output = step")
          + " cannot train: its one label is a class. Use model.loss = bce for several 0/1 labels, mse or mae for"
          + " several targets" + origin.apply("data.labelColumns"));
    }

    TrainConfig.DataFormat format = v.choice("data.format", TrainConfig.DataFormat.class);
    String train = v.text("data.train");
    if (format != null && !format.generated() && train != null && train.isEmpty()) {
      problems.add("data.format = " + format.configName() + " needs data.train (the training data URI), which is empty");
    }
    if (format == TrainConfig.DataFormat.IDX) {
      String trainLabels = v.text("data.trainLabels");
      String test = v.text("data.test");
      String testLabels = v.text("data.testLabels");
      if (trainLabels != null && trainLabels.isEmpty()) {
        problems.add("data.format = idx needs data.trainLabels (the IDX label file of data.train), which is empty");
      }
      if (test != null && !test.isEmpty() && testLabels != null && testLabels.isEmpty()) {
        problems.add("data.format = idx with data.test set needs data.testLabels (the IDX label file of data.test), "
            + "which is empty");
      }
    }

    String classWeights = v.text("train.classWeights");
    if (classWeights != null) {
      org.sparkprop.data.ClassWeights cw = org.sparkprop.data.ClassWeights.parse(classWeights); // its type checked it
      boolean classes = loss == Loss.CROSS_ENTROPY || loss == Loss.BCE
          || (output != null && output.is(Activation.STEP));
      if (!cw.none() && loss != null && !classes) {
        problems.add("train.classWeights = " + classWeights + origin.apply("train.classWeights")
            + " weighs classes, but model.loss = " + loss.configName() + " is a regression loss");
      }
    }

    String stopAt = v.text("train.stopAt");
    if (stopAt != null && !stopAt.isBlank()) {
      String metric = TargetMetric.parse(stopAt).metric(); // its type checked it
      boolean classes = loss == Loss.CROSS_ENTROPY || loss == Loss.BCE || (output != null && output.is(Activation.STEP));
      if (loss != null && (metric.equals("accuracy") && !classes || metric.equals("mse") && classes)) {
        problems.add("train.stopAt = " + stopAt + origin.apply("train.stopAt") + ": the evaluation of model.loss = "
            + loss.configName() + " has no " + metric + " (" + (classes ? "accuracy or loss" : "mse or loss") + ")");
      }
    }

    ScheduleKind schedule = v.choice("train.lrSchedule", ScheduleKind.class);
    Double lrMin = v.number("train.lrMin");
    Double learningRate = v.number("train.learningRate");
    if (schedule != null && schedule != ScheduleKind.CONSTANT && lrMin != null && learningRate != null
        && lrMin > learningRate) {
      problems.add("train.lrMin = " + ValueType.plain(lrMin) + " exceeds train.learningRate = "
          + ValueType.plain(learningRate) + ": the " + schedule.configName()
          + " schedule decays from learningRate down to lrMin");
    }
  }
}
