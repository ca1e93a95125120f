package org.sparkprop.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one training run, in one directory, each a single tensor file named
 * {@code ckpt-<round, zero-padded to 12 digits>}.
 *
 * <p>A single file rather than a directory because a file is the unit every Hadoop file system
 * publishes atomically: rename of a file is atomic on HDFS and local disks, and on S3A (where
 * rename is copy-then-delete) the copied object still appears whole or not at all, whereas a
 * directory on S3A would appear file by file. One file also means one checksum over everything.
 *
 * <p>A save writes {@code _tmp-ckpt-...-<random>}, makes it durable, closes it, and only then
 * renames it into place, so a crash at any point leaves every published checkpoint intact; the
 * temporary leftover is ignored by readers and removed by the next successful save.
 *
 * <p>Assumes one writer per directory (the driver of one run), which is what makes it safe for
 * a save to delete other writes' leftovers. Readers may run concurrently with it.
 */
public final class CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

  static final String PREFIX = "ckpt-";
  static final String TMP_PREFIX = "_tmp-";
  private static final Pattern NAME = Pattern.compile("ckpt-(\\d{12,19})");

  private final FileSystem fs;
  private final Path dir;
  private final int keep;
  private final WriteFault fault;

  /**
   * @param dirUri the directory, e.g. {@code hdfs:///runs/42/checkpoints}; created on first save
   * @param keep how many of the newest checkpoints to keep, at least 1
   */
  public CheckpointStore(String dirUri, Configuration conf, int keep) throws IOException {
    this(dirUri, conf, keep, null);
  }

  /** With a fault injected into every file written, to test interrupted saves. */
  CheckpointStore(String dirUri, Configuration conf, int keep, WriteFault fault) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, got " + keep);
    }
    Path path = new Path(dirUri);
    this.fs = path.getFileSystem(conf);
    this.dir = fs.makeQualified(path);
    this.keep = keep;
    this.fault = fault;
  }

  /** The file name a checkpoint of {@code round} is published under. */
  public static String nameFor(long round) {
    return String.format("%s%012d", PREFIX, round);
  }

  public String directory() {
    return dir.toString();
  }

  /**
   * Publishes {@code c} atomically, then deletes the oldest checkpoints beyond {@code keep}.
   * A good checkpoint already published for the same round is never replaced (that fails with
   * {@link FileAlreadyExistsException}); a damaged one is, but only once the new file is
   * complete. Checkpoints of later rounds than {@code c} are left alone: they are either
   * damaged ones that {@link #latest()} skipped, or belong to a run this one does not own.
   */
  public void save(Checkpoint c) throws IOException {
    fs.mkdirs(dir);
    String name = nameFor(c.round());
    Path target = new Path(dir, name);
    Path tmp = new Path(dir, TMP_PREFIX + name + "-" + FsFiles.randomSuffix());
    try {
      FsFiles.writeNew(fs, tmp, out -> CheckpointCodec.encode(c).writeTo(out), fault);
      clearTarget(target);
      FsFiles.rename(fs, tmp, target);
    } catch (IOException | RuntimeException e) {
      FsFiles.deleteQuietly(fs, tmp, false, LOG);
      throw e;
    }
    // DEBUG: a periodic checkpoint is routine; the console keeps its epoch lines and progress bar.
    LOG.debug("Saved checkpoint {} ({} weights)", target, c.parameterCount());
    rotate(c.round());
    removeLeftovers();
  }

  /**
   * The newest checkpoint that loads and verifies, or empty if there is none (or no directory).
   * Damaged and unreadable-version checkpoints and temporary leftovers are skipped with a WARN.
   * Any other I/O error is thrown rather than skipped: a network fault on the newest checkpoint
   * must not silently send a run back to an older one.
   */
  public Optional<Checkpoint> latest() throws IOException {
    List<FileStatus> entries = listDirectory();
    for (FileStatus s : entries) {
      if (s.getPath().getName().startsWith(TMP_PREFIX)) {
        LOG.warn("Ignoring {}: left by a checkpoint save that did not finish", s.getPath());
      }
    }
    for (Published p : published(entries)) {
      try {
        return Optional.of(load(p.status.getPath()));
      } catch (CorruptFileException | FileNotFoundException e) {
        LOG.warn("Skipping checkpoint {}: {}", p.status.getPath(), e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** Names of the published checkpoints, newest first, whether or not they load. */
  public List<String> list() throws IOException {
    List<String> names = new ArrayList<>();
    for (Published p : published(listDirectory())) {
      names.add(p.status.getPath().getName());
    }
    return names;
  }

  /** Loads one published checkpoint by name (as given by {@link #list()}). */
  public Checkpoint load(String name) throws IOException {
    if (parseRound(name) < 0) {
      throw new IllegalArgumentException("not a checkpoint name: " + name);
    }
    return load(new Path(dir, name));
  }

  private Checkpoint load(Path path) throws IOException {
    Checkpoint c = CheckpointCodec.decode(TensorFile.read(fs, path));
    long named = parseRound(path.getName());
    if (c.round() != named) {
      throw new CorruptFileException(path + " holds round " + c.round() + " but its name says round "
          + named + ": it was renamed or copied by hand");
    }
    return c;
  }

  private void clearTarget(Path target) throws IOException {
    if (!fs.exists(target)) {
      return;
    }
    if (fs.getFileStatus(target).isDirectory()) {
      throw new FileAlreadyExistsException(target + " is a directory, not a checkpoint;"
          + " move it away to save this round");
    }
    try {
      load(target);
    } catch (CorruptFileException e) {
      LOG.warn("Replacing damaged checkpoint {}: {}", target, e.getMessage());
      if (!fs.delete(target, false)) {
        throw new IOException("could not delete damaged checkpoint " + target);
      }
      return;
    }
    throw new FileAlreadyExistsException("a good checkpoint for this round already exists at "
        + target + "; refusing to replace it");
  }

  private void rotate(long savedRound) throws IOException {
    int older = 0;
    for (Published p : published(listDirectory())) {
      if (p.round > savedRound) {
        LOG.warn("Keeping {}: it is from a later round than the checkpoint just saved ({})",
            p.status.getPath(), savedRound);
      } else if (p.round < savedRound && ++older >= keep) {
        LOG.debug("Deleting old checkpoint {} (keeping {})", p.status.getPath(), keep);
        FsFiles.deleteQuietly(fs, p.status.getPath(), false, LOG);
      }
    }
  }

  private void removeLeftovers() throws IOException {
    for (FileStatus s : listDirectory()) {
      if (s.getPath().getName().startsWith(TMP_PREFIX)) {
        LOG.info("Deleting {}, left by an earlier save that did not finish", s.getPath());
        FsFiles.deleteQuietly(fs, s.getPath(), true, LOG);
      }
    }
  }

  private List<FileStatus> listDirectory() throws IOException {
    try {
      FileStatus status = fs.getFileStatus(dir);
      if (!status.isDirectory()) {
        throw new IOException("checkpoint directory " + dir + " is a file");
      }
      return List.of(fs.listStatus(dir));
    } catch (FileNotFoundException e) {
      return List.of();
    }
  }

  private static List<Published> published(List<FileStatus> entries) {
    List<Published> out = new ArrayList<>();
    for (FileStatus s : entries) {
      long round = parseRound(s.getPath().getName());
      if (round >= 0 && s.isFile()) {
        out.add(new Published(round, s));
      }
    }
    out.sort(Comparator.comparingLong(Published::round).reversed());
    return out;
  }

  /** The round a published name stands for, or -1; parsed, not compared as text, past 12 digits. */
  static long parseRound(String name) {
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      return -1;
    }
    try {
      long round = Long.parseLong(m.group(1));
      // Only the canonical spelling counts, so that one round cannot appear under two names.
      return name.equals(nameFor(round)) ? round : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private record Published(long round, FileStatus status) {}
}
