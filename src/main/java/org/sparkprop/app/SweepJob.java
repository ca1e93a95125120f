package org.sparkprop.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.config.ResumePolicy;
import org.sparkprop.config.SweepGrid;
import org.sparkprop.config.SweepPlan;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.data.PartitionSizing;
import org.sparkprop.math.Kernels;
import org.sparkprop.report.SweepPage;
import org.sparkprop.report.TrainingReport;
import org.sparkprop.spark.Execution;
import org.sparkprop.spark.RunJobs;
import org.sparkprop.spark.SparkErrors;
import org.sparkprop.spark.SparkSessions;
import org.sparkprop.spark.SparkTrainer;
import org.sparkprop.spark.input.DataSets;
import org.sparkprop.train.RunStatus;
import org.sparkprop.train.StopRequest;

/**
 * The {@code sweep} command's work: one Spark application that trains every cell of a
 * {@link SweepPlan} (one or more figures, each a {@link SweepGrid}) and writes {@code sweep.json}
 * and {@code index.html} (per figure, a table of the cells and, for two-dimensional data, their
 * decision boundaries laid out as the grid) beside one folder per cell, {@code cells/cell-NN/} (or
 * {@code cells/figK-cell-NN/} with several figures), holding what {@code train} writes for that
 * configuration.
 *
 * <p>Cells that read the same data share one loaded, cached copy of it: the data is loaded once per
 * distinct data setting (a grid over {@code model.*} keys loads it once). Each cell then runs the
 * {@code train} job's own path over that data ({@code TrainJob.train}), so its weights are the bits a
 * {@code train} run of its configuration gives. Cells run at the same time where the cluster has room,
 * each in its own thread and Spark scheduler pool (the FAIR scheduler, unless the user chose another).
 */
public final class SweepJob {
  /** The folder of the cells, under the output directory. */
  static final String CELLS = "cells";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String POOL_PROPERTY = "spark.scheduler.pool";
  private static final String SCHEDULER_MODE = "spark.scheduler.mode";
  private static final String POOLS_FILE = "spark.scheduler.allocation.file";

  private SweepJob() {
  }

  /** How one cell ended: its summary (null when it failed before writing one) and the error, if any. */
  private record CellRun(SweepGrid.Cell cell, ObjectNode summary, String error, double seconds, String picture) {
  }

  /** Runs a sweep of one untitled figure: see {@link #run(SweepPlan, String, int, PrintStream, StopRequest)}. */
  public static ObjectNode run(SweepGrid grid, String outputDir, int parallel, PrintStream console, StopRequest stop)
      throws IOException {
    return run(SweepPlan.of(grid), outputDir, parallel, console, stop);
  }

