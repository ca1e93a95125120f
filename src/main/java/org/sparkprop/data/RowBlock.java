package org.sparkprop.data;

/**
 * Consecutive rows of packed float32 features and targets, wherever they are kept: on the heap
 * ({@link PackedBlock}) or in a local file ({@link RowFile}). The training and
 * evaluation kernels read rows only through {@link #copyRows}, so the same rows give the same bits
 * from either place. Rows carry consecutive global indices starting at {@link #firstIndex}.
 */
public interface RowBlock {
  long firstIndex();

  int rows();

  int features();

  int targetWidth();

  /** Global index one past the last row. */
  default long endIndex() {
    return firstIndex() + rows();
  }

  /**
   * Copies rows [local, local + count) of this block: their features into {@code x} from
   * {@code xAt} on (count x features floats), their targets into {@code y} from {@code yAt} on.
   */
  void copyRows(int local, int count, float[] x, int xAt, float[] y, int yAt);

  /** Whether the rows carry sample weights ({@link #copyWeights}); when not, every row weighs 1. */
  default boolean weighted() {
    return false;
  }

  /** Copies the sample weights of rows [local, local + count) into {@code w} from {@code wAt} on; only when {@link #weighted}. */
  default void copyWeights(int local, int count, float[] w, int wAt) {
    throw new UnsupportedOperationException("these rows carry no sample weights");
  }
}
