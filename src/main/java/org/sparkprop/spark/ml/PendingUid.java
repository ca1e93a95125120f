package org.sparkprop.spark.ml;

import java.util.Objects;

/**
 * Hands a uid to a Java subclass of a Spark ML class while the superclass constructor runs.
 *
 * <p>Spark's shared params ({@code featuresCol}, {@code labelCol}, ...) are fields of Scala
 * traits, created by the Scala superclass constructor with {@code this.uid()} as their owner. In
 * Scala the uid is a constructor field assigned before that; a Java subclass cannot assign any
 * field before {@code super()}, so its {@code uid()} would return null, and every shared param
 * would then be refused as "does not belong to" the instance. Instead, a constructor stashes the
 * uid here (per thread) on its way to the superclass constructor, and the first {@code uid()} call
 * takes it:
 *
 * <pre>
 *   public Estimator(String uid) { this(PendingUid.stash(uid)); }
 *   private Estimator(PendingUid.Token token) { super(); uid(); ... }
 *   public String uid() { if (uid == null) uid = PendingUid.take(); return uid; }
 * </pre>
 */
final class PendingUid {
  private static final ThreadLocal<String> PENDING = new ThreadLocal<>();
  private static final Token TOKEN = new Token();

  /** Proof that a uid was stashed; it selects the constructor that takes it. */
  static final class Token {
    private Token() {
    }
  }

  private PendingUid() {
  }

  static Token stash(String uid) {
    PENDING.set(Objects.requireNonNull(uid, "uid"));
    return TOKEN;
  }

  static String take() {
    String uid = PENDING.get();
    if (uid == null) {
      throw new IllegalStateException("no uid was stashed: construct through a constructor that calls PendingUid.stash");
    }
    PENDING.remove();
    return uid;
  }
}
