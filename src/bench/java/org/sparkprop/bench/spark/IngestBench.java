package org.sparkprop.bench.spark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.sparkprop.bench.Machine;

/**
 * The {@code ingest} workload: the same files read into cached training rows by Spark's own
 * reader (CSV with an explicit schema, or Parquet) + {@code VectorAssembler} + {@code cache().count()},
 * and by Sparkprop's load phase, each measurement in a fresh JVM of the same heap, alternating, in
 * the same run; timed from a started Spark to counted rows, both reading the files from the page
 * cache (they are read once before). The target: Sparkprop at least 1.0 times Spark's speed.
 */
public final class IngestBench {
  private IngestBench() {
  }

  /**
   * @param dir     where the CSV and its Parquet copy are written (kept for the next run of the same size)
   * @param repeats measurements of each reader and format; the fastest of each is compared
   * @param formats csv, parquet or both
   */
  public static Map<String, Object> run(String master, long rows, int features, String heap, Path dir, int repeats,
                                        List<String> formats) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path csv = dir.resolve("ingest-" + rows + "x" + features + ".csv");
    Path parquet = dir.resolve("ingest-" + rows + "x" + features + ".parquet");
    if (!Files.exists(csv)) writeCsv(csv, rows, features);
    if (!Files.exists(parquet.resolve("_SUCCESS"))) {
      ChildJvm.run("ingest-prepare", IngestRun.class, heap, Map.of(),
          List.of(master, "prepare", "csv", csv.toString(), Integer.toString(features), parquet.toString()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workload", "ingest");
    out.put("rows", rows);
    out.put("features", features);
    out.put("heap", heap);
    out.put("loadBefore", Machine.loadAverage());
    for (String format : formats) {
      Path input = "csv".equals(format) ? csv : parquet;
      warm(input);
      List<Map<String, Object>> spark = new ArrayList<>();
      List<Map<String, Object>> sparkprop = new ArrayList<>();
      for (int i = 0; i < repeats; i++) {
        spark.add(ChildJvm.run("ingest-spark-" + format, IngestRun.class, heap, Map.of(),
            List.of(master, "spark", format, input.toString(), Integer.toString(features))));
        sparkprop.add(ChildJvm.run("ingest-sparkprop-" + format, IngestRun.class, heap, Map.of(),
            List.of(master, "sparkprop", format, input.toString(), Integer.toString(features))));
      }
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("inputMB", spark.get(0).get("inputMB"));
      f.put("sparkSeconds", seconds(spark));
      f.put("sparkpropSeconds", seconds(sparkprop));
      double best = fastest(spark) / fastest(sparkprop);
      f.put("speedRatio", Bench.round(best, 3));
      f.put("spark", spark);
      f.put("sparkprop", sparkprop);
      f.put("targetMet", best >= 1.0);
      out.put(format, f);
    }
    out.put("loadAfter", Machine.loadAverage());
    out.put("target", "Sparkprop's load phase >= 1.0x the speed of Spark's reader + VectorAssembler + cache (fastest of each)");
    return out;
  }

  private static List<Double> seconds(List<Map<String, Object>> runs) {
    List<Double> s = new ArrayList<>();
    for (Map<String, Object> r : runs) s.add(((Number) r.get("seconds")).doubleValue());
    return s;
  }

  private static double fastest(List<Map<String, Object>> runs) {
    return seconds(runs).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  /** Reads every byte once, so that both readers find the input in the page cache. */
  private static void warm(Path input) throws IOException {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(input)) {
      try (var all = Files.walk(input)) {
        all.filter(Files::isRegularFile).forEach(files::add);
      }
    } else {
      files.add(input);
    }
    byte[] buffer = new byte[1 << 20];
    for (Path f : files) {
      try (var in = Files.newInputStream(f)) {
        while (in.read(buffer) >= 0) {
          // reading is the point
        }
      }
    }
  }

  /** {@code v} (|v| <= 1) with six decimals, as %.6f prints it, without a formatter per value. */
  static StringBuilder appendSixDecimals(StringBuilder sb, double v) {
    long micros = Math.round(Math.abs(v) * 1e6);
    if (v < 0 && micros > 0) sb.append('-');
    sb.append(micros / 1_000_000).append('.');
    String frac = Long.toString(micros % 1_000_000);
    for (int i = frac.length(); i < 6; i++) sb.append('0');
    return sb.append(frac);
  }

  /** Features uniform in [-1, 1) printed with 6 decimals, and a label in 0..9 that depends on them. */
  static void writeCsv(Path file, long rows, int features) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    SplittableRandom rng = new SplittableRandom(20);
    StringBuilder line = new StringBuilder(16 * features);
    try (BufferedWriter w = Files.newBufferedWriter(partial, StandardCharsets.US_ASCII)) {
      for (int i = 0; i < features; i++) w.write("f" + i + ",");
      w.write("label\n");
      for (long r = 0; r < rows; r++) {
        line.setLength(0);
        double sum = 0;
        for (int i = 0; i < features; i++) {
          double v = rng.nextDouble() * 2 - 1;
          sum += i % 2 == 0 ? v : -v;
          appendSixDecimals(line, v).append(',');
        }
        line.append((int) Math.floor((Math.tanh(sum / 4) + 1) * 5 - 1e-9)).append('\n');
        w.append(line);
      }
    }
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
