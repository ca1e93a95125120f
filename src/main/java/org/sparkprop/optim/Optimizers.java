package org.sparkprop.optim;

import java.util.List;

/** Builds the {@link Optimizer} a {@link OptimizerSettings} describes, after validating it. */
public final class Optimizers {

  static final String SGD = "sgd";
  static final String MOMENTUM = "momentum";
  static final String NESTEROV = "nesterov";
  static final String ADAM = "adam";
  static final String ADAMW = "adamw";
  static final List<String> KINDS = List.of(SGD, MOMENTUM, NESTEROV, ADAM, ADAMW);

  private Optimizers() {
  }

  /**
   * Creates an optimizer whose state arrays hold {@code parameterCount} values each.
   *
   * @throws IllegalArgumentException for an unknown kind (the message lists the accepted kinds),
   *     a negative parameter count, or a setting the kind uses that is out of range (the message
   *     names the setting, its value and the accepted range)
   */
  public static Optimizer create(OptimizerSettings settings, int parameterCount) {
    if (settings == null) {
      throw new IllegalArgumentException("optimizer settings must not be null");
    }
    String kind = settings.kind();
    if (kind == null || !KINDS.contains(kind)) {
      throw new IllegalArgumentException(
          "unknown optimizer kind '" + kind + "'; accepted: " + String.join(", ", KINDS));
    }
    SettingChecks.require(parameterCount >= 0, "parameterCount", parameterCount, "[0, Integer.MAX_VALUE]");
    SettingChecks.require(isNonNegative(settings.l2()), "l2", settings.l2(), "[0, infinity)");
    if (!kind.equals(ADAMW)) {
      SettingChecks.require(settings.weightDecay() == 0.0, "weightDecay", settings.weightDecay(),
          "{0} for optimizer '" + kind + "' (decoupled weight decay exists only for adamw; "
              + "use l2 for a coupled penalty)");
    }
    return switch (kind) {
      case SGD -> new SgdOptimizer(parameterCount, settings.l2());
      case MOMENTUM -> new MomentumOptimizer(parameterCount, settings.l2(), checkedMomentum(settings));
      case NESTEROV -> new NesterovOptimizer(parameterCount, settings.l2(), checkedMomentum(settings));
      case ADAM -> new AdamOptimizer(parameterCount, settings.l2(), checkedAdam(settings));
      case ADAMW -> {
        SettingChecks.require(isNonNegative(settings.weightDecay()), "weightDecay", settings.weightDecay(),
            "[0, infinity)");
        yield new AdamWOptimizer(
            parameterCount, settings.l2(), checkedAdam(settings), settings.weightDecay());
      }
      default -> throw new AssertionError("kind list and switch disagree: " + kind);
    };
  }

  private static double checkedMomentum(OptimizerSettings settings) {
    SettingChecks.require(isFraction(settings.momentum()), "momentum", settings.momentum(), "[0, 1)");
    return settings.momentum();
  }

  private static AdamHyperParameters checkedAdam(OptimizerSettings settings) {
    SettingChecks.require(isFraction(settings.beta1()), "beta1", settings.beta1(), "[0, 1)");
    SettingChecks.require(isFraction(settings.beta2()), "beta2", settings.beta2(), "[0, 1)");
    SettingChecks.require(settings.epsilon() > 0 && Double.isFinite(settings.epsilon()), "epsilon",
        settings.epsilon(), "(0, infinity)");
    return new AdamHyperParameters(settings.beta1(), settings.beta2(), settings.epsilon());
  }

  private static boolean isFraction(double value) {
    return value >= 0 && value < 1;
  }

  private static boolean isNonNegative(double value) {
    return value >= 0 && Double.isFinite(value);
  }
}
