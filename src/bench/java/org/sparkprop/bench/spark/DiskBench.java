package org.sparkprop.bench.spark;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code disk} workload: the same job on data larger than the executor's heap (2.5 times it
 * unless the rows are given), once in a JVM
 * whose heap holds the rows in memory ({@code spark.storageLevel = memory}) and once in a JVM whose
 * heap does not ({@code auto}, which puts them on the local disk); each in a JVM of its own, in
 * the same run. The targets: the small heap reaches at least 0.7 times the rows/s of the large one,
 * with the same weights.
 */
public final class DiskBench {
  private DiskBench() {
  }

  /**
   * @param smallHeapMiB the heap of the on-disk run
   * @param bigHeapMiB   the heap of the in-memory run: its storage memory must hold the data
   * @param rows         rows of {@code features} features and one label ({@link #rowsFor} for 2.5 times the small heap)
   */
  public static Map<String, Object> run(String master, int smallHeapMiB, int bigHeapMiB, long rows, int features,
                                        int rounds, int batch, int hidden) throws IOException, InterruptedException {
    List<String> common = List.of(Long.toString(rows), Integer.toString(features));
    Map<String, Object> memory = ChildJvm.run("disk-memory", DiskRun.class, bigHeapMiB + "m", Map.of(),
        args(master, common, "memory", rounds, batch, hidden));
    Map<String, Object> disk = ChildJvm.run("disk-auto", DiskRun.class, smallHeapMiB + "m", Map.of(),
        args(master, common, "auto", rounds, batch, hidden));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workload", "disk");
    out.put("dataOverSmallHeap", Bench.round(rows * 4.0 * (features + 1) / (smallHeapMiB * 1048576.0), 2));
    out.put("inMemory", memory);
    out.put("auto", disk);
    double ratio = ((Number) disk.get("rowsPerSecond")).doubleValue() / ((Number) memory.get("rowsPerSecond")).doubleValue();
    out.put("rowsPerSecondRatio", Bench.round(ratio, 3));
    boolean same = memory.get("weightsSha256").equals(disk.get("weightsSha256"));
    out.put("sameWeights", same);
    out.put("target", "auto on local disk >= 0.7x the in-memory rows/s, same weightsSha256");
    out.put("targetMet", ratio >= 0.7 && same && "local disk".equals(disk.get("rowsFrom")));
    return out;
  }

  /** The rows of {@code features} float32 features and a label that take 2.5 times {@code heapMiB}. */
  public static long rowsFor(int heapMiB, int features) {
    return (long) (2.5 * heapMiB * 1048576.0 / (4L * (features + 1)));
  }

  private static List<String> args(String master, List<String> common, String level, int rounds, int batch, int hidden) {
    return List.of(master, common.get(0), common.get(1), level, Integer.toString(rounds), Integer.toString(batch),
        Integer.toString(hidden));
  }
}
