package org.sparkprop.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One read of a partition's rows that both counts and packs them: its {@link ScanStats} (good and
 * bad rows, the first bad row, the distinct labels, the widest row) and its good rows packed as
 * float32, before anything that needs the other partitions is known. What needs them is applied
 * afterwards by {@link #finish}, without reading the input again:
 * <ul>
 *   <li>the global index of the partition's first row (the prefix sum of the good rows before it);
 *   <li>the class index of each row while the classes are still being learnt: the row holds the
 *       partition-local number of its label (in order of first appearance) until the mapping fitted
 *       on every partition's labels turns it into a class index;
 *   <li>the width, while it is being learnt (LibSVM): rows are packed as wide as this partition's
 *       widest row and padded with zeros to the widest row of the input.
 * </ul>
 * The rows, their order and their values are those a count followed by {@link BlockPacking#pack}
 * gives. Mutable fields, filled on the executor, so Kryo can copy it as it is.
 */
public final class ScannedPartition implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Rows per chunk while the partition's row count is unknown: chunks are joined once at the end. */
  private static final int CHUNK_ROWS = 4096;

  ScanStats scan;
  int rows;
  int stride;         // features per packed row: the rules' width, else this partition's widest row
  int targetWidth;
  float[] x;          // (rows, stride)
  float[] y;          // (rows, targetWidth) targets, or the local label number (see labelNames)
  float[] w;          // (rows) sample weights, or null without a weight column
  String[] labelNames; // local label number -> canonical label, while the classes are learnt; else null
  FeatureStats stats; // of every good row, when asked for and the width is known; else null

  ScannedPartition() {
  }

  /**
   * Reads every row of {@code cursor} once, checks it against {@code rules}, counts it and packs the
   * good ones; closes the cursor.
   *
   * @param withStats whether to compute the feature statistics of every good row too (useful only
   *     when every row is a training row: without a validation split); ignored while the width is learnt
   */
  public static ScannedPartition read(PartitionReader cursor, RowRules rules, boolean withStats) throws IOException {
    ScannedPartition out = new ScannedPartition();
    ScanStats s = new ScanStats();
    boolean learnLabels = rules.labels().classes() && rules.mapping() == null;
    boolean localLabels = learnLabels && rules.targets() == 1;
    int tw = rules.targets();
    Map<String, Integer> labelNumbers = new HashMap<>();
    TreeSet<String> labels = new TreeSet<>();
    Chunks chunks = new Chunks(rules.width(), tw, rules.weighted());
    try (cursor) {
      while (cursor.next()) {
        ParsedRow row = cursor.row();
        rules.check(row);
        if (!s.count(row)) continue;
        Integer n = localLabels ? labelNumbers.get(row.label()) : null;
        if (learnLabels && n == null && !s.tooManyLabels && labels.add(row.label()) && labels.size() > LabelMapping.MAX_CLASSES) {
          s.tooManyLabels = true; // the driver stops the load: the numbers below no longer matter
        }
        int r = chunks.add(row.width());
        float[] cx = chunks.x.get(chunks.x.size() - 1);
        System.arraycopy(row.features(), 0, cx, r * chunks.stride, Math.min(row.width(), chunks.stride));
        float[] cy = chunks.y.get(chunks.y.size() - 1);
        if (localLabels) {
          if (n == null && !s.tooManyLabels) {
            n = labelNumbers.size();
            labelNumbers.put(row.label(), n);
          }
          cy[r] = n == null ? -1 : n;
        } else {
          rules.targets(row, cy, r * tw);
        }
        if (chunks.w != null) chunks.w.get(chunks.w.size() - 1)[r] = row.weight();
      }
      s.endOf(cursor);
    }
    s.labels = labels.toArray(new String[0]);
    if (s.goodRows > Integer.MAX_VALUE) return tooMany(out, s);
    out.scan = s;
    out.rows = (int) s.goodRows;
    out.targetWidth = tw;
    out.stride = rules.width() > 0 ? rules.width() : s.maxWidth;
    chunks.join(out);
    if (localLabels) {
      out.labelNames = new String[labelNumbers.size()];
      labelNumbers.forEach((name, n) -> out.labelNames[n] = name);
    }
    if (withStats && rules.width() > 0) {
      out.stats = FeatureStats.of(new PackedBlock(0, out.rows, out.stride, tw, out.x, out.y, out.w), i -> true);
    }
    return out;
  }

  /** A partition with more rows than a block holds: only its counts, which the driver rejects. */
  private static ScannedPartition tooMany(ScannedPartition out, ScanStats s) {
    out.scan = s;
    return out;
  }

  /** What the scan found: counts, bad rows, labels, the widest row. */
  public ScanStats scan() {
    return scan;
  }

  /** The feature statistics of every good row, or null when not computed while reading. */
  public FeatureStats stats() {
    return stats;
  }

  /** This partition's counts and statistics without its rows: what travels to the driver. */
  public ScannedPartition summary() {
    ScannedPartition s = new ScannedPartition();
    s.scan = scan;
    s.stats = stats;
    s.rows = rows;
    return s;
  }

  /**
   * The packed block of this partition once the driver has combined the counts: its rows from global
   * index {@code firstIndex}, {@code width} features each, with class indices from {@code rules}'
   * mapping. Arrays that need no change are shared with this partition (never written to by the
   * loading steps that follow), unless {@code ownArrays} asks for copies that may be scaled in place.
   */
  public PackedBlock finish(long firstIndex, int width, RowRules rules, boolean ownArrays) {
    float[] fx;
    if (stride == width) {
      fx = ownArrays ? x.clone() : x;
    } else {
      fx = new float[Math.multiplyExact(rows, width)]; // (rows, width)
      int copied = Math.min(stride, width);
      for (int r = 0; r < rows; r++) System.arraycopy(x, r * stride, fx, r * width, copied);
    }
    float[] fy;
    if (labelNames != null) {
      LabelMapping mapping = rules.mapping();
      float[] classOf = new float[labelNames.length];
      for (int n = 0; n < labelNames.length; n++) classOf[n] = mapping.indexOf(labelNames[n]);
      fy = new float[rows]; // (rows) class index
      for (int r = 0; r < rows; r++) fy[r] = classOf[(int) y[r]];
    } else {
      fy = ownArrays ? y.clone() : y;
    }
    float[] fw = w == null || !ownArrays ? w : w.clone();
    return new PackedBlock(firstIndex, rows, width, targetWidth, fx, fy, fw);
  }

  /** Packed rows in chunks of {@link #CHUNK_ROWS}, widened when a wider row comes (LibSVM). */
  private static final class Chunks {
    final List<float[]> x = new ArrayList<>();
    final List<float[]> y = new ArrayList<>();
    final List<float[]> w;
    final boolean fixedWidth;
    final int tw;
    int stride;
    int inLast = CHUNK_ROWS; // rows in the last chunk; full before the first

    Chunks(int width, int tw, boolean weighted) {
      this.fixedWidth = width > 0;
      this.stride = width;
      this.tw = tw;
      this.w = weighted ? new ArrayList<>() : null;
    }

    /** Room for one more row of {@code rowWidth} features: its place in the last chunk. */
    int add(int rowWidth) {
      if (!fixedWidth && rowWidth > stride) widen(Math.max(rowWidth, 2 * stride));
      if (inLast == CHUNK_ROWS) {
        x.add(new float[CHUNK_ROWS * stride]);
        y.add(new float[CHUNK_ROWS * tw]);
        if (w != null) w.add(new float[CHUNK_ROWS]);
        inLast = 0;
      }
      return inLast++;
    }

    private void widen(int newStride) {
      for (int c = 0; c < x.size(); c++) x.set(c, restride(x.get(c), CHUNK_ROWS, stride, newStride));
      stride = newStride;
    }

    /** The chunks as one block of {@code out.rows} rows of {@code out.stride} features. */
    void join(ScannedPartition out) {
      int rows = out.rows;
      out.x = new float[Math.multiplyExact(rows, out.stride)];
      out.y = new float[Math.multiplyExact(rows, tw)];
      out.w = w == null ? null : new float[rows];
      int copied = Math.min(stride, out.stride);
      for (int c = 0; c < x.size(); c++) {
        int from = c * CHUNK_ROWS;
        int n = Math.min(CHUNK_ROWS, rows - from);
        if (stride == out.stride) {
          System.arraycopy(x.get(c), 0, out.x, from * stride, n * stride);
        } else {
          float[] cx = x.get(c);
          for (int r = 0; r < n; r++) System.arraycopy(cx, r * stride, out.x, (from + r) * out.stride, copied);
        }
        System.arraycopy(y.get(c), 0, out.y, from * tw, n * tw);
        if (w != null) System.arraycopy(w.get(c), 0, out.w, from, n);
        x.set(c, null); // let a joined chunk go before the next is copied
      }
    }
  }

  private static float[] restride(float[] a, int rows, int from, int to) {
    float[] b = new float[rows * to];
    for (int r = 0; r < rows; r++) System.arraycopy(a, r * from, b, r * to, from);
    return b;
  }
}
