package org.sparkprop.testing;

import org.sparkprop.optim.OptimizerKind;
import org.sparkprop.optim.OptimizerSettings;

/**
 * The hyper-parameters most tests train with: Adam's usual betas and epsilon (PyTorch's
 * defaults 0.9, 0.999, 1e-8), momentum 0.9, AdamW's decoupled decay 0.01, no L2. Pinned here,
 * not read from {@code reference.conf}, because golden values and expected results were worked
 * out with them, while the program's defaults may change.
 */
public final class TestOptimizers {
  private TestOptimizers() {
  }

  public static OptimizerSettings usual(OptimizerKind kind) {
    return new OptimizerSettings(kind, 0.9, 0.9, 0.999, 1e-8, kind == OptimizerKind.ADAMW ? 0.01 : 0.0, 0.0);
  }
}
