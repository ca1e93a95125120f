package org.sparkprop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one line an interrupted {@code train} leaves on the console: what happened, where the
 * checkpoint is, and the exact command that continues the run (the same command line with
 * {@code --resume}), or why it cannot be continued.
 */
final class ResumeLine {
  /** Words a POSIX shell reads back unchanged without quotes (brackets would be a glob: local[2]). */
  private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private ResumeLine() {
  }

  /**
   * @param summary      the interrupted run's summary.json
   * @param resumable    whether checkpoint.dir is set
   * @param launcher     the program the user ran with its own options, as shell words, e.g.
   *                     {@code submit-scripts/local.sh --spark 3.5}
   * @param originalArgs the arguments it was given, starting with {@code train}
   */
  static String of(JsonNode summary, boolean resumable, String launcher, List<String> originalArgs) {
    String what = String.format(Locale.ROOT, "sparkprop: interrupted (%s) after round %,d (%d epochs completed)",
        summary.path("interruption").asText("stop requested"), summary.path("rounds").asLong(),
        summary.path("epochs").asInt());
    if (!resumable) {
      return what + "; no checkpoint was written because checkpoint.dir is not set, so the run cannot be resumed";
    }
    String checkpoint = summary.path("checkpoint").isTextual()
        ? "checkpoint " + summary.path("checkpoint").asText() : "no round completed, nothing to save";
    return what + "; " + checkpoint + "; resume with: " + command(launcher, originalArgs);
  }

  /** The command line with {@code --resume} added (once), its arguments quoted for a POSIX shell. */
  static String command(String launcher, List<String> originalArgs) {
    List<String> words = new ArrayList<>(originalArgs);
    if (!originalArgs.contains("--resume")) words.add("--resume");
    StringBuilder sb = new StringBuilder(launcher);
    for (String w : words) sb.append(' ').append(quote(w));
    return sb.toString();
  }

  static String quote(String word) {
    if (PLAIN_WORD.matcher(word).matches()) return word;
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
