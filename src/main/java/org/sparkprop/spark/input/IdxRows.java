package org.sparkprop.spark.input;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SerializableWritable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.data.DataException;
import org.sparkprop.data.IdxHeader;
import org.sparkprop.data.LabelMapping;
import org.sparkprop.data.LabelMode;
import org.sparkprop.data.ParsedRow;
import org.sparkprop.data.PartitionReader;

/**
 * An IDX images file and its labels file (gzipped or not) as Spark reads them. The driver reads
 * only the two headers and checks them against each other and against the file lengths; partition
 * q then reads records [n q / P, n (q + 1) / P) of both files itself, seeking past the records
 * before its range (decompressing them, for a gzipped file, since gzip cannot seek).
 */
final class IdxRows {
  /**
   * DEFLATE (gzip) expands at most 1032-fold, so a gzipped file's length bounds what it can hold,
   * before a record is allocated on its header's word.
   */
  static final long MAX_DEFLATE_EXPANSION = 1032;

  private IdxRows() {
  }

  /** The two headers, checked; {@code labels} is null for prediction input without labels. */
  record Headers(IdxHeader images, IdxHeader labels) implements java.io.Serializable {
  }

  static Headers headers(Configuration conf, String imagesKey, FileStatus images, String labelsKey, FileStatus labels) {
    IdxHeader img = header(conf, imagesKey, images);
    if (img.dimensions() < 2) {
      throw new DataException(imagesKey + ": " + images.getPath() + " holds " + img.describe()
          + "; an images file needs at least 2 dimensions (records x values)");
    }
    if (labels == null) return new Headers(img, null);
    IdxHeader lab = header(conf, labelsKey, labels);
    if (lab.dimensions() != 1) {
      throw new DataException(labelsKey + ": " + labels.getPath() + " holds " + lab.describe()
          + "; a labels file has 1 dimension (one value per record). Are data.train and data.trainLabels swapped?");
    }
    if (lab.records() != img.records()) {
      throw new DataException(String.format(Locale.ROOT, "%s holds %,d labels but %s holds %,d images: the files do not"
          + " belong together", labels.getPath(), lab.records(), images.getPath(), img.records()));
    }
    return new Headers(img, lab);
  }

  private static IdxHeader header(Configuration conf, String key, FileStatus file) {
    IdxHeader h;
    try (InputStream in = HadoopStreams.open(conf, file.getPath())) {
      h = IdxHeader.read(in, file.getPath().toString());
    } catch (IOException e) {
      throw new DataException(key + ": cannot read " + file.getPath() + ": " + e, e);
    }
    if (HadoopStreams.deflated(conf, file.getPath())
        && h.expectedLength() > h.headerBytes() + MAX_DEFLATE_EXPANSION * file.getLen()) {
      throw new DataException(String.format(Locale.ROOT, "%s declares %s (%,d bytes) but, compressed to %,d bytes, it"
          + " can hold at most %,d: the header is damaged", file.getPath(), h.describe(), h.expectedLength(),
          file.getLen(), h.headerBytes() + MAX_DEFLATE_EXPANSION * file.getLen()));
    }
    if (!HadoopStreams.compressed(conf, file.getPath()) && h.expectedLength() != file.getLen()) {
      throw new DataException(String.format(Locale.ROOT, "%s declares %s (%,d bytes with the header) but is %,d bytes"
          + " long: the file is %s", file.getPath(), h.describe(), h.expectedLength(), file.getLen(),
          file.getLen() < h.expectedLength() ? "truncated" : "longer than its header says (damaged, or not IDX)"));
    }
    return h;
  }

  static JavaRDD<PartitionReader> cursors(JavaSparkContext sc, Path images, Path labels, Headers headers, LabelMode mode,
                                    int partitions) {
    long n = headers.images().records();
    int p = (int) Math.max(1, Math.min(partitions, n));
    List<Integer> ids = new ArrayList<>(p);
    for (int i = 0; i < p; i++) ids.add(i);
    // Broadcast, not captured: a captured Configuration travels in the task binary of every job on
    // the cached blocks (each training round included) and is re-parsed from Hadoop's XML
    // resources by every task, 20-30 ms each (JFR); a broadcast one is read once per executor, as
    // Spark's own HadoopRDD does.
    Broadcast<SerializableWritable<Configuration>> conf = sc.broadcast(new SerializableWritable<>(sc.hadoopConfiguration()));
    String imagesUri = images.toString();
    String labelsUri = labels == null ? null : labels.toString();
    return sc.parallelize(ids, p).map(q -> reader(conf.value().value(), imagesUri, labelsUri, headers, mode, n * q / p,
        n * (q + 1) / p));
  }

