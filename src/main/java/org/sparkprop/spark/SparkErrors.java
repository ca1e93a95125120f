package org.sparkprop.spark;

import java.util.function.Supplier;
import org.apache.spark.SparkException;
import org.sparkprop.data.DataException;

/**
 * Spark reports an exception thrown in a task as a SparkException whose message starts with "Job
 * aborted due to stage failure: Task 0 in stage 3.0 failed 1 times..." and buries ours further
 * down. Input errors are meant to be read, so this digs the task's own exception out of the chain.
 */
public final class SparkErrors {
  private SparkErrors() {
  }

  /**
   * Runs a Spark action that reads {@code what}; a {@link DataException} from a task comes out as
   * itself, any other task failure as a DataException naming the input and the task's own error.
   */
  public static <T> T reading(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) { // SparkException is checked, yet Spark's Java API throws it undeclared
      throw readable(what, e);
    }
  }

  /** The exception a person should see for a failure while reading {@code what}. */
  static RuntimeException readable(String what, Exception e) {
    DataException ours = find(e, DataException.class);
    if (ours != null) return ours;
    if (find(e, SparkException.class) == null && e instanceof RuntimeException r) return r;
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return new DataException("reading " + what + " failed: " + root, e);
  }

  /**
   * The message to show for any failure: for a Spark job failure with a cause, the deepest cause's
   * message (the first line of Spark's own message repeats it after a long preamble).
   */
  public static String userMessage(Throwable e) {
    DataException ours = find(e, DataException.class);
    if (ours != null) return ours.getMessage();
    if (find(e, SparkException.class) != null) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) root = root.getCause();
      if (root != e) return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
    return e.getMessage();
  }

  static <X extends Throwable> X find(Throwable e, Class<X> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) return type.cast(t);
    }
    return null;
  }
}
