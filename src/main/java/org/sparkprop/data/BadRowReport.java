package org.sparkprop.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bad rows of one input, from the per-partition {@link ScanStats} in partition order: how many
 * of each kind, and the first one with its place resolved to a file line (line-based inputs are
 * scanned per split; a split only knows its own line count, the driver knows them all).
 */
public final class BadRowReport {
  private final String input;
  private final long goodRows;
  private final long[] bad; // (problems) per RowProblem ordinal
  private final RowProblem firstProblem;
  private final String firstBadRow;

  private BadRowReport(String input, long goodRows, long[] bad, RowProblem firstProblem, String firstBadRow) {
    this.input = input;
    this.goodRows = goodRows;
    this.bad = bad;
    this.firstProblem = firstProblem;
    this.firstBadRow = firstBadRow;
  }

  /** @param input how the input is named in messages, e.g. "data.train = 'hdfs://nn/x/*.csv'" */
  public static BadRowReport of(String input, List<ScanStats> partitions) {
    long good = 0;
    long[] bad = new long[RowProblem.values().length];
    ScanStats first = null;
    for (ScanStats s : partitions) {
      good += s.goodRows();
      for (RowProblem p : RowProblem.values()) bad[p.ordinal()] += s.badRows(p);
      if (first == null && s.hasBadRow()) first = s;
    }
    String where = null;
    RowProblem problem = null;
    if (first != null) {
      long position = first.firstPosition();
      if (first.firstUnit() == ParsedRow.Unit.LINE_OF_SPLIT) {
        for (ScanStats s : partitions) {
          PartitionReader.LineSegment seg = s.segment();
          if (seg != null && seg.file().equals(first.firstSource()) && seg.start() < first.firstSplitStart()) {
            position += seg.lines();
          }
        }
      }
      problem = first.firstProblem();
      where = first.firstSource() + ", " + ParsedRow.place(first.firstUnit(), position) + ": " + first.firstDetail();
    }
    return new BadRowReport(input, good, bad, problem, where);
  }

  public String input() {
    return input;
  }

  public long goodRows() {
    return goodRows;
  }

  public long badRows() {
    long n = 0;
    for (long b : bad) n += b;
    return n;
  }

  public long rows() {
    return goodRows + badRows();
  }

  public double badFraction() {
    return rows() == 0 ? 0 : (double) badRows() / rows();
  }

  /** Counts by {@link RowProblem#key()}, only the reasons that occurred. */
  public Map<String, Long> byReason() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (RowProblem p : RowProblem.values()) {
      if (bad[p.ordinal()] > 0) m.put(p.key(), bad[p.ordinal()]);
    }
    return m;
  }

  /** The first bad row: "FILE, line N: what was found; what was expected", or null. */
  public String firstBadRow() {
    return firstBadRow;
  }

  public RowProblem firstProblem() {
    return firstProblem;
  }

  /** e.g. "nonNumeric 2, columnCount 1". */
  public String reasons() {
    List<String> parts = new ArrayList<>();
    byReason().forEach((k, v) -> parts.add(k + " " + v));
    return String.join(", ", parts);
  }

  /** One line for the console when rows were skipped. */
  public String skippedLine() {
    return String.format(Locale.ROOT, "%s: skipped %,d bad rows of %,d (%.2f%%): %s; first: %s", input, badRows(), rows(),
        100 * badFraction(), reasons(), firstBadRow);
  }
}
