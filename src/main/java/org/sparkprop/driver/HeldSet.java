package org.sparkprop.driver;

import java.util.ArrayList;
import java.util.List;
import org.sparkprop.data.PackedBlock;

/**
 * A data set packed in the driver's heap as the Spark pipeline would have cached it: one block per
 * partition, partition p holding a contiguous range of global row indices, in partition order.
 *
 * @param blocks one per partition
 */
public record HeldSet(List<PackedBlock> blocks, long rows, int features, int targetWidth, int classes,
                      String description) {
  public HeldSet {
    blocks = List.copyOf(blocks);
  }

  public int partitions() {
    return blocks.size();
  }

  /** Bytes one row takes: (features + targets) x 4. */
  public long rowBytes() {
    return 4L * (features + targetWidth);
  }

  /** The float32 payload of the packed rows: rows x (features + targets) x 4 bytes. */
  public long packedBytes() {
    return rows * rowBytes();
  }

  /** The blocks by partition, as the driver-side rounds and evaluations take them. */
  public List<List<PackedBlock>> byPartition() {
    List<List<PackedBlock>> out = new ArrayList<>(blocks.size());
    for (PackedBlock b : blocks) out.add(List.of(b));
    return out;
  }
}
