/**
 * Checkpoints and the saved-model format, on any Hadoop file system (file://, hdfs://, s3a://).
 *
 * <p>Two rules hold throughout. Writes are atomic: the bytes go to a temporary name and become
 * visible under their real name only by a rename once complete, so a crash or a full disk never
 * leaves a half-written file where a reader will pick it up. And every file read is untrusted
 * input: a file may have been damaged, truncated by a crash, or written by another program, so
 * every declared size is checked against the real file length before anything is allocated,
 * and every failure is an {@link java.io.IOException} whose message names the file and the fault.
 *
 * <ul>
 *   <li>{@link org.sparkprop.io.TensorFile}: the binary container (named float32 arrays, int64
 *       scalars and UTF-8 strings, little-endian, CRC32C-checked) that both formats build on.
 *   <li>{@link org.sparkprop.io.CheckpointStore} keeps the last N {@link org.sparkprop.io.Checkpoint}s
 *       of a training run and finds the newest good one to resume from.
 *   <li>{@link org.sparkprop.io.ModelStore} saves and loads a trained model as a directory with
 *       a human-readable {@code metadata.json} beside {@code weights.bin}.
 * </ul>
 *
 * <p>Nothing here closes a {@link org.apache.hadoop.fs.FileSystem}: instances are cached and
 * shared by the whole JVM (Spark included), so closing one would break other users.
 */
package org.sparkprop.io;