  /**
   * Runs every cell of every figure of {@code plan} in one application and returns the sweep's
   * record ({@code sweep.json}); the page sets each figure in its own section.
   *
   * @param parallel cells trained at the same time; 0 = as many as the cluster has room for
   * @throws IllegalStateException after writing the page, when some cells failed (named in the message)
   */
  public static ObjectNode run(SweepPlan plan, String outputDir, int parallel, PrintStream console, StopRequest stop)
      throws IOException {
    long wallStart = System.nanoTime();
    List<SweepGrid.Cell> cells = plan.cells();
    TrainConfig first = cells.get(0).config();
    for (SweepPlan.Figure f : plan.figures()) {
      console.printf(Locale.ROOT, "sparkprop sweep: %s%d cells over %s%n", f.title() == null ? "" : f.title() + ": ",
          f.grid().cells().size(), String.join(" x ", f.grid().axes().stream()
              .map(a -> a.key() + " (" + a.values().size() + ")").toList()));
      for (SweepGrid.Cell c : f.grid().cells()) console.println("  " + c.name() + ": " + c.label());
    }
    String kernel = Kernels.decide(first.math().kernel(), first.math().precision());
    Map<String, String> sparkConf = new LinkedHashMap<>(first.spark().conf());
    // Concurrent cells share the executors fairly rather than first come, first served.
    if (!sparkConf.containsKey(SCHEDULER_MODE) && !new SparkConf().contains(SCHEDULER_MODE)) {
      sparkConf.put(SCHEDULER_MODE, "FAIR");
    }
    if (!sparkConf.containsKey(POOLS_FILE) && !new SparkConf().contains(POOLS_FILE)) {
      sparkConf.put(POOLS_FILE, poolsFile(cells));
    }
    SparkSession session = SparkSessions.create(first.spark().master(), sparkConf, kernel);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
    SparkTrainer.kernel(sc, first);
    String scheduler = sc.getConf().get(SCHEDULER_MODE, "FIFO");
    console.printf(Locale.ROOT, "spark %s, master %s, %s scheduler; GEMM kernel of the job: %s%n", sc.version(),
        sc.master(), scheduler, kernel);

    FileSystem fs = new Path(outputDir).getFileSystem(sc.hadoopConfiguration());
    fs.mkdirs(new Path(outputDir));
    CellRun[] runs = new CellRun[cells.size()];
    int dataLoads = 0;
    int mostAtOnce = 0;
    ObjectNode record = JSON.createObjectNode();
    try (RunJobs jobs = RunJobs.start(sc, "sweep", RunJobs.newRunId("sweep"))) {
      console.println("run " + jobs.runId() + " (Spark job group " + jobs.jobGroup() + ")");
      record.put("runId", jobs.runId());
      record.put("sparkJobGroup", jobs.jobGroup());
      for (List<Integer> group : byData(cells).values()) {
        if (stop.requested()) break;
        TrainConfig cfg = cells.get(group.get(0)).config();
        jobs.describe("loading data for " + group.size() + " cells");
        PartitionSizing partitioning = DataSets.partitioning(cfg);
        DataSets data = DataSets.load(cfg, sc, partitioning, console);
        dataLoads++;
        try {
          console.println("data: " + data.description() + " (shared by " + group.size() + " cells)");
          int atOnce = parallel > 0 ? parallel : roomFor(sc, cells, group, data);
          atOnce = Math.max(1, Math.min(atOnce, group.size()));
          mostAtOnce = Math.max(mostAtOnce, atOnce);
          console.printf(Locale.ROOT, "training %d cells, %d at a time%n", group.size(), atOnce);
          runGroup(group, cells, atOnce, sc, data, kernel, fs, outputDir, jobs.runId(), console, stop, runs);
        } finally {
          data.unpersist();
        }
      }
    }

    record.put("sparkMaster", sc.master());
    record.put("scheduler", scheduler);
    record.put("kernel", kernel);
    record.put("dataLoads", dataLoads);
    record.put("cellsAtOnce", mostAtOnce);
    record.put("wallSeconds", (System.nanoTime() - wallStart) / 1e9);
    if (plan.figures().size() == 1) {
      gridRecord(record.putArray("grid"), plan.figures().get(0).grid());
    } else {
      ArrayNode figures = record.putArray("figures");
      for (SweepPlan.Figure f : plan.figures()) {
        ObjectNode o = figures.addObject().put("title", f.title());
        gridRecord(o.putArray("grid"), f.grid());
        f.grid().cells().forEach(c -> o.withArray("cells").add(c.name()));
      }
    }
    ArrayNode cellRecords = record.putArray("cells");
    List<SweepPage.Entry> entries = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < runs.length; i++) {
      CellRun r = runs[i] != null ? runs[i] : new CellRun(cells.get(i), null, "not run: the sweep was stopped", 0, null);
      ObjectNode o = cellRecords.addObject();
      o.put("name", r.cell().name());
      o.set("settings", JSON.valueToTree(r.cell().settings()));
      String status = r.error() != null ? (r.summary() == null ? "failed" : r.summary().path("status").asText("failed"))
          : r.summary().path("status").asText();
      o.put("status", status);
      if (r.error() != null) {
        o.put("error", r.error());
        failed.add(r.cell().name() + " (" + r.cell().label() + "): " + r.error());
      }
      o.put("folder", CELLS + "/" + r.cell().name());
      o.put("seconds", r.seconds());
      if (r.summary() != null) {
        for (String field : new String[] {"network", "parameterCount", "epochs", "rounds", "trainLoss", "weightsSha256"}) {
          if (r.summary().has(field)) o.set(field, r.summary().get(field));
        }
        o.set("testMetrics", r.summary().path("testMetrics").deepCopy());
      }
      if (r.picture() != null) o.put("picture", r.picture());
      entries.add(entry(r, status));
    }
    try (OutputStream out = fs.create(new Path(outputDir, "sweep.json"), true)) {
      out.write(JSON.writeValueAsString(record).getBytes(StandardCharsets.UTF_8));
    }
    List<SweepPage.Figure> figures = new ArrayList<>();
    int next = 0;
    for (SweepPlan.Figure f : plan.figures()) {
      List<SweepPage.Axis> pageAxes = f.grid().axes().stream()
          .map(a -> new SweepPage.Axis(a.key(), a.values().stream().map(SweepGrid::display).toList())).toList();
      int n = f.grid().cells().size();
      figures.add(new SweepPage.Figure(f.title(), pageAxes, entries.subList(next, next + n)));
      next += n;
    }
    String html = SweepPage.html(figures, record);
    try (OutputStream out = raw(fs).create(new Path(outputDir, "index.html"), true)) {
      out.write(html.getBytes(StandardCharsets.UTF_8));
    }
    console.printf(Locale.ROOT, "sweep: %d cells in %.1f s, data loaded %d times; page: %s%n", cells.size(),
        record.path("wallSeconds").asDouble(), dataLoads, new Path(outputDir, "index.html"));
    if (!failed.isEmpty()) {
      throw new IllegalStateException(failed.size() + " of " + cells.size() + " cells did not complete (see "
          + new Path(outputDir, "index.html") + "):\n  " + String.join("\n  ", failed));
    }
    return record;
  }

  private static void gridRecord(ArrayNode axes, SweepGrid grid) {
    for (SweepGrid.Axis a : grid.axes()) {
      ObjectNode o = axes.addObject().put("key", a.key());
      a.values().forEach(o.putArray("values")::add);
    }
  }

  /**
   * A FAIR scheduler file declaring one pool per cell, all of equal weight: Spark would create them
   * on first use anyway, with the same settings, but warn once per pool that it was not declared.
   */
  private static String poolsFile(List<SweepGrid.Cell> cells) throws IOException {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<allocations>\n");
    for (SweepGrid.Cell c : cells) {
      xml.append("  <pool name=\"").append(c.name()).append("\"><schedulingMode>FIFO</schedulingMode>")
          .append("<weight>1</weight><minShare>0</minShare></pool>\n");
    }
    xml.append("</allocations>\n");
    java.nio.file.Path file = Files.createTempFile("sparkprop-sweep-pools-", ".xml");
    file.toFile().deleteOnExit();
    Files.writeString(file, xml);
    return file.toUri().toString();
  }

  /**
   * Cells by the data they read, in grid order: the keys that decide what {@code DataSets.load}
   * gives (the data section, the seed of generation and validation split, the partitioning and
   * storage, the class weights packed with the training rows, and whether labels are classes), so
   * that cells differing only in those share a load.
   */
  static Map<String, List<Integer>> byData(List<SweepGrid.Cell> cells) {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < cells.size(); i++) {
      TrainConfig cfg = cells.get(i).config();
      StringBuilder key = new StringBuilder();
      for (Map.Entry<String, Object> e : cfg.resolved().entrySet()) {
        String k = e.getKey();
        if (k.startsWith("data.") || k.equals("train.seed") || k.equals("train.classWeights") || k.equals("spark.partitions")
            || k.equals("spark.partitionBytes") || k.equals("spark.storageLevel")) {
          key.append(k).append('=').append(e.getValue()).append('\n');
        }
      }
      // data.validationFraction = auto holds rows out or not by train.epochs: the fraction it resolves to.
      key.append("validationFraction=").append(cfg.validationFraction()).append('\n');
      key.append("labels=").append(DataSets.labelMode(cfg));
      groups.computeIfAbsent(key.toString(), k -> new ArrayList<>()).add(i);
    }
    return groups;
  }

  /**
   * Cells the cluster has room to train at once: a cell whose rounds are Spark jobs keeps one core
   * per training partition busy, a cell whose rounds run on the driver as many driver cores as it
   * has threads (in local mode, the local master's cores).
   */
  private static int roomFor(JavaSparkContext sc, List<SweepGrid.Cell> cells, List<Integer> group, DataSets data) {
    int room = Integer.MAX_VALUE;
    for (int i : group) {
      Execution execution = Execution.decide(cells.get(i).config().train(), data.train());
      int fits = execution.onDriver() ? Runtime.getRuntime().availableProcessors() / execution.threads()
          : sc.defaultParallelism() / Math.max(1, data.train().partitions());
      room = Math.min(room, fits);
    }
    return Math.max(1, room);
  }

  private static void runGroup(List<Integer> group, List<SweepGrid.Cell> cells, int atOnce, JavaSparkContext sc,
                               DataSets data, String kernel, FileSystem fs, String outputDir, String runId,
                               PrintStream console, StopRequest stop, CellRun[] runs) throws IOException {
    AtomicInteger threads = new AtomicInteger();
    // Threads created here inherit this thread's Spark job group: cancelling the sweep's group
    // reaches every cell.
    ExecutorService pool = Executors.newFixedThreadPool(atOnce, r -> {
      Thread t = new Thread(r, "sparkprop-sweep-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<CellRun>> futures = new ArrayList<>();
      for (int i : group) {
        SweepGrid.Cell cell = cells.get(i);
        futures.add(pool.submit(() -> runCell(cell, sc, data, kernel, fs, outputDir, runId, console, stop)));
      }
      for (int k = 0; k < group.size(); k++) {
        try {
          runs[group.get(k)] = futures.get(k).get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for the sweep's cells", e);
        } catch (ExecutionException e) {
          throw RunJobs.unchecked(e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Trains one cell in this thread, its own scheduler pool and console log; a failure is recorded, not thrown. */
  private static CellRun runCell(SweepGrid.Cell cell, JavaSparkContext sc, DataSets data, String kernel, FileSystem fs,
                                 String outputDir, String runId, PrintStream console, StopRequest stop) throws IOException {
    long start = System.nanoTime();
    String dir = new Path(new Path(outputDir, CELLS), cell.name()).toString();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ObjectNode summary = null;
    String error = null;
    if (stop.requested()) return new CellRun(cell, null, "not run: the sweep was stopped", 0, null);
    console.println(cell.name() + ": started (" + cell.label() + ")");
    sc.setLocalProperty(POOL_PROPERTY, cell.name());
    try (PrintStream cellConsole = new PrintStream(log, true, StandardCharsets.UTF_8);
         RunJobs jobs = RunJobs.start(sc, "sweep", runId + "-" + cell.name())) {
      cellConsole.println("sparkprop: grid cell " + cell.name() + ": " + cell.label());
      cellConsole.println("sparkprop: resolved configuration\n" + cell.config().render());
      try {
        summary = TrainJob.train(cell.config(), dir, ResumePolicy.of(false), cellConsole, stop, sc, jobs, data, start,
            kernel);
        if (!RunStatus.COMPLETED.jsonName().equals(summary.path("status").asText())) error = "status " + summary.path("status").asText();
      } catch (RuntimeException e) {
        error = SparkErrors.userMessage(e);
        cellConsole.println("sparkprop: error: " + error);
        summary = readSummary(fs, dir);
      }
    } finally {
      sc.setLocalProperty(POOL_PROPERTY, null);
    }
    try (OutputStream out = raw(fs).create(new Path(dir, "console.txt"), true)) {
      out.write(log.toByteArray());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String picture = CELLS + "/" + cell.name() + "/report/" + TrainingReport.THUMBNAIL;
    boolean drawn = fs.exists(new Path(outputDir, picture));
    console.println(cell.name() + ": " + (error == null ? outcome(summary) : "failed: " + error)
        + String.format(Locale.ROOT, " (%.1f s)", seconds));
    return new CellRun(cell, summary, error, seconds, drawn ? picture : null);
  }

  private static ObjectNode readSummary(FileSystem fs, String dir) {
    try {
      Path p = new Path(dir, "summary.json");
      if (!fs.exists(p)) return null;
      try (var in = fs.open(p)) {
        JsonNode n = JSON.readTree(in);
        return n instanceof ObjectNode o ? o : null;
      }
    } catch (IOException e) {
      return null;
    }
  }

  private static String outcome(ObjectNode summary) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d epochs, %,d rounds",
        summary.path("epochs").asInt(), summary.path("rounds").asLong()));
    summary.path("testMetrics").properties().forEach(e -> {
      if (e.getValue().isNumber()) sb.append(String.format(Locale.ROOT, ", test %s %.4f", e.getKey(), e.getValue().asDouble()));
    });
    return sb.toString();
  }

  private static SweepPage.Entry entry(CellRun r, String status) {
    JsonNode s = r.summary() == null ? JSON.createObjectNode() : r.summary();
    JsonNode test = s.path("testMetrics");
    String metric = test.has("accuracy") ? "accuracy" : test.has("r2") ? "r2" : test.has("loss") ? "loss" : null;
    Map<String, String> settings = new LinkedHashMap<>();
    r.cell().settings().forEach((k, v) -> settings.put(k, SweepGrid.display(v)));
    String report = r.summary() == null || !s.has("testMetrics") ? null : CELLS + "/" + r.cell().name() + "/report/index.html";
    return new SweepPage.Entry(r.cell().name(), settings, status, r.error(), metric,
        metric == null ? Double.NaN : test.path(metric).asDouble(), s.path("rounds").asLong(),
        s.path("parameterCount").asLong(), s.path("network").asText(""), r.seconds(), report, r.picture());
  }

  /** No .crc file beside the page on a local disk, as for the report folder. */
  private static FileSystem raw(FileSystem fs) {
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }
}
