package org.sparkprop.data;

import java.util.List;
import org.sparkprop.math.CounterRandom;

/**
 * A seeded random subset of packed rows, for pictures and driver-side metrics of data sets too
 * large to hold on the driver. Each row is kept or not by a draw keyed by its global index, so
 * the subset does not depend on how the rows are split into blocks. (An even stride would not
 * do: the Playground sets alternate classes by index, and every second row is one class.)
 */
public final class BlockSample {
  private static final long STREAM = 0x5A3D_1E47L;

  private BlockSample() {
  }

  /** The rows of {@code block} kept with probability {@code fraction} (all of them at 1). */
  public static PackedBlock of(PackedBlock block, double fraction, long seed) {
    int features = block.features;
    int tw = block.targetWidth;
    int kept = 0;
    for (int r = 0; r < block.rows; r++) {
      if (keep(block.firstIndex + r, fraction, seed)) kept++;
    }
    float[] x = new float[kept * features]; // (kept, features)
    float[] y = new float[kept * tw];       // (kept, targetWidth)
    float[] w = block.w == null ? null : new float[kept]; // (kept) sample weights
    int k = 0;
    for (int r = 0; r < block.rows; r++) {
      if (!keep(block.firstIndex + r, fraction, seed)) continue;
      System.arraycopy(block.x, r * features, x, k * features, features);
      System.arraycopy(block.y, r * tw, y, k * tw, tw);
      if (w != null) w[k] = block.w[r];
      k++;
    }
    return new PackedBlock(0, kept, features, tw, x, y, w);
  }

  /** The blocks one after another, as one block whose rows are numbered from 0. */
  public static PackedBlock concat(List<PackedBlock> blocks, int features, int targetWidth) {
    int rows = 0;
    for (PackedBlock b : blocks) rows = Math.addExact(rows, b.rows);
    float[] x = new float[rows * features]; // (rows, features)
    float[] y = new float[rows * targetWidth];
    float[] w = blocks.isEmpty() || blocks.get(0).w == null ? null : new float[rows]; // (rows) sample weights
    int at = 0;
    for (PackedBlock b : blocks) {
      System.arraycopy(b.x, 0, x, at * features, b.rows * features);
      System.arraycopy(b.y, 0, y, at * targetWidth, b.rows * targetWidth);
      if (w != null) System.arraycopy(b.w, 0, w, at, b.rows);
      at += b.rows;
    }
    return new PackedBlock(0, rows, features, targetWidth, x, y, w);
  }

  private static boolean keep(long index, double fraction, long seed) {
    return fraction >= 1 || CounterRandom.uniform(seed, index, STREAM) < fraction;
  }
}
