package org.sparkprop.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.data.PackedBlock;
import org.sparkprop.math.Kernels;
import org.sparkprop.nn.DenseNetwork;
import org.sparkprop.nn.NetworkSpec;
import org.sparkprop.nn.Workspace;
import org.sparkprop.train.EvaluationAccumulator;
import org.sparkprop.train.GlobalBatches;
import org.sparkprop.train.LocalTrainer;
import org.sparkprop.train.RoundTime;
import org.sparkprop.train.TrainingListener;
import org.sparkprop.train.TrainingOptions;
import org.sparkprop.train.TrainingState;

/**
 * The report folder of a run ({@code DIR/report/}): records what it needs while training runs and
 * draws it at the end; for two-dimensional data it also draws the decision boundary after each
 * epoch, so a crashed run keeps the pictures up to its last epoch.
 *
 * <p>Order of use: add to the {@code TrainingLoop} as a listener, run, then {@link #finish}. Everything
 * is computed on the driver from small samples of rows (the Spark layer provides them), never
 * with a Spark job. A figure that cannot be drawn (no fonts on a server, say) is listed on the
 * page and logged; it never fails the training run.
 *
 * <p>The pictures are drawn off the training thread, on a daemon thread ({@link #DRAWING_THREADS})
 * with a bounded queue: when it is full the submitting thread draws the picture itself, so a slow
 * disk cannot pile up copies of the weights, and {@link #finish}'s figures are drawn by that thread
 * and the finishing one side by side. The files and the page are those of drawing them one
 * after the other; the first pictures of a run cost most (Java2D, fonts and PNG start up), and the
 * rounds no longer wait for them. A run that crashes keeps the pictures finished before it did.
 */
