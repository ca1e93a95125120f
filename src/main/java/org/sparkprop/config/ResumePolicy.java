package org.sparkprop.config;

/** Whether a run continues from the newest checkpoint, and whether it may change the recipe to do so. */
public enum ResumePolicy {
  /** Start afresh (checkpoints are still written if {@code checkpoint.dir} is set). */
  FRESH,
  /**
   * Continue from the newest checkpoint if there is one, only with the checkpoint's recipe
   * ({@link JobRecipe}): the result is then bit-identical to a run that never stopped.
   */
  SAME_RECIPE,
  /**
   * Continue from the newest checkpoint even if the recipe changed: the changes are listed and
   * recorded, and the run no longer repeats any uninterrupted one bit for bit.
   */
  WITH_CHANGES;

  /** The policy of a plain "resume" flag. */
  public static ResumePolicy of(boolean resume) {
    return resume ? SAME_RECIPE : FRESH;
  }

  public boolean resumes() {
    return this != FRESH;
  }
}
