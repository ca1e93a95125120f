package org.sparkprop.config;

import com.typesafe.config.ConfigUtil;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A grid of training configurations: one job file and its {@code --set} overrides, crossed with the
 * values of one or more keys ({@code --grid model.hidden=4;8;4,4}). Each cell is the configuration
 * {@code train} would run with the same file, the same overrides and the cell's values as further
 * {@code --set}s, validated by the same code: a cell trains as that {@code train} run does.
 *
 * <p>Cells are ordered with the first axis slowest (row-major), so that a grid of two axes reads as
 * a table: rows are the first key's values, columns the second's.
 */
public final class SweepGrid {
  /**
   * Keys one Spark application cannot vary: it has one master, one set of Spark settings and one
   * GEMM kernel (its executors are started with it).
   */
  private static final Set<String> APPLICATION_KEYS = Set.of("spark.master", "spark.conf", "math.kernel", "math.precision");

  /** One key of the grid and its values, as given (an empty value is the empty list or string). */
  public record Axis(String key, List<String> values) {
    public Axis {
      values = List.copyOf(values);
    }
  }

  /**
   * One configuration of the grid.
   *
   * @param name     a folder name: {@code cell-00}, {@code cell-01} ... in grid order (with a figure's
   *                 prefix in a sweep of several figures)
   * @param settings the cell's value of each axis, by key in axis order
   */
  public record Cell(String name, Map<String, String> settings, TrainConfig config) {
    public Cell {
      settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** {@code model.hidden=4,4 data.playground.extraFeatures=none}, for logs. */
    public String label() {
      return settings.entrySet().stream().map(e -> e.getKey() + "=" + display(e.getValue()))
          .collect(Collectors.joining(" "));
    }
  }

  private final List<Axis> axes;
  private final List<Cell> cells;

  private SweepGrid(List<Axis> axes, List<Cell> cells) {
    this.axes = List.copyOf(axes);
    this.cells = List.copyOf(cells);
  }

  /**
   * The grid of {@code file} (null for none) with {@code overrides} ({@code key=value}) and
   * {@code grid} ({@code key=v1;v2;...}, one axis each).
   *
   * @throws ConfigException listing every problem: of the grid arguments, and of each cell's
   *     configuration (a problem shared by several cells is listed once, with the first cell's values)
   */
  public static SweepGrid load(Path file, List<String> overrides, List<String> grid) {
    return load(file, overrides, grid, "");
  }

  /**
   * As {@link #load(Path, List, List)}, the cells named {@code <prefix>cell-NN}: the figures of one
   * sweep ({@link SweepPlan}) give their cells distinct prefixes, so that every cell has its own folder.
   */
  static SweepGrid load(Path file, List<String> overrides, List<String> grid, String prefix) {
    List<String> problems = new ArrayList<>();
    List<Axis> axes = axes(grid, problems);
    if (!problems.isEmpty()) throw new ConfigException(problems);
    if (axes.isEmpty()) {
      throw new ConfigException(List.of("a sweep needs at least one --grid KEY=V1;V2;..., e.g. --grid model.hidden=4;8;16"));
    }
    TrainConfig base = TrainConfig.load(file, overrides); // the file's own problems, once, before any cell's
    List<Cell> cells = new ArrayList<>();
    Set<String> reported = new LinkedHashSet<>();
    int total = axes.stream().mapToInt(a -> a.values().size()).reduce(1, (a, b) -> a * b);
    String width = "%0" + Math.max(2, String.valueOf(total - 1).length()) + "d";
    for (int index = 0; index < total; index++) {
      Map<String, String> settings = settingsOf(axes, index);
      String name = prefix + "cell-" + String.format(Locale.ROOT, width, index);
      List<String> sets = new ArrayList<>(overrides);
      settings.forEach((k, v) -> sets.add(k + "=" + v));
      if (!base.checkpoint().dir().isEmpty()) {
        // Cells run at the same time, and runs at the same time must not share a checkpoint folder.
        sets.add("checkpoint.dir=" + base.checkpoint().dir().replaceAll("/+$", "") + "/" + name);
      }
      try {
        cells.add(new Cell(name, settings, TrainConfig.load(file, sets)));
      } catch (ConfigException e) {
        String where = new Cell(name, settings, base).label();
        for (String p : e.problems()) {
          if (reported.add(p)) problems.add("grid cell " + where + ": " + p);
        }
      }
    }
    if (!problems.isEmpty()) throw new ConfigException(problems);
    return new SweepGrid(axes, cells);
  }

  public List<Axis> axes() {
    return axes;
  }

  /** Every cell, the first axis slowest. */
  public List<Cell> cells() {
    return cells;
  }

  /** A value as pages and logs show it: the empty value as {@code none}. */
  public static String display(String value) {
    return value.trim().isEmpty() ? "none" : value.trim();
  }

  private static Map<String, String> settingsOf(List<Axis> axes, int index) {
    Map<String, String> settings = new LinkedHashMap<>();
    int[] pick = new int[axes.size()];
    int rest = index;
    for (int a = axes.size() - 1; a >= 0; a--) {
      int n = axes.get(a).values().size();
      pick[a] = rest % n;
      rest /= n;
    }
    for (int a = 0; a < axes.size(); a++) settings.put(axes.get(a).key(), axes.get(a).values().get(pick[a]));
    return settings;
  }

  private static List<Axis> axes(List<String> grid, List<String> problems) {
    List<Axis> axes = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String arg : grid) {
      int eq = arg == null ? -1 : arg.indexOf('=');
      if (eq <= 0) {
        problems.add("malformed --grid '" + arg + "': expected KEY=V1;V2;..., e.g. --grid model.hidden=4;8;4,4");
        continue;
      }
      String key;
      try {
        key = ConfigUtil.joinPath(ConfigUtil.splitPath(arg.substring(0, eq).trim()));
      } catch (com.typesafe.config.ConfigException e) {
        problems.add("malformed --grid '" + arg + "': '" + arg.substring(0, eq).trim() + "' is not a valid key");
        continue;
      }
      String where = "--grid " + arg;
      if (APPLICATION_KEYS.contains(key) || key.startsWith(ConfigValidator.OPEN_SECTION + ".")) {
        problems.add(where + ": " + key + " cannot vary within a sweep, which is one Spark application"
            + " (one master, one set of Spark settings, one GEMM kernel); set it once with --set or in the file");
        continue;
      }
      if (ConfigValidator.isSection(key)) {
        problems.add(where + ": '" + key + "' is a section, not a key; vary its keys, e.g. --grid "
            + ConfigValidator.firstLeafUnder(key) + "=...");
        continue;
      }
      if (ConfigKeys.reference().find(key).isEmpty()) {
        problems.add(ConfigValidator.unknownKey(key, where));
        continue;
      }
      if (key.equals("checkpoint.dir")) {
        problems.add(where + ": each cell already checkpoints into its own folder under checkpoint.dir; set it once");
        continue;
      }
      if (!seen.add(key)) {
        problems.add(where + ": " + key + " is already an axis of the grid; give all its values in one --grid");
        continue;
      }
      List<String> values = List.of(arg.substring(eq + 1).split(";", -1));
      Set<String> distinct = new LinkedHashSet<>();
      for (String v : values) {
        if (!distinct.add(v.trim())) problems.add(where + ": the value '" + display(v) + "' is given twice");
      }
      axes.add(new Axis(key, values.stream().map(String::trim).toList()));
    }
    return axes;
  }
}
