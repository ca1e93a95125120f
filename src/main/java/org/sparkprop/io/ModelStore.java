package org.sparkprop.io;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and loads a model as a directory: {@code metadata.json} (pretty-printed JSON, so that a
 * person or another tool can read what the model is) and {@code weights.bin} (a tensor file
 * with one float32 entry, {@code weights}).
 *
 * <p>The whole directory is built under a hidden sibling name, {@code .NAME._tmp-<random>}, and
 * renamed into place once both files are complete, so {@code DIR} is never seen half-written.
 * Replacing an existing model (overwrite) moves the old one aside only after the new one is
 * complete; between that move and the rename, a moment, {@code DIR} does not exist, because no
 * Hadoop file system offers an atomic swap of two directories. On S3A a directory rename is
 * copy-then-delete, so there the publish is not atomic; save to HDFS or local disk and copy
 * if that matters. Hidden sibling names start with '.', which Hadoop and Spark listings skip.
 */
public final class ModelStore {
  private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);

  public static final int FORMAT_VERSION = 1;
  static final String METADATA = "metadata.json";
  static final String WEIGHTS_FILE = "weights.bin";
  static final String WEIGHTS_ENTRY = "weights";

  /** Far above any real metadata; it only stops a hostile file from exhausting memory. */
  static final long MAX_METADATA_BYTES = 64L << 20;

  /**
   * Writes {@code model} to {@code dirUri}. An existing directory there is refused unless
   * {@code overwrite}, and even then only if it holds a saved model (or nothing), so that a
   * mistyped path cannot wipe an unrelated directory.
   */
  public static void save(String dirUri, Configuration conf, ModelRecord model, boolean overwrite)
      throws IOException {
    save(dirUri, conf, model, overwrite, null);
  }

  static void save(String dirUri, Configuration conf, ModelRecord model, boolean overwrite,
      WriteFault fault) throws IOException {
    Path given = new Path(dirUri);
    FileSystem fs = given.getFileSystem(conf);
    Path dir = fs.makeQualified(given);
    Path parent = dir.getParent();
    if (parent == null) {
      throw new IllegalArgumentException("cannot save a model as the root directory " + dir);
    }
    byte[] metadata = ModelMetadata.render(model).getBytes(StandardCharsets.UTF_8);
    checkReplaceable(fs, dir, overwrite);

    Path tmp = new Path(parent, "." + dir.getName() + "._tmp-" + FsFiles.randomSuffix());
    try {
      if (!fs.mkdirs(tmp)) {
        throw new IOException("could not create " + tmp);
      }
      TensorFile weights = TensorFile.builder()
          .putFloatsShared(WEIGHTS_ENTRY, model.weightsShared()).build();
      FsFiles.writeNew(fs, new Path(tmp, WEIGHTS_FILE), weights::writeTo, fault);
      FsFiles.writeNew(fs, new Path(tmp, METADATA), out -> out.write(metadata), fault);
      publish(fs, tmp, dir, overwrite);
    } catch (IOException | RuntimeException e) {
      FsFiles.deleteQuietly(fs, tmp, true, LOG);
      throw e;
    }
    LOG.info("Saved model to {} ({} parameters)", dir, model.parameterCount());
  }

  /** Loads and verifies a model; the weights must match the declared parameter count. */
  public static ModelRecord load(String dirUri, Configuration conf) throws IOException {
    Path given = new Path(dirUri);
    FileSystem fs = given.getFileSystem(conf);
    Path dir = fs.makeQualified(given);
    if (!fs.exists(dir)) {
      throw new FileNotFoundException("no saved model at " + dir + ": the directory does not exist");
    }
    Path metadataPath = new Path(dir, METADATA);
    if (!fs.exists(metadataPath)) {
      throw new FileNotFoundException(dir + " is not a saved model: it has no " + METADATA);
    }
    String text = readText(fs, metadataPath);
    ModelMetadata.Parsed parsed = ModelMetadata.parse(text, metadataPath.toString());

    TensorFile weightsFile = TensorFile.read(fs, new Path(dir, WEIGHTS_FILE));
    float[] weights = weightsFile.floatsShared(WEIGHTS_ENTRY);
    if (weights.length != parsed.parameterCount()) {
      throw new CorruptFileException("parameter count mismatch in " + dir + ": " + METADATA
          + " declares " + parsed.parameterCount() + " parameters but " + WEIGHTS_FILE
          + " holds " + weights.length + " weights");
    }
    return new ModelRecord(parsed.json().get(ModelMetadata.FORMAT_VERSION).intValue(), text, weights);
  }

  private static void checkReplaceable(FileSystem fs, Path dir, boolean overwrite)
      throws IOException {
    FileStatus status;
    try {
      status = fs.getFileStatus(dir);
    } catch (FileNotFoundException e) {
      return;
    }
    if (!overwrite) {
      throw new FileAlreadyExistsException(dir + " already exists; pass overwrite to replace it");
    }
    if (!status.isDirectory()) {
      throw new FileAlreadyExistsException(dir + " is a file, not a saved model;"
          + " refusing to replace it even with overwrite");
    }
    boolean empty = fs.listStatus(dir).length == 0;
    if (!empty && !fs.exists(new Path(dir, METADATA)) && !fs.exists(new Path(dir, WEIGHTS_FILE))) {
      throw new FileAlreadyExistsException(dir + " exists and is not a saved model (no " + METADATA
          + " or " + WEIGHTS_FILE + "); refusing to replace it even with overwrite");
    }
  }

  private static void publish(FileSystem fs, Path tmp, Path dir, boolean overwrite)
      throws IOException {
    if (!fs.exists(dir)) {
      FsFiles.rename(fs, tmp, dir);
      return;
    }
    if (!overwrite) {
      // Appeared while we were writing: someone else saved here.
      throw new FileAlreadyExistsException(dir + " already exists; pass overwrite to replace it");
    }
    Path old = new Path(dir.getParent(), "." + dir.getName() + "._old-" + FsFiles.randomSuffix());
    FsFiles.rename(fs, dir, old);
    try {
      FsFiles.rename(fs, tmp, dir);
    } catch (IOException e) {
      try {
        FsFiles.rename(fs, old, dir);
      } catch (IOException restore) {
        e.addSuppressed(restore);
        LOG.error("The previous model is at {}; move it back to {} by hand", old, dir);
      }
      throw e;
    }
    FsFiles.deleteQuietly(fs, old, true, LOG);
  }

  private static String readText(FileSystem fs, Path path) throws IOException {
    long length = fs.getFileStatus(path).getLen();
    if (length > MAX_METADATA_BYTES) {
      throw new CorruptFileException(path + " is " + length + " bytes, above the "
          + MAX_METADATA_BYTES + "-byte limit for model metadata");
    }
    byte[] bytes = new byte[(int) length];
    try (FSDataInputStream in = fs.open(path)) {
      in.readFully(0, bytes);
    } catch (ChecksumException e) {
      throw new CorruptFileException(TensorFileReader.checksumMismatch(path.toString())
          + " (the file system's checksum file disagrees: " + e.getMessage() + ")", e);
    } catch (EOFException e) {
      throw new CorruptFileException(path + " is truncated: it became shorter while being read", e);
    }
    try {
      return Utf8.decode(bytes, 0, bytes.length);
    } catch (CharacterCodingException e) {
      throw new CorruptFileException(path + " is not valid UTF-8 text", e);
    }
  }

  private ModelStore() {}
}
