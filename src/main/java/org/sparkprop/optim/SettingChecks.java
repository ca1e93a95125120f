package org.sparkprop.optim;

/** Validation with one message shape across the package: setting, value, accepted range. */
final class SettingChecks {

  private SettingChecks() {
  }

  static void require(boolean valid, String setting, Object value, String acceptedRange) {
    if (!valid) {
      throw new IllegalArgumentException(
          setting + " = " + value + " is outside the accepted range " + acceptedRange);
    }
  }

  static void requireRound(long round) {
    if (round < 0) {
      throw new IllegalArgumentException(
          "round = " + round + " is outside the accepted range [0, Long.MAX_VALUE]");
    }
  }
}
