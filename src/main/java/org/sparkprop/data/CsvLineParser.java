package org.sparkprop.data;

import java.io.Serializable;
import java.util.List;

/**
 * Parses CSV lines into {@link ParsedRow}s: one label column, an optional id column, every other
 * column a feature, in column order. The expected column count comes from the header (or the
 * first line when there is none), so a short or long row is caught rather than shifted.
 */
public final class CsvLineParser implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String delimiter;
  private final int columns;
  private final int labelColumn;   // -1 when the input has no label column (prediction input)
  private final int idColumn;      // -1 when there is none
  private final int weightColumn;  // -1 when there is none
  private final List<String> names; // (columns) header names, or null without a header
  private final LabelMode labels;
  private transient CsvFields fields;

  /**
   * @param names the header's column names, or null when the files have no header
   * @param labelColumn the label's column index, or -1 when there is none (only with LabelMode.NONE)
   */
  public CsvLineParser(String delimiter, int columns, int labelColumn, int idColumn, List<String> names, LabelMode labels) {
    this(delimiter, columns, labelColumn, idColumn, -1, names, labels);
  }

  /** @param weightColumn the sample weight's column index, or -1 when there is none */
  public CsvLineParser(String delimiter, int columns, int labelColumn, int idColumn, int weightColumn, List<String> names,
                       LabelMode labels) {
    if (labelColumn < 0 && labels != LabelMode.NONE) throw new IllegalArgumentException("a label column is needed");
    this.delimiter = delimiter;
    this.columns = columns;
    this.labelColumn = labelColumn;
    this.idColumn = idColumn;
    this.weightColumn = weightColumn;
    this.names = names == null ? null : List.copyOf(names);
    this.labels = labels;
  }

  /** Number of feature columns: every column but the label, the id and the weight. */
  public int features() {
    return columns - (labelColumn >= 0 ? 1 : 0) - (idColumn >= 0 ? 1 : 0) - (weightColumn >= 0 ? 1 : 0);
  }

  /** The feature columns' names in order, or null without a header. */
  public List<String> featureNames() {
    if (names == null) return null;
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    for (int c = 0; c < columns; c++) {
      if (c != labelColumn && c != idColumn && c != weightColumn) out.add(names.get(c));
    }
    return out;
  }

  /** The fields of one line (a header), unquoted; null when the line is not valid CSV. */
  public static List<String> fieldsOf(String line, String delimiter) {
    CsvFields f = new CsvFields(delimiter);
    if (!f.split(line)) return null;
    java.util.ArrayList<String> out = new java.util.ArrayList<>(f.count());
    for (int i = 0; i < f.count(); i++) out.add(f.text(i));
    return out;
  }

  /** Column count of a header or data line, for checking that every file has the same columns. */
  public int columnsOf(String line) {
    if (fields == null) fields = new CsvFields(delimiter);
    return fields.split(line) ? fields.count() : -1;
  }

  /** Parses {@code line} into {@code row} (already {@link ParsedRow#reset reset}); problems are recorded in it. */
  public void parse(String line, ParsedRow row) {
    if (fields == null) fields = new CsvFields(delimiter);
    if (!fields.split(line)) {
      row.fail(RowProblem.MALFORMED, fields.error());
      return;
    }
    if (fields.count() != columns) {
      row.fail(RowProblem.COLUMN_COUNT, "found " + fields.count() + " columns, expected " + columns
          + (names != null ? " (as in the header)" : " (as in the first line)")
          + " with delimiter " + ParsedRow.quote(delimiter));
      return;
    }
    float[] x = row.featuresFor(columns);
    int f = 0;
    for (int c = 0; c < columns; c++) {
      if (c == labelColumn) {
        readLabel(row, c);
      } else if (c == idColumn) {
        row.setId(fields.text(c));
      } else if (c == weightColumn) {
        row.setWeight(ParsedRow.parseWeight(line, fields.start(c), fields.end(c), "the weight " + column(c), row));
      } else {
        int from = fields.start(c);
        int to = fields.end(c);
        switch (NumberText.check(line, from, to)) {
          case NUMBER: {
            float v = NumberText.parse(line, from, to);
            if (!Float.isFinite(v)) {
              row.fail(RowProblem.NOT_FINITE, column(c) + " holds " + ParsedRow.quote(fields.text(c))
                  + ", beyond the float32 range; expected a finite number");
            }
            x[f] = v;
            break;
          }
          case EMPTY:
            row.fail(RowProblem.MISSING_VALUE, column(c) + " is empty; expected a number");
            break;
          case NOT_FINITE_WORD:
            row.fail(RowProblem.NOT_FINITE, column(c) + " holds " + ParsedRow.quote(fields.text(c))
                + "; expected a finite number");
            break;
          default:
            row.fail(RowProblem.NON_NUMERIC, column(c) + " holds " + ParsedRow.quote(fields.text(c))
                + "; expected a number");
        }
        f++;
      }
    }
    row.setWidth(f);
  }

  private void readLabel(ParsedRow row, int c) {
    switch (labels) {
      case CLASSES: {
        String name = LabelMapping.canonical(fields.text(c));
        if (name == null) row.fail(RowProblem.MISSING_VALUE, "the label " + column(c) + " is empty");
        row.setLabel(name);
        break;
      }
      case VALUES:
        row.setTarget(LabelValues.parse(fields.text(c), "the label " + column(c), row));
        break;
      default:
        break;
    }
  }

  private String column(int c) {
    return names != null ? "column " + (c + 1) + " (" + ParsedRow.quote(names.get(c)) + ")" : "column " + (c + 1);
  }
}
