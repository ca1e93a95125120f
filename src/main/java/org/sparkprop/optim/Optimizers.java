package org.sparkprop.optim;

/** Builds the {@link Optimizer} a {@link OptimizerSettings} describes. */
public final class Optimizers {

  private Optimizers() {
  }

  /**
   * Creates an optimizer whose state arrays hold {@code parameterCount} values each. The
   * settings are used as given: their ranges are checked where users write them (the
   * configuration and the Spark ML params).
   *
   * @throws IllegalArgumentException for missing settings or kind, a negative parameter count,
   *     or a decoupled weight decay given to a kind other than adamw (it would be ignored)
   */
  public static Optimizer create(OptimizerSettings settings, int parameterCount) {
    if (settings == null || settings.kind() == null) {
      throw new IllegalArgumentException("optimizer settings and their kind must not be null, got " + settings);
    }
    OptimizerKind kind = settings.kind();
    SettingChecks.require(parameterCount >= 0, "parameterCount", parameterCount, "a parameter count cannot be negative");
    if (kind != OptimizerKind.ADAMW) {
      SettingChecks.require(settings.weightDecay() == 0.0, "weightDecay", settings.weightDecay(),
          "decoupled weight decay exists only for adamw, optimizer '" + kind.configName()
              + "' would ignore it; use l2 for a coupled penalty");
    }
    AdamHyperParameters adam = new AdamHyperParameters(settings.beta1(), settings.beta2(), settings.epsilon());
    return switch (kind) {
      case SGD -> new SgdOptimizer(parameterCount, settings.l2());
      case MOMENTUM -> new MomentumOptimizer(parameterCount, settings.l2(), settings.momentum());
      case NESTEROV -> new NesterovOptimizer(parameterCount, settings.l2(), settings.momentum());
      case ADAM -> new AdamOptimizer(parameterCount, settings.l2(), adam);
      case ADAMW -> new AdamWOptimizer(parameterCount, settings.l2(), adam, settings.weightDecay());
    };
  }
}