public final class TrainingReport implements TrainingListener {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingReport.class);
  /** At most this many per-epoch pictures; longer runs draw every k-th epoch (and the last). */
  static final int MAX_EPOCH_PICTURES = 100;
  static final int EPOCH_PICTURE_SIZE = 200;
  static final int FINAL_PICTURE_SIZE = 420;
  /**
   * The final decision boundary as a small picture without axes (test accuracy in its corner), for
   * pages that set many runs side by side, as the sweep's grid does.
   */
  public static final String THUMBNAIL = "boundary-thumbnail.png";
  static final int THUMBNAIL_SIZE = 200;
  /** The drawing of the network's layers and weights. */
  public static final String NETWORK = "network.svg";
  /** Points on the fitted curve of a one-feature regression. */
  static final int FIT_STEPS = 200;
  /**
   * Threads that draw pictures: one, beside the training thread (and the thread that finishes the
   * report, which draws too once the queue is full). Two or more made the quick start slower on a
   * busy 2-core machine: the round loop lost more time to them than the pictures saved.
   */
  static final int DRAWING_THREADS = 1;
  /** Pictures waiting for a drawing thread, at most; beyond that the training thread draws. */
  private static final int QUEUED_PICTURES = 2 * DRAWING_THREADS;

  /**
   * What the report draws on.
   *
   * @param spec           the network
   * @param classes        0 for regression
   * @param trainSample    a sample of training rows (points of the pictures, training metrics per epoch)
   * @param testSample     a sample of test rows, or null when there is no test set
   * @param evaluationName what the per-epoch evaluation runs on ("validation" or "test"), or null for none
   * @param plane          how a point of the plane becomes an input row, or null when the data is not 2-D
   * @param featureNames   the input features' names, or null when the data has none (drawn as x1, x2, ...)
   */
  public record Inputs(NetworkSpec spec, int classes, PackedBlock trainSample, PackedBlock testSample,
                       String evaluationName, InputPlane plane, List<String> featureNames) {
    public Inputs {
      featureNames = featureNames == null ? null : List.copyOf(featureNames);
    }

    /** Inputs of data whose features have no names. */
    public Inputs(NetworkSpec spec, int classes, PackedBlock trainSample, PackedBlock testSample, String evaluationName,
                  InputPlane plane) {
      this(spec, classes, trainSample, testSample, evaluationName, plane, null);
    }
  }

  /** One epoch as the report shows it. Metrics maps are empty when not measured. */
  public record EpochRecord(int epoch, double trainLoss, Map<String, Double> trainSample,
                            Map<String, Double> evaluation, double seconds) {
    double trainSample(String metric) {
      return trainSample.getOrDefault(metric, Double.NaN);
    }

    double evaluation(String metric) {
      return evaluation.getOrDefault(metric, Double.NaN);
    }
  }

  private final Inputs in;
  private final ReportFiles files;
  private final RoundTimeline timeline = new RoundTimeline(256);
  private final List<EpochRecord> epochs = new ArrayList<>();
  private final List<Pending> epochPictures = new ArrayList<>();
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private ThreadPoolExecutor drawing; // created with the first picture, ended by finish()
  private final DecisionBoundary boundary; // null when the data is not 2-D
  private int totalEpochs;
  private int pictureEvery = 1;
  private long drawingNanos;      // time spent in this listener and in finish(), for the user to see

  public TrainingReport(Inputs inputs, ReportFiles files) {
    this.in = inputs;
    this.files = files;
    this.boundary = inputs.plane() == null ? null : attempt("decision boundary",
        () -> new DecisionBoundary(inputs.spec(), inputs.plane(), inputs.classes(), inputs.trainSample(),
            inputs.testSample()));
  }

  @Override
  public void onStart(GlobalBatches batches, TrainingOptions options, TrainingState start) {
    totalEpochs = options.epochLimit();
    pictureEvery = Math.max(1, (totalEpochs + MAX_EPOCH_PICTURES - 1) / MAX_EPOCH_PICTURES);
  }

  @Override
  public void onRound(RoundEvent e) {
    RoundTime t = e.time();
    timeline.add(e.round(), t.broadcastNanos(), t.computeNanos(), t.aggregateNanos(), t.updateNanos(), t.otherNanos());
  }

  @Override
  public void onEpoch(EpochEvent e) {
    long begin = System.nanoTime();
    try {
      recordEpoch(e);
    } finally {
      drawingNanos += System.nanoTime() - begin;
    }
  }

  private void recordEpoch(EpochEvent e) {
    int epoch = e.epoch() + 1;
    Map<String, Double> sample = in.trainSample() == null || in.trainSample().rows == 0 ? Map.of()
        : LocalTrainer.evaluate(in.spec(), e.params(), in.trainSample(), in.classes()).metrics();
    epochs.add(new EpochRecord(epoch, e.trainLoss(), sample,
        e.validation() == null ? Map.of() : e.validation(), e.seconds()));
    if (boundary != null && (epoch % pictureEvery == 0 || epoch == totalEpochs)) {
      String name = String.format(Locale.ROOT, "boundary-epoch-%03d.png", epoch);
      float[] params = e.params().clone(); // the loop goes on updating its own array
      epochPictures.add(new Pending(name, "epoch " + epoch, null, submit(() -> attempt("decision boundary of epoch " + epoch,
          () -> {
            write(name, boundary.render(params, EPOCH_PICTURE_SIZE, false, false, "epoch " + epoch));
            return EPOCH_PICTURE_SIZE * 3 / 4;
          }))));
    }
  }

  /**
   * A file being drawn: its name, caption and section, and the figure's display width once
   * written (null when it could not be drawn, as {@link #attempt} reports).
   */
  private record Pending(String file, String caption, List<ReportPage.Figure> into, Future<Integer> width) {
    /** Waits for the file; adds it to its section and to {@code written} when it was written. */
    void collect(List<String> written) {
      Integer w = waitFor(width);
      if (w == null) return;
      if (into != null) into.add(new ReportPage.Figure(file, caption, w));
      written.add(file);
    }
  }

  /**
   * Starts what every report's first picture would otherwise start on the training thread: Java2D's
   * anti-aliased shapes and text (the fonts), and ImageIO's PNG writer. For a thread that runs while
   * the data is read, in a JVM that will draw a report; a failure here is left for the drawing itself
   * to report.
   */
  public static void warmUp() {
    try {
      BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
      java.awt.Graphics2D g = image.createGraphics();
      try {
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.fill(new java.awt.geom.Ellipse2D.Double(2, 2, 5, 5));
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 11));
        g.drawString("0.5", 1, 12);
      } finally {
        g.dispose();
      }
      ImageIO.write(image, "png", OutputStream.nullOutputStream());
    } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError e) {
      LOG.debug("report warm-up failed (the report will say what it could not draw)", e);
    }
  }

  /** Waits until the epoch pictures submitted so far are written (or failed, as {@link #problems} says). */
  void awaitEpochPictures() {
    for (Pending p : epochPictures) waitFor(p.width());
  }

  private Future<Integer> submit(Supplier<Integer> drawAndWrite) {
    if (drawing == null) {
      AtomicInteger n = new AtomicInteger();
      drawing = new ThreadPoolExecutor(DRAWING_THREADS, DRAWING_THREADS, 5, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(QUEUED_PICTURES), r -> {
            Thread t = new Thread(r, "sparkprop-report-" + n.incrementAndGet());
            t.setDaemon(true); // never keeps the JVM alive; finish() waits for what it needs
            return t;
          }, new ThreadPoolExecutor.CallerRunsPolicy());
      drawing.allowCoreThreadTimeOut(true);
    }
    FutureTask<Integer> task = new FutureTask<>(drawAndWrite::get);
    drawing.execute(task);
    return task;
  }

  private static Integer waitFor(Future<Integer> f) {
    try {
      return f.get();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the report's pictures were drawn", ex);
    } catch (ExecutionException ex) { // attempt() catches what drawing throws; anything else is a bug
      throw new IllegalStateException("drawing a report picture failed: " + ex.getCause(), ex.getCause());
    }
  }

  /** The epochs recorded so far. */
  public List<EpochRecord> epochs() {
    return Collections.unmodifiableList(epochs);
  }

  /** Seconds spent measuring and drawing, during training and in {@link #finish}. */
  public double drawingSeconds() {
    return drawingNanos / 1e9;
  }

  /** Figures that could not be drawn, with the reason. */
  public List<String> problems() {
    return Collections.unmodifiableList(problems);
  }

  /**
   * Draws the final figures and writes {@code index.html}.
   *
   * @param summary   the run's summary (the page's table); its {@code config} object is shown too
   * @param testStats statistics of the final weights on the whole test set, or null without one
   * @param params    the final weights
   * @return the names of the files written, index.html last
   */
  public List<String> finish(JsonNode summary, EvaluationAccumulator testStats, float[] params) {
    long begin = System.nanoTime();
    try {
      return draw(summary, testStats, params);
    } finally {
      if (drawing != null) drawing.shutdown();
      drawingNanos += System.nanoTime() - begin;
    }
  }

  private List<String> draw(JsonNode summary, EvaluationAccumulator testStats, float[] params) {
    List<String> written = new ArrayList<>();
    List<ReportPage.Figure> epochFigures = new ArrayList<>();
    for (Pending p : epochPictures) {
      Integer w = waitFor(p.width());
      if (w == null) continue;
      epochFigures.add(new ReportPage.Figure(p.file(), p.caption(), w));
      written.add(p.file());
    }
    List<Pending> pending = new ArrayList<>(); // drawn side by side, collected in this order
    List<ReportPage.Figure> network = new ArrayList<>();
    List<ReportPage.Figure> boundaryFigures = new ArrayList<>();
    List<ReportPage.Figure> curves = new ArrayList<>();
    List<ReportPage.Figure> results = new ArrayList<>();
    List<ReportPage.Figure> time = new ArrayList<>();
    String eval = in.evaluationName();
    String sampleName = in.trainSample() == null ? "training sample"
        : String.format(Locale.ROOT, "training sample (%,d rows, end of epoch)", in.trainSample().rows);

    pending.add(new Pending(NETWORK, in.spec().describe() + "; line colour: the weight's sign (blue +,"
        + " orange -), thickness: its size", network, submit(() -> attempt("network drawing", () -> {
          write(NETWORK, NetworkDiagram.svg(in.spec(), params, in.featureNames()));
          return Math.min(NetworkDiagram.pixelWidth(in.spec()), 1000);
        }))));
    if (boundary != null) {
      String caption = "final" + testCaption(testStats);
      figure("boundary.png", "decision boundary after training; training points with a white rim"
              + (in.testSample() != null ? ", test points with a dark rim" : ""), boundaryFigures,
          () -> boundary.render(params, FINAL_PICTURE_SIZE, true, true, caption), pending);
      String thumbCaption = testCaption(testStats).replaceFirst("^, test ", "");
      pending.add(new Pending(THUMBNAIL, null, null, submit(() -> attempt("decision boundary thumbnail", () -> {
        write(THUMBNAIL, boundary.render(params, THUMBNAIL_SIZE, false, false, thumbCaption.isEmpty() ? null : thumbCaption));
        return THUMBNAIL_SIZE;
      }))));
    }
    figure("loss.png", "loss per epoch", curves, () -> Charts.perEpoch("Loss", "loss", epochs, true,
        new Charts.Curve("train (mean over the epoch's rounds)", DecisionBoundary.BLUE, EpochRecord::trainLoss),
        new Charts.Curve(eval == null ? "evaluation" : eval, DecisionBoundary.ORANGE, r -> r.evaluation("loss"))), pending);
    // Several 0/1 labels (multi-label) are scored by accuracy (every label of a row right), several targets by R².
    boolean multiLabel = EvaluationAccumulator.multiLabel(in.spec(), in.classes());
    boolean accuracy = in.classes() > 0 || multiLabel;
    String metric = accuracy ? "accuracy" : "r2";
    figure(metric + ".png", (accuracy ? "accuracy" : "R²") + " per epoch", curves,
        () -> Charts.perEpoch(accuracy ? "Accuracy" : "R²", accuracy ? "accuracy" : "R²", epochs, false,
            new Charts.Curve(sampleName, DecisionBoundary.BLUE, r -> r.trainSample(metric)),
            new Charts.Curve(eval == null ? "evaluation" : eval, DecisionBoundary.ORANGE, r -> r.evaluation(metric))),
        pending);
    int outputs = in.classes() == 0 && in.spec().outputs() > 1 ? in.spec().outputs() : 0;
    if (outputs > 0) {
      // Each output's own curve: F1 of each label, R² of each target, on the evaluation rows.
      String each = multiLabel ? "f1" : "r2";
      Charts.Curve[] perOutput = new Charts.Curve[outputs];
      for (int j = 0; j < outputs; j++) {
        String key = each + "[" + j + "]";
        perOutput[j] = new Charts.Curve("output " + j, Charts.series(j), r -> r.evaluation(key));
      }
      figure(each + "-per-output.png", (multiLabel ? "F1" : "R²") + " of each output per epoch, " + (eval == null
          ? "evaluation" : eval) + " rows", curves, () -> Charts.perEpoch((multiLabel ? "F1" : "R²")
          + " per output", multiLabel ? "F1" : "R²", epochs, false, perOutput), pending);
    }
    if (in.classes() > 0) {
      figure("confusion.png", "confusion matrix", results, () -> {
        if (testStats != null) {
          return Charts.confusion(testStats.confusionMatrix(),
              String.format(Locale.ROOT, "Confusion matrix, test set (%,d rows)", testStats.count()));
        }
        if (in.trainSample() == null || in.trainSample().rows == 0) return null;
        EvaluationAccumulator s = LocalTrainer.evaluate(in.spec(), params, in.trainSample(), in.classes());
        return Charts.confusion(s.confusionMatrix(),
            String.format(Locale.ROOT, "Confusion matrix, training sample (%,d rows)", s.count()));
      }, pending);
    } else {
      if (in.spec().inputs() == 1) {
        figure("fit.png", "the fitted curve over the sample's points (first output, in the units the network"
            + " is trained on)", results, () -> fittedCurve(params), pending);
      }
      figure("predicted-vs-true.png", "predicted against true values", results, () -> {
        PackedBlock rows = in.testSample() != null && in.testSample().rows > 0 ? in.testSample() : in.trainSample();
        if (rows == null || rows.rows == 0) return null;
        float[] predicted = predictFirstOutput(params, rows);
        String of = rows == in.testSample() ? "test" : "training";
        return Charts.predictedVsTrue(firstTarget(rows), predicted, rows.rows,
            String.format(Locale.ROOT, "Predicted vs true, %s sample", of));
      }, pending);
    }
    figure("round-time.png", "time per round by part", time, () -> Charts.roundTime(timeline), pending);
    for (Pending p : pending) p.collect(written);

    List<ReportPage.Section> sections = List.of(
        new ReportPage.Section("Network", null, network, false),
        new ReportPage.Section("Decision boundary", null, boundaryFigures, false),
        new ReportPage.Section("Decision boundary after each epoch",
            pictureEvery == 1 ? null : "every " + pictureEvery + " epochs", epochFigures, true),
        new ReportPage.Section("Training curves", "train accuracy and R² are measured on a sample of training rows"
            + " with the weights at the end of each epoch; the train loss is the mean over the epoch's rounds", curves, false),
        new ReportPage.Section(in.classes() > 0 ? "Classification" : "Regression", null, results, false),
        new ReportPage.Section("Where the time goes", "broadcast of the weights, computation in the tasks,"
            + " aggregation of the gradients, the optimizer step on the driver, and the rest (scheduling, task launch)",
            time, false));
    String html = ReportPage.html("Sparkprop report", summary, sections, problems);
    try (OutputStream out = files.create("index.html")) {
      out.write(html.getBytes(StandardCharsets.UTF_8));
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the report page index.html", ex);
    }
    written.add("index.html");
    return written;
  }

  private static String testCaption(EvaluationAccumulator testStats) {
    if (testStats == null) return "";
    Map<String, Double> m = testStats.metrics();
    if (m.containsKey("accuracy")) return String.format(Locale.ROOT, ", test accuracy %.1f%%", 100 * m.get("accuracy"));
    if (m.containsKey("r2")) return String.format(Locale.ROOT, ", test R² %.3f", m.get("r2"));
    return "";
  }

  /** Draws and writes a figure on the drawing pool; {@code pending} collects it, in order, into {@code into}. */
  private void figure(String file, String caption, List<ReportPage.Figure> into, Supplier<BufferedImage> draw,
                      List<Pending> pending) {
    pending.add(new Pending(file, caption, into, submit(() -> {
      BufferedImage image = attempt(caption, draw);
      if (image == null) return null;
      return attempt(caption, () -> {
        write(file, image);
        return Math.min(image.getWidth(), 720);
      });
    })));
  }

  /** The network's first output along the one feature, over the test sample's points (else the training sample's). */
  private BufferedImage fittedCurve(float[] params) {
    PackedBlock rows = in.testSample() != null && in.testSample().rows > 0 ? in.testSample() : in.trainSample();
    if (rows == null || rows.rows == 0) return null;
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (int r = 0; r < rows.rows; r++) {
      lo = Math.min(lo, rows.x[r]);
      hi = Math.max(hi, rows.x[r]);
    }
    int steps = FIT_STEPS;
    float[] grid = new float[steps]; // (steps): x values, one feature each
    for (int k = 0; k < steps; k++) grid[k] = lo + (hi - lo) * k / (steps - 1);
    PackedBlock line = new PackedBlock(0, steps, 1, rows.targetWidth, grid, new float[steps * rows.targetWidth]);
    float[] fitted = predictFirstOutput(params, line);
    String of = rows == in.testSample() ? "test" : "training";
    String feature = NetworkDiagram.featureName(in.featureNames(), 0);
    return Charts.fittedCurve(rows.x, firstTarget(rows), rows.rows, grid, fitted, feature,
        String.format(Locale.ROOT, "Fitted curve over the %s sample (%,d rows)", of, rows.rows));
  }

  private void write(String name, String text) {
    try (OutputStream out = files.create(name)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + name + ": " + ex.getMessage(), ex);
    }
  }

  private void write(String name, BufferedImage image) {
    try (OutputStream out = files.create(name)) {
      if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer in this Java runtime");
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + name + ": " + ex.getMessage(), ex);
    }
  }

  /** Runs one drawing step; a failure is recorded and logged, and gives null. */
  private <T> T attempt(String what, Supplier<T> step) {
    try {
      return step.get();
    } catch (RuntimeException | LinkageError | java.awt.AWTError ex) {
      String problem = what + ": " + ex;
      problems.add(problem);
      LOG.warn("report: could not draw the {}", problem);
      LOG.debug("report failure", ex);
      return null;
    }
  }

  private float[] predictFirstOutput(float[] params, PackedBlock rows) {
    DenseNetwork network = new DenseNetwork(in.spec(), Kernels.gemm());
    int chunk = LocalTrainer.CHUNK_ROWS;
    Workspace ws = new Workspace(in.spec(), rows.targetWidth, chunk);
    int outputs = in.spec().outputs();
    float[] predicted = new float[rows.rows]; // (rows): first output of each row
    for (int start = 0; start < rows.rows; start += chunk) {
      int n = Math.min(chunk, rows.rows - start);
      System.arraycopy(rows.x, start * rows.features, ws.input, 0, n * rows.features);
      network.forward(params, n, ws);
      float[] out = ws.output();
      for (int r = 0; r < n; r++) predicted[start + r] = out[r * outputs];
    }
    return predicted;
  }

  private static float[] firstTarget(PackedBlock rows) {
    float[] t = new float[rows.rows];
    for (int r = 0; r < rows.rows; r++) t[r] = rows.y[r * rows.targetWidth];
    return t;
  }
}
