package org.sparkprop.spark.input;

import java.io.IOException;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.data.DataException;
import org.sparkprop.data.ParsedRow;
import org.sparkprop.data.PartitionReader;
import scala.Tuple2;

/**
 * Line-based inputs (CSV, LibSVM) as Spark reads them: Hadoop's TextInputFormat over the listed
 * files (split where the file is splittable, whole where it is compressed, e.g. .gz), one
 * {@link PartitionReader} per input split. Each cursor counts its split's lines so that a bad row can be
 * reported by its line in the file.
 */
final class TextRows {
  /** A format's line parser. */
  interface LineParser extends Serializable {
    /** Whether a line holds no row (blank, or a comment where the format has them). */
    boolean isEmpty(String line);

    void parse(String line, ParsedRow row);
  }

  private TextRows() {
  }

  /**
   * @param header the first file's header line, which every file must start with; null when the
   *     files have no header
   */
  static JavaRDD<PartitionReader> cursors(JavaSparkContext sc, List<FileStatus> files, int minPartitions, LineParser parser,
                                    String header, String firstFile) {
    JobConf job = new JobConf(sc.hadoopConfiguration());
    Path[] paths = files.stream().map(FileStatus::getPath).toArray(Path[]::new);
    FileInputFormat.setInputPaths(job, paths);
    @SuppressWarnings("unchecked")
    JavaHadoopRDD<LongWritable, Text> lines = (JavaHadoopRDD<LongWritable, Text>)
        sc.hadoopRDD(job, TextInputFormat.class, LongWritable.class, Text.class, Math.max(1, minPartitions));
    return lines.mapPartitionsWithInputSplit((split, it) ->
        Collections.<PartitionReader>singletonList(new Cursor((FileSplit) split, it, parser, header, firstFile)).iterator(), false);
  }

  /** The first line of a file, read on the driver (metadata: a header, or a line to count columns in). */
  static String firstLine(org.apache.hadoop.conf.Configuration conf, List<FileStatus> files, String key) {
    for (FileStatus f : files) {
      try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
          HadoopStreams.open(conf, f.getPath()), java.nio.charset.StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (!line.isBlank()) return stripCr(line);
        }
      } catch (IOException e) {
        throw new DataException(key + ": cannot read " + f.getPath() + ": " + e, e);
      }
    }
    return null;
  }

  /** Without a Windows line end, and without the byte-order mark some tools put before the first line. */
  static String stripCr(String line) {
    String s = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  private static final class Cursor implements PartitionReader {
    private final Iterator<Tuple2<LongWritable, Text>> lines;
    private final LineParser parser;
    private final String header;
    private final String firstFile;
    private final String file;
    private final long splitStart;
    private final ParsedRow row = new ParsedRow();
    private long lineCount;

    Cursor(FileSplit split, Iterator<Tuple2<LongWritable, Text>> lines, LineParser parser, String header, String firstFile) {
      this.lines = lines;
      this.parser = parser;
      this.header = header;
      this.firstFile = firstFile;
      this.file = split.getPath().toString();
      this.splitStart = split.getStart();
    }

    @Override
    public boolean next() {
      while (lines.hasNext()) {
        Tuple2<LongWritable, Text> t = lines.next();
        String line = stripCr(t._2.toString());
        long position = lineCount++;
        if (header != null && t._1.get() == 0) {
          if (!line.equals(header)) {
            throw new DataException(file + ", line 1: the header " + ParsedRow.quote(line) + " differs from the header "
                + ParsedRow.quote(header) + " of " + firstFile + "; all files of one input must have the same columns");
          }
          continue;
        }
        if (parser.isEmpty(line)) continue;
        row.reset(file, ParsedRow.Unit.LINE_OF_SPLIT, splitStart, position);
        parser.parse(line, row);
        return true;
      }
      return false;
    }

    @Override
    public ParsedRow row() {
      return row;
    }

    @Override
    public LineSegment segment() {
      return new LineSegment(file, splitStart, lineCount);
    }

    @Override
    public void close() {
    }
  }
}
