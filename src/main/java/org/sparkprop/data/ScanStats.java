package org.sparkprop.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.TreeSet;

/**
 * What one pass over a partition's rows found, without keeping any row: the count of good rows,
 * bad rows per {@link RowProblem}, the first bad row, the distinct class labels (when learning the
 * classes), the widest row, and for line-based inputs the lines read. The driver combines the
 * partitions' stats in partition order: the first bad row of the first partition that has one is
 * the first bad row of the input.
 */
public final class ScanStats implements Serializable {
  private static final long serialVersionUID = 1L;

  long goodRows;
  long[] badRows = new long[RowProblem.values().length]; // (problems) count per RowProblem ordinal
  // The first bad row: where, and why.
  String firstSource;
  int firstUnit = -1;
  long firstSplitStart;
  long firstPosition;
  int firstProblem = -1;
  String firstDetail;
  String[] labels = new String[0]; // distinct canonical class names, sorted; only while learning them
  boolean tooManyLabels;
  int maxWidth;
  String segmentFile;
  long segmentStart;
  long segmentLines = -1;

  /** Scans every row of {@code cursor}, checking it against {@code rules}, and closes the cursor. */
  public static ScanStats scan(PartitionReader cursor, RowRules rules) throws IOException {
    ScanStats s = new ScanStats();
    boolean collectLabels = rules.labels().classes() && rules.mapping() == null;
    TreeSet<String> labels = new TreeSet<>();
    try (cursor) {
      while (cursor.next()) {
        ParsedRow row = cursor.row();
        rules.check(row);
        if (s.count(row) && collectLabels && !s.tooManyLabels && labels.add(row.label())
            && labels.size() > LabelMapping.MAX_CLASSES) {
          s.tooManyLabels = true;
        }
      }
      s.endOf(cursor);
    }
    s.labels = labels.toArray(new String[0]);
    return s;
  }

  /**
   * Counts one row that {@link RowRules#check} has seen: a good one, or a bad one by its problem
   * (the first bad one kept); true when it is good. The distinct labels are the caller's to collect.
   */
  boolean count(ParsedRow row) {
    if (row.ok()) {
      goodRows++;
      maxWidth = Math.max(maxWidth, row.width());
      return true;
    }
    badRows[row.problem().ordinal()]++;
    if (firstProblem < 0) {
      firstSource = row.source();
      firstUnit = row.unit().ordinal();
      firstSplitStart = row.splitStart();
      firstPosition = row.position();
      firstProblem = row.problem().ordinal();
      firstDetail = row.detail();
    }
    return false;
  }

  /** Records where the split that {@code cursor} has read to its end lies (for line-based inputs). */
  void endOf(PartitionReader cursor) {
    PartitionReader.LineSegment seg = cursor.segment();
    if (seg != null) {
      segmentFile = seg.file();
      segmentStart = seg.start();
      segmentLines = seg.lines();
    }
  }

  public long goodRows() {
    return goodRows;
  }

  public long badRows() {
    long n = 0;
    for (long b : badRows) n += b;
    return n;
  }

  public long badRows(RowProblem p) {
    return badRows[p.ordinal()];
  }

  public boolean hasBadRow() {
    return firstProblem >= 0;
  }

  public RowProblem firstProblem() {
    return firstProblem < 0 ? null : RowProblem.values()[firstProblem];
  }

  public String firstSource() {
    return firstSource;
  }

  public ParsedRow.Unit firstUnit() {
    return firstUnit < 0 ? null : ParsedRow.Unit.values()[firstUnit];
  }

  public long firstSplitStart() {
    return firstSplitStart;
  }

  public long firstPosition() {
    return firstPosition;
  }

  public String firstDetail() {
    return firstDetail;
  }

  public String[] labels() {
    return labels.clone();
  }

  public boolean tooManyLabels() {
    return tooManyLabels;
  }

  public int maxWidth() {
    return maxWidth;
  }

  /** The split this partition read, or null for inputs without lines. */
  public PartitionReader.LineSegment segment() {
    return segmentLines < 0 ? null : new PartitionReader.LineSegment(segmentFile, segmentStart, segmentLines);
  }
}
