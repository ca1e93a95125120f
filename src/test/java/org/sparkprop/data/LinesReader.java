package org.sparkprop.data;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * A {@link PartitionReader} over lines in memory, parsed by a format's line parser, as the Spark
 * readers feed a split's lines: row positions are 0-based lines of the split. Knows whether it
 * was closed, so that tests can check that the pipeline closes what it opens.
 */
final class LinesReader implements PartitionReader {
  private final String file;
  private final long splitStart;
  private final List<String> lines;
  private final BiConsumer<String, ParsedRow> parser;
  private final boolean segments;
  private final ParsedRow row = new ParsedRow();
  private int next;
  boolean closed;

  private LinesReader(String file, long splitStart, List<String> lines, BiConsumer<String, ParsedRow> parser, boolean segments) {
    this.file = file;
    this.splitStart = splitStart;
    this.lines = lines;
    this.parser = parser;
    this.segments = segments;
  }

  /** A split of a line-based file, which reports its line segment. */
  static LinesReader split(String file, long splitStart, List<String> lines, BiConsumer<String, ParsedRow> parser) {
    return new LinesReader(file, splitStart, lines, parser, true);
  }

  /** An input without lines (no segment). */
  static LinesReader rows(String file, List<String> lines, BiConsumer<String, ParsedRow> parser) {
    return new LinesReader(file, 0, lines, parser, false);
  }

  static BiConsumer<String, ParsedRow> csv(CsvLineParser p) {
    return p::parse;
  }

  @Override
  public boolean next() {
    if (closed) throw new IllegalStateException("read after close");
    if (next == lines.size()) return false;
    row.reset(file, segments ? ParsedRow.Unit.LINE_OF_SPLIT : ParsedRow.Unit.ROW_OF_FILE, splitStart, next);
    parser.accept(lines.get(next), row);
    next++;
    return true;
  }

  @Override
  public ParsedRow row() {
    return row;
  }

  @Override
  public LineSegment segment() {
    return segments ? new LineSegment(file, splitStart, next) : null;
  }

  @Override
  public void close() {
    closed = true;
  }
}
