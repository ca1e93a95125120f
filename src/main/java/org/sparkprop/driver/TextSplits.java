package org.sparkprop.driver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.RecordReader;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapred.TextInputFormat;
import org.sparkprop.data.DataException;
import org.sparkprop.data.ParsedRow;
import org.sparkprop.data.HeldPartitions;
import org.sparkprop.data.PartitionReader;

/**
 * Line-based files (CSV, LibSVM) split and read as Spark's {@code hadoopRDD} over Hadoop's
 * TextInputFormat reads them: the splits of {@code TextInputFormat.getSplits(job, minPartitions)}
 * (empty ones dropped only when {@code spark.hadoopRDD.ignoreEmptySplits} says so, as in Spark),
 * each read through the format's own record reader. One {@link PartitionReader} per split, opened
 * anew for every pass, with the lines counted per split so that a bad row is reported by its line,
 * and a header checked against the first file's; the same rows in the same splits as the Spark
 * pipeline's partitions.
 */
final class TextSplits implements HeldPartitions {
  /** A format's line parser. */
  interface LineParser extends Serializable {
    /** Whether a line holds no row (blank, or a comment where the format has them). */
    boolean isEmpty(String line);

    void parse(String line, ParsedRow row);
  }

  private final JobConf job;
  private final TextInputFormat format;
  private final List<FileSplit> splits;
  private final LineParser parser;
  private final String header;
  private final String firstFile;

  /**
   * @param header the first file's header line, which every file must start with; null when the
   *     files have no header
   */
  TextSplits(Configuration hadoop, List<FileStatus> files, int minPartitions, boolean ignoreEmptySplits,
             LineParser parser, String header, String firstFile) throws IOException {
    this.job = new JobConf(hadoop);
    FileInputFormat.setInputPaths(job, files.stream().map(FileStatus::getPath).toArray(Path[]::new));
    this.format = new TextInputFormat();
    format.configure(job);
    this.splits = new ArrayList<>();
    for (InputSplit s : format.getSplits(job, Math.max(1, minPartitions))) {
      if (ignoreEmptySplits && s.getLength() == 0) continue;
      splits.add((FileSplit) s);
    }
    this.parser = parser;
    this.header = header;
    this.firstFile = firstFile;
  }

  @Override
  public int count() {
    return splits.size();
  }

  /** A reader of split {@code i}'s rows, opened now. */
  @Override
  public PartitionReader open(int i) throws IOException {
    FileSplit split = splits.get(i);
    return new Cursor(split, format.getRecordReader(split, job, Reporter.NULL), parser, header, firstFile);
  }

  /** The first non-blank line of the files (a header, or a line to count columns in); null when all are empty. */
  static String firstLine(Configuration conf, List<FileStatus> files, String key) {
    for (FileStatus f : files) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(open(conf, f.getPath()), StandardCharsets.UTF_8))) {
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

  private static InputStream open(Configuration conf, Path path) throws IOException {
    InputStream raw = path.getFileSystem(conf).open(path);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    if (codec == null) return raw;
    try {
      return codec.createInputStream(raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** Without a Windows line end, and without the byte-order mark some tools put before the first line. */
  static String stripCr(String line) {
    String s = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /** The rows of one split, as the Spark pipeline's cursor over the same split reads them. */
  private static final class Cursor implements PartitionReader {
    private final RecordReader<LongWritable, Text> lines;
    private final LongWritable offset;
    private final Text text;
    private final LineParser parser;
    private final String header;
    private final String firstFile;
    private final String file;
    private final long splitStart;
    private final ParsedRow row = new ParsedRow();
    private long lineCount;

    Cursor(FileSplit split, RecordReader<LongWritable, Text> lines, LineParser parser, String header, String firstFile) {
      this.lines = lines;
      this.offset = lines.createKey();
      this.text = lines.createValue();
      this.parser = parser;
      this.header = header;
      this.firstFile = firstFile;
      this.file = split.getPath().toString();
      this.splitStart = split.getStart();
    }

    @Override
    public boolean next() throws IOException {
      while (lines.next(offset, text)) {
        String line = stripCr(text.toString());
        long position = lineCount++;
        if (header != null && offset.get() == 0) {
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
    public void close() throws IOException {
      lines.close();
    }
  }
}
