package org.sparkprop.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch as the {@code torch} workload's peer: {@code src/bench/python/torch_syn.py} run as a child
 * process by the Python of the bench's own virtual environment ({@code target/bench-venv}, made by
 * {@code submit-scripts/bench-python-env.sh} from PyPI when first needed, never the system Python),
 * which prints one line {@code RESULT {json}}; its other output goes to standard error, prefixed.
 */
public final class TorchPeer {
  /** What the script's result line starts with, as a child JVM's (ChildJvm). */
  static final String RESULT_PREFIX = ChildProcess.RESULT_PREFIX;
  static final String SCRIPT = "src/bench/python/torch_syn.py";
  static final String ENV_SCRIPT = "submit-scripts/bench-python-env.sh";

  private TorchPeer() {
  }

  /** The run the script is asked for: the syn workload's shape at one batch, both precisions alternating. */
  public record Settings(long rows, int[] widths, int batch, double learningRate, int threads, int warmupRounds,
                         int blocks, int blockRounds, List<String> precisions) {
  }

  /** The command that runs the script with {@code python} on {@code s}. */
  static List<String> command(Path python, Path script, Settings s) {
    StringBuilder widths = new StringBuilder();
    for (int i = 0; i < s.widths().length; i++) widths.append(i == 0 ? "" : ",").append(s.widths()[i]);
    List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString(),
        "--rows", Long.toString(s.rows()),
        "--widths", widths.toString(),
        "--batch", Integer.toString(s.batch()),
        "--learning-rate", Double.toString(s.learningRate()),
        "--threads", Integer.toString(s.threads()),
        "--warmup-rounds", Integer.toString(s.warmupRounds()),
        "--blocks", Integer.toString(s.blocks()),
        "--block-rounds", Integer.toString(s.blockRounds()),
        "--precisions", String.join(",", s.precisions())));
    return cmd;
  }

  /**
   * The project's root seen from {@code from} (the working directory): the nearest folder up that
   * holds the script. The bench runs from the root; Maven's tests run from a line's module folder.
   */
  public static Path projectRoot(Path from) {
    for (Path p = from.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(SCRIPT))) return p;
    }
    throw new IllegalStateException("no " + SCRIPT + " in " + from.toAbsolutePath() + " or any folder above it");
  }

  /**
   * The bench environment's Python: runs {@link #ENV_SCRIPT}, which makes the environment if it
   * is missing (a download of PyTorch and its CUDA libraries from PyPI, once) and prints the
   * interpreter's path as its last line.
   */
  public static Path python(Path root) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve(ENV_SCRIPT).toString()).directory(root.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String last = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) last = line.trim();
      }
    }
    int exit = p.waitFor();
    if (exit != 0 || last == null) {
      throw new IllegalStateException(ENV_SCRIPT + " exited with " + exit + " and " + (last == null ? "no path" : "printed " + last)
          + ": the bench's Python environment with PyTorch could not be made (its output is above)");
    }
    return Path.of(last);
  }

  /** Runs the script in {@code root} on {@code s} and returns its result. */
  public static Map<String, Object> run(Path root, Path python, Settings s) throws IOException, InterruptedException {
    Map<String, String> env = new LinkedHashMap<>();
    // One process with s.threads() intra-op threads; the bench JVM's OMP_NUM_THREADS=1 (oneDNN in
    // Spark's tasks) must not leak into it.
    env.put("OMP_NUM_THREADS", Integer.toString(s.threads()));
    return runForResult("torch", command(python, root.resolve(SCRIPT), s), root, env);
  }

  /**
   * Starts {@code cmd} in {@code dir} with {@code env} added to this process's environment, copies
   * its output to standard error with {@code tag} before each line, and parses its one {@code
   * RESULT {json}} line (the last, if several).
   *
   * @throws IllegalStateException if it exits non-zero or prints no result line
   */
  static Map<String, Object> runForResult(String tag, List<String> cmd, Path dir, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().putAll(env);
    return ChildProcess.result(tag, pb, "child process (" + String.join(" ", cmd) + ")");
  }

  /** rowsPerSecond of the run of {@code precision} in a result of the script, or NaN if it has none. */
  static double rowsPerSecond(Map<String, Object> result, String precision) {
    Object runs = result.get("runs");
    if (!(runs instanceof List<?> list)) return Double.NaN;
    for (Object o : list) {
      if (o instanceof Map<?, ?> run && precision.equals(run.get("precision")) && run.get("rowsPerSecond") instanceof Number n) {
        return n.doubleValue();
      }
    }
    return Double.NaN;
  }
}
