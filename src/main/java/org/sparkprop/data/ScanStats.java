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
        if (row.ok()) {
          s.goodRows++;
          s.maxWidth = Math.max(s.maxWidth, row.width());
          if (collectLabels && !s.tooManyLabels && labels.add(row.label()) && labels.size() > LabelMapping.MAX_CLASSES) {
            s.tooManyLabels = true;
          }
        } else {
          s.badRows[row.problem().ordinal()]++;
          if (s.firstProblem < 0) {
            s.firstSource = row.source();
            s.firstUnit = row.unit().ordinal();
            s.firstSplitStart = row.splitStart();
            s.firstPosition = row.position();
            s.firstProblem = row.problem().ordinal();
            s.firstDetail = row.detail();
          }
        }
      }
      PartitionReader.LineSegment seg = cursor.segment();
      if (seg != null) {
        s.segmentFile = seg.file();
        s.segmentStart = seg.start();
        s.segmentLines = seg.lines();
      }
    }
    s.labels = labels.toArray(new String[0]);
    return s;
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
