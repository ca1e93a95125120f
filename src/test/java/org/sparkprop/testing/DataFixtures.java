package org.sparkprop.testing;

import org.sparkprop.spark.PackedDataset;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.data.PackedBlock;

/**
 * A small known table written in every supported format, and helpers to read packed data back in
 * global order: the inputs of the format round-trip and bad-input tests.
 */
public final class DataFixtures {
  public final int rows;
  public final int features;
  public final float[] x;     // (rows, features): multiples of 1/4, exact in text and float32
  public final int[] label;   // (rows) class index 0..2
  public static final String[] NAMES = {"cat", "dog", "eel"};

  public DataFixtures(int rows, int features) {
    this.rows = rows;
    this.features = features;
    x = new float[rows * features];
    label = new int[rows];
    for (int r = 0; r < rows; r++) {
      float sum = 0;
      for (int j = 0; j < features; j++) {
        float v = ((r * 7 + j * 13) % 41 - 20) / 4f;
        x[r * features + j] = v;
        sum += v * (j + 1);
      }
      label[r] = sum < -3 ? 0 : sum < 3 ? 1 : 2;
    }
  }

  String csvHeader() {
    StringBuilder sb = new StringBuilder("id");
    for (int j = 0; j < features; j++) sb.append(",f").append(j + 1);
    return sb.append(",label").toString();
  }

  String csvLine(int r, boolean names) {
    StringBuilder sb = new StringBuilder("row").append(r);
    for (int j = 0; j < features; j++) sb.append(',').append(num(x[r * features + j]));
    return sb.append(',').append(names ? NAMES[label[r]] : Integer.toString(label[r])).toString();
  }

  String libsvmLine(int r) {
    StringBuilder sb = new StringBuilder(Integer.toString(label[r]));
    for (int j = 0; j < features; j++) {
      float v = x[r * features + j];
      if (v != 0) sb.append(' ').append(j + 1).append(':').append(num(v));
    }
    return sb.toString();
  }

  public static String num(float v) {
    return v == (int) v ? Integer.toString((int) v) : Float.toString(v);
  }

  /** CSV with header and string class names, split over {@code parts} part files in {@code dir}. */
  public void writeCsvParts(Path dir, int parts, boolean names) throws IOException {
    Files.createDirectories(dir);
    for (int p = 0; p < parts; p++) {
      List<String> lines = new ArrayList<>();
      lines.add(csvHeader());
      for (int r = rows * p / parts; r < rows * (p + 1) / parts; r++) lines.add(csvLine(r, names));
      Files.write(dir.resolve(String.format(Locale.ROOT, "part-%05d.csv", p)), lines);
    }
    Files.writeString(dir.resolve("_SUCCESS"), "");
  }

  public void writeCsv(Path file, boolean names) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(csvHeader());
    for (int r = 0; r < rows; r++) lines.add(csvLine(r, names));
    Files.createDirectories(file.getParent());
    Files.write(file, lines);
  }

  public void writeLibsvmGz(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (int r = 0; r < rows; r++) out.write((libsvmLine(r) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** IDX images as floats (type 0x0D), rows x features, and labels as unsigned bytes. */
  public void writeIdx(Path images, Path labels, boolean gzip) throws IOException {
    ByteArrayOutputStream img = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(img);
    d.write(new byte[] {0, 0, 0x0D, 2});
    d.writeInt(rows);
    d.writeInt(features);
    for (float v : x) d.writeFloat(v);
    ByteArrayOutputStream lab = new ByteArrayOutputStream();
    DataOutputStream l = new DataOutputStream(lab);
    l.write(new byte[] {0, 0, 0x08, 1});
    l.writeInt(rows);
    for (int c : label) l.writeByte(c);
    write(images, img.toByteArray(), gzip);
    write(labels, lab.toByteArray(), gzip);
  }

  public static void write(Path file, byte[] bytes, boolean gzip) throws IOException {
    Files.createDirectories(file.getParent());
    if (!gzip) {
      Files.write(file, bytes);
      return;
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(bytes);
    }
  }

  /** The blocks of a packed data set in global order, checked to be contiguous from row 0. */
  public static List<PackedBlock> inOrder(PackedDataset data) {
    List<PackedBlock> blocks = new ArrayList<>(data.blocks().collect());
    blocks.sort(Comparator.comparingLong(b -> b.firstIndex));
    long next = 0;
    for (PackedBlock b : blocks) {
      if (b.firstIndex != next) throw new AssertionError("block starts at " + b.firstIndex + ", expected " + next);
      next = b.endIndex();
    }
    if (next != data.rows()) throw new AssertionError("blocks end at " + next + ", expected " + data.rows());
    return blocks;
  }

  public static float[] features(PackedDataset data) {
    List<PackedBlock> blocks = inOrder(data);
    float[] out = new float[(int) data.rows() * data.features()];
    int at = 0;
    for (PackedBlock b : blocks) {
      System.arraycopy(b.x, 0, out, at, b.x.length);
      at += b.x.length;
    }
    return out;
  }

  public static float[] targets(PackedDataset data) {
    List<PackedBlock> blocks = inOrder(data);
    float[] out = new float[(int) data.rows()];
    int at = 0;
    for (PackedBlock b : blocks) {
      System.arraycopy(b.y, 0, out, at, b.y.length);
      at += b.y.length;
    }
    return out;
  }

  public float[] labelsAsFloats() {
    float[] out = new float[rows];
    for (int r = 0; r < rows; r++) out[r] = label[r];
    return out;
  }

  static String show(float[] a) {
    return Arrays.toString(Arrays.copyOf(a, Math.min(a.length, 12)));
  }

  /**
   * Rows {@code from} (inclusive) to {@code to} of the fixture as a DataFrame of a double label and a
   * vector of features, in the fixture's order: what Spark ML writes to Parquet.
   */
  public Dataset<Row> labelledVectors(SparkSession spark, int from, int to) {
    List<Row> out = new ArrayList<>();
    for (int r = from; r < to; r++) {
      double[] v = new double[features];
      for (int j = 0; j < features; j++) v[j] = x[r * features + j];
      out.add(RowFactory.create((double) label[r], Vectors.dense(v)));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", new VectorUDT(), false, Metadata.empty())});
    return spark.createDataFrame(out, schema);
  }
}
