package org.sparkprop.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Precision, recall and F1 of one class, from a confusion matrix (row = true class, column =
 * predicted class). A ratio with a zero denominator (a class never predicted, or absent) is 0, as
 * scikit-learn reports it by default.
 */
public record ClassMetrics(int classIndex, long support, long predicted, double precision, double recall, double f1) {

  /** One entry per class, in class order. */
  public static List<ClassMetrics> of(long[][] confusion) {
    int k = confusion.length;
    List<ClassMetrics> out = new ArrayList<>(k);
    for (int c = 0; c < k; c++) {
      long tp = confusion[c][c];
      long support = 0;
      long predicted = 0;
      for (int j = 0; j < k; j++) {
        support += confusion[c][j];
        predicted += confusion[j][c];
      }
      double precision = predicted == 0 ? 0 : (double) tp / predicted;
      double recall = support == 0 ? 0 : (double) tp / support;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      out.add(new ClassMetrics(c, support, predicted, precision, recall, f1));
    }
    return out;
  }

  /** The unweighted mean F1 over classes. */
  public static double macroF1(List<ClassMetrics> classes) {
    return classes.stream().mapToDouble(ClassMetrics::f1).average().orElse(Double.NaN);
  }
}