  /** Records [first, end) of the two files, as one partition reads them. */
  static PartitionReader reader(Configuration conf, String imagesUri, String labelsUri, Headers headers, LabelMode mode,
                                long first, long end) throws IOException {
    return new Cursor(conf, imagesUri, labelsUri, headers, mode, first, end);
  }

  private static final class Cursor implements PartitionReader {
    private final String imagesFile;
    private final String labelsFile;
    private final Headers headers;
    private final LabelMode mode;
    private final long end;
    private final DataInputStream images;
    private final DataInputStream labels; // null without labels
    private final byte[] imageScratch;
    private final byte[] labelScratch;
    private final float[] labelValue = new float[1];
    private final ParsedRow row = new ParsedRow();
    private final boolean integral;
    private long next;

    Cursor(Configuration conf, String imagesFile, String labelsFile, Headers headers, LabelMode mode, long first,
           long end) throws IOException {
      this.imagesFile = imagesFile;
      this.labelsFile = labelsFile;
      this.headers = headers;
      this.mode = mode;
      this.end = end;
      this.next = first;
      this.integral = headers.images().type().integral();
      // No record, no buffer: a file of 0 records may declare any record shape without holding one.
      boolean reads = first < end;
      this.imageScratch = new byte[reads ? (int) headers.images().recordBytes() : 0];
      this.images = openAt(conf, imagesFile, headers.images(), first);
      if (labelsFile != null && mode != LabelMode.NONE) {
        this.labels = openAt(conf, labelsFile, headers.labels(), first);
        this.labelScratch = new byte[reads ? (int) headers.labels().recordBytes() : 0];
      } else {
        this.labels = null;
        this.labelScratch = null;
      }
    }

    private static DataInputStream openAt(Configuration conf, String file, IdxHeader expected, long record)
        throws IOException {
      DataInputStream in = new DataInputStream(new BufferedInputStream(HadoopStreams.open(conf, new Path(file)), 1 << 16));
      try {
        IdxHeader h = IdxHeader.read(in, file);
        if (h.records() != expected.records() || h.recordBytes() != expected.recordBytes()) {
          throw new DataException(file + " changed while it was being read: its header now declares " + h.describe());
        }
        in.skipNBytes(record * h.recordBytes());
      } catch (EOFException e) {
        in.close();
        throw truncated(file, record, expected);
      } catch (IOException e) {
        in.close();
        throw undecodable(file, record, e);
      } catch (RuntimeException e) {
        in.close();
        throw e;
      }
      return in;
    }

    private static DataException truncated(String file, long record, IdxHeader h) {
      return new DataException(String.format(Locale.ROOT, "%s ends before record %,d (0-based) of the %,d its header"
          + " declares: the file is truncated", file, record, h.records()));
    }

    /** Any other read error of a file that opened: its compressed stream is damaged. */
    private static DataException undecodable(String file, long record, IOException e) {
      return new DataException(String.format(Locale.ROOT, "%s cannot be read at record %,d (0-based): %s. The file is"
          + " damaged", file, record, e), e);
    }

    @Override
    public boolean next() throws IOException {
      if (next >= end) return false;
      row.reset(imagesFile, ParsedRow.Unit.ROW_OF_FILE, 0, next);
      int values = headers.images().valuesPerRecord();
      try {
        headers.images().readRecord(images, row.featuresFor(values), imageScratch);
      } catch (EOFException e) {
        throw truncated(imagesFile, next, headers.images());
      } catch (IOException e) {
        throw undecodable(imagesFile, next, e);
      }
      row.setWidth(values);
      if (labels != null) {
        try {
          headers.labels().readRecord(labels, labelValue, labelScratch);
        } catch (EOFException e) {
          throw truncated(labelsFile, next, headers.labels());
        } catch (IOException e) {
          throw undecodable(labelsFile, next, e);
        }
        if (mode == LabelMode.CLASSES) row.setLabel(LabelMapping.canonical(labelValue[0]));
        else row.setTarget(labelValue[0]);
      }
      // Integer values (the images of MNIST-like sets are unsigned bytes) are finite: only float and
      // double records are checked, value by value (a fifth of the read's Java time for bytes, JFR).
      for (int j = 0; j < values && !integral; j++) {
        if (!Float.isFinite(row.features()[j])) {
          row.fail(org.sparkprop.data.RowProblem.NOT_FINITE, "value " + j + " of the record is " + row.features()[j]
              + "; expected a finite number");
          break;
        }
      }
      next++;
      return true;
    }

    @Override
    public ParsedRow row() {
      return row;
    }

    @Override
    public void close() throws IOException {
      try {
        images.close();
      } finally {
        if (labels != null) labels.close();
      }
    }
  }
}
