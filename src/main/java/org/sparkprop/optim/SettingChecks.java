package org.sparkprop.optim;

/**
 * The few argument checks the package keeps: values its arithmetic cannot run with (a zero
 * divisor, a negative size, a missing kind), which only a programming error can produce. Ranges
 * of user settings are the configuration's to check and explain.
 */
final class SettingChecks {

  private SettingChecks() {
  }

  static void require(boolean valid, String setting, Object value, String why) {
    if (!valid) {
      throw new IllegalArgumentException(setting + " = " + value + ": " + why);
    }
  }

  static void requireRound(long round) {
    if (round < 0) {
      throw new IllegalArgumentException(
          "round = " + round + " is outside the accepted range [0, Long.MAX_VALUE]");
    }
  }
}
