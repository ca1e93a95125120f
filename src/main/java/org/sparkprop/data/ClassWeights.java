package org.sparkprop.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * How the classes of a classifier are weighed in the training loss ({@code train.classWeights}):
 * not at all, balanced (each class weighs {@code n / (k * n_c)} for n rows, k classes and n_c rows
 * of class c, scikit-learn's and Keras's {@code class_weight='balanced'}), or one given weight per
 * class index. A row's training weight is its sample weight times its class's weight.
 */
public final class ClassWeights implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The kinds of {@code train.classWeights}. */
  public enum Kind { NONE, BALANCED, LIST }

  private final Kind kind;
  private final float[] given; // (classes) for LIST, else null

  private ClassWeights(Kind kind, float[] given) {
    this.kind = kind;
    this.given = given;
  }

  public static final ClassWeights NONE = new ClassWeights(Kind.NONE, null);

  /** Reads "none", "balanced" or a comma-separated list of weights >= 0 (at least one above 0). */
  public static ClassWeights parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (t.isEmpty() || t.equals("none")) return NONE;
    if (t.equals("balanced")) return new ClassWeights(Kind.BALANCED, null);
    String[] parts = t.split("\\s*,\\s*", -1);
    float[] w = new float[parts.length];
    boolean positive = false;
    for (int i = 0; i < parts.length; i++) {
      double v;
      try {
        v = Double.parseDouble(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected none, balanced or a list of class weights such as \"1,5\"; '"
            + parts[i] + "' is not a number");
      }
      if (!(v >= 0 && v <= Float.MAX_VALUE)) {
        throw new IllegalArgumentException("class weight " + parts[i] + " (class " + i + ") must be a finite number >= 0");
      }
      w[i] = (float) v;
      positive |= v > 0;
    }
    if (parts.length < 2) {
      throw new IllegalArgumentException("a list of class weights has one weight per class, at least 2");
    }
    if (!positive) throw new IllegalArgumentException("every class weight is 0: no row would count");
    return new ClassWeights(Kind.LIST, w);
  }

  public Kind kind() {
    return kind;
  }

  public boolean none() {
    return kind == Kind.NONE;
  }

  /**
   * The weight of each class index for a training set with {@code rowsPerClass} rows of each class
   * (read for balanced only).
   *
   * @param what the classes' description for messages
   */
  public float[] resolve(long[] rowsPerClass, String what) {
    int k = rowsPerClass.length;
    switch (kind) {
      case LIST:
        if (given.length != k) {
          throw new DataException("train.classWeights gives " + given.length + " weights but " + what + " has " + k
              + " classes; give one weight per class, in class-index order");
        }
        return given.clone();
      case BALANCED: {
        long n = 0;
        for (long c : rowsPerClass) n += c;
        float[] w = new float[k];
        for (int c = 0; c < k; c++) {
          // A class with no training row gets weight 0: it has no row to weigh (scikit-learn refuses it).
          w[c] = rowsPerClass[c] == 0 ? 0f : (float) ((double) n / ((double) k * rowsPerClass[c]));
        }
        return w;
      }
      default: {
        float[] w = new float[k];
        Arrays.fill(w, 1f);
        return w;
      }
    }
  }

  @Override
  public String toString() {
    return kind == Kind.LIST ? Arrays.toString(given) : kind.name().toLowerCase(Locale.ROOT);
  }
}
