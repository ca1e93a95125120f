package org.sparkprop.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one {@code sweep} trains: one or more figures, each a titled {@link SweepGrid}, as a course
 * sets several figures side by side on one page. All the figures' cells train in one Spark
 * application, so cells of different figures that read the same data share its load.
 *
 * <p>A sweep of one figure names its cells {@code cell-00}, {@code cell-01} ...; with several
 * figures, figure k's cells are {@code figk-cell-00} ..., so that each keeps its own folder.
 */
public final class SweepPlan {
  /** One figure: its title (null when the sweep has only one, untitled) and its grid. */
  public record Figure(String title, SweepGrid grid) {
  }

  /** A figure as given on the command line: {@code --figure TITLE} and its {@code --grid}s. */
  public record FigureArgs(String title, List<String> grid) {
    public FigureArgs {
      grid = grid == null ? List.of() : List.copyOf(grid);
    }
  }

  private final List<Figure> figures;

  private SweepPlan(List<Figure> figures) {
    this.figures = List.copyOf(figures);
  }

  /** A sweep of one untitled figure. */
  public static SweepPlan of(SweepGrid grid) {
    return new SweepPlan(List.of(new Figure(null, grid)));
  }

  /**
   * The figures of {@code file} (null for none) with {@code overrides} for every cell.
   *
   * @throws ConfigException listing every figure's problems, each prefixed with its figure where
   *     there are several, and titles given twice
   */
  public static SweepPlan load(Path file, List<String> overrides, List<FigureArgs> args) {
    if (args.isEmpty()) {
      throw new ConfigException(List.of("a sweep needs at least one --grid KEY=V1;V2;..., e.g. --grid model.hidden=4;8;16"));
    }
    List<String> problems = new ArrayList<>();
    List<Figure> figures = new ArrayList<>();
    Set<String> titles = new LinkedHashSet<>();
    boolean several = args.size() > 1;
    for (int k = 0; k < args.size(); k++) {
      FigureArgs f = args.get(k);
      String title = f.title() == null || f.title().isBlank() ? (several ? "figure " + (k + 1) : null) : f.title().trim();
      if (title != null && !titles.add(title)) {
        problems.add("--figure '" + title + "' is given twice: give each figure its own title");
        continue;
      }
      try {
        figures.add(new Figure(title, SweepGrid.load(file, overrides, f.grid(), several ? "fig" + (k + 1) + "-" : "")));
      } catch (ConfigException e) {
        for (String p : e.problems()) problems.add(several ? "figure '" + title + "': " + p : p);
      }
    }
    if (!problems.isEmpty()) throw new ConfigException(problems);
    return new SweepPlan(figures);
  }

  public List<Figure> figures() {
    return figures;
  }

  /** Every cell of every figure, in figure order, each figure's first axis slowest. */
  public List<SweepGrid.Cell> cells() {
    List<SweepGrid.Cell> all = new ArrayList<>();
    for (Figure f : figures) all.addAll(f.grid().cells());
    return all;
  }
}
