package org.sparkprop.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean" for unknown keys and values. Keys are compared both whole and by their last
 * segment, because the two usual mistakes are a typo ({@code train.learnigRate}) and a right name
 * in the wrong section ({@code model.learningRate}, or {@code batchSize} with no section).
 * Tolerances grow with the length of the name and are zero for very short names, so that
 * {@code lr} is not "corrected" to {@code l2}.
 */
final class KeySuggestions {
  private static final int MAX_SHOWN = 3;

  private KeySuggestions() {}

  /** The closest known keys, best first (ties all shown, up to three); empty when none is close. */
  static List<String> forKey(String unknown, Collection<String> known) {
    String u = unknown.toLowerCase(Locale.ROOT);
    String uLast = lastSegment(u);
    List<Scored> scored = new ArrayList<>();
    for (String k : known) {
      String c = k.toLowerCase(Locale.ROOT);
      String cLast = lastSegment(c);
      int full = distance(u, c);
      int score = Integer.MAX_VALUE;
      if (full <= tolerance(Math.max(uLast.length(), cLast.length()))) score = full;
      int last = distance(uLast, cLast);
      if (last <= tolerance(cLast.length())) score = Math.min(score, last + 1);
      if (isLongPrefix(uLast, cLast)) score = Math.min(score, 3);
      if (score != Integer.MAX_VALUE) scored.add(new Scored(k, score, full));
    }
    return best(scored);
  }

  /** The closest of a closed list of values, or empty. */
  static List<String> forValue(String unknown, Collection<String> accepted) {
    String u = unknown.toLowerCase(Locale.ROOT);
    List<Scored> scored = new ArrayList<>();
    for (String a : accepted) {
      String c = a.toLowerCase(Locale.ROOT);
      int d = distance(u, c);
      if (d <= tolerance(c.length()) || isLongPrefix(u, c)) scored.add(new Scored(a, d, d));
    }
    return best(scored);
  }

  private static List<String> best(List<Scored> scored) {
    int min = scored.stream().mapToInt(Scored::score).min().orElse(Integer.MAX_VALUE);
    return scored.stream()
        .filter(s -> s.score() == min)
        .sorted(Comparator.comparingInt(Scored::full).thenComparing(Scored::name))
        .limit(MAX_SHOWN)
        .map(Scored::name)
        .toList();
  }

  static int tolerance(int length) {
    if (length <= 3) return 0;
    if (length <= 5) return 1;
    if (length <= 10) return 2;
    return 3;
  }

  private static boolean isLongPrefix(String a, String b) {
    String shorter = a.length() <= b.length() ? a : b;
    String longer = shorter == a ? b : a;
    return shorter.length() >= 4 && longer.startsWith(shorter) && !longer.equals(shorter);
  }

  private static String lastSegment(String key) {
    return key.substring(key.lastIndexOf('.') + 1);
  }

  /** Optimal string alignment distance: Levenshtein plus adjacent transpositions, a common typo. */
  static int distance(String a, String b) {
    int n = a.length();
    int m = b.length();
    int[][] d = new int[n + 1][m + 1];
    for (int i = 0; i <= n; i++) d[i][0] = i;
    for (int j = 0; j <= m; j++) d[0][j] = j;
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[n][m];
  }

  private record Scored(String name, int score, int full) {}
}
