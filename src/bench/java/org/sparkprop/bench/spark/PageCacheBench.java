package org.sparkprop.bench.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;

/**
 * The {@code pagecache} workload: training from row files larger than the page cache may hold.
 * The same on-disk job ({@code spark.storageLevel = disk}) runs in two JVMs of the same heap: one
 * whose page cache is not limited (every row stays cached after it is written: the rounds cost
 * their compute), and one in a cgroup v1 memory group whose limit leaves the page cache
 * {@code 1 / dataOverCache} of the row files (the group is charged for the JVM and for every page
 * of the files it touches, so rows beyond that are read from the disk again). Both train the same
 * rows per batch size from the same weights. In the same run the local disk's random-read rate is
 * measured with O_DIRECT reads of one page, the unit a row's page fault reads (and of the size the
 * limited run's faults did read, if that differs), by as many threads as there are task slots.
 * {@link PageCacheModel} then predicts the limited run's rows/s from the cached run's round costs,
 * the page cache's share of the data and the disk's rate, and gives the batch size above which
 * the disk, rather than compute, bounds a round.
 *
 * <p>Without a usable memory controller the workload says why, runs the unlimited JVM and the
 * disk measurement only, and gives the model's prediction for a page cache of
 * {@code 1 / dataOverCache} of the data.
 */
public final class PageCacheBench {
  private static final int PAGE = 4096;

  private PageCacheBench() {
  }

  /** The shape of the run: sizes, batches and how long to measure. */
  public record Settings(int heapMiB, long rows, int features, int hidden, List<Integer> batches, long rowsPerBatch,
                         int minRounds, double dataOverCache, Integer limitMiB, double readSeconds) {
  }

  public static Map<String, Object> run(String master, Settings s) throws IOException, InterruptedException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workload", "pagecache");
    MemoryCgroup.Availability cgroups = MemoryCgroup.check(MemoryCgroup.V1_MOUNT, Path.of("/proc/self/cgroup"));
    out.put("cgroup", cgroups.why());
    List<String> args = new ArrayList<>(List.of(master, Long.toString(s.rows()), Integer.toString(s.features()),
        Integer.toString(s.hidden()), join(s.batches()), Long.toString(s.rowsPerBatch()), Integer.toString(s.minRounds())));
    String tag = "sparkprop-pagecache-" + ProcessHandle.current().pid();

    GroupRun cached = cgroups.available()
        ? inGroup("pagecache-cached", cgroups.parent(), tag + "-cached", -1, s, args)
        : new GroupRun(ChildJvm.run("pagecache-cached", PageCacheRun.class, s.heapMiB() + "m", Map.of(), args,
            PageCacheBench::preTouched), null);
    Map<String, Object> hot = cached.child();
    long dataBytes = ((Number) hot.get("packedBytes")).longValue();
    out.put("dataMiB", mib(dataBytes));
    out.put("cached", cached.summary());

    GroupRun limited = null;
    if (cgroups.available()) {
      // The JVM's own memory as the unlimited run used it (its heap touched from the start, so that this
      // does not wander with the collector) and the page cache's share on top; what the cache is left
      // in fact is measured, and is what the model uses.
      long anon = cached.peakAnonBytes();
      long limit = s.limitMiB() != null ? (long) s.limitMiB() << 20 : (long) (anon + dataBytes / s.dataOverCache());
      limited = inGroup("pagecache-limited", cgroups.parent(), tag + "-limited", limit, s, args);
      out.put("limited", limited.summary());
    }

    // The disk under the row files (Spark's local directory is made in this directory).
    Path dir = Path.of((String) hot.get("localDir")).getParent();
    int slots = ((Number) hot.get("taskSlots")).intValue();
    List<Map<String, Object>> disk = new ArrayList<>();
    RandomReads reads = RandomReads.prepare(dir, dataBytes);
    try {
      disk.add(reads.measure(PAGE, slots, s.readSeconds()));
      int observed = limited == null ? 0 : observedReadBytes(limited.child());
      if (observed > PAGE) disk.add(reads.measure(observed, slots, s.readSeconds()));
    } finally {
      reads.delete();
    }
    out.put("diskDir", dir.toString());
    out.put("diskRandomReads", disk);
    out.put("model", model(s, hot, limited == null ? null : limited.child(), dataBytes, disk, out));
    return out;
  }

  /** The model's inputs, its prediction per batch beside the measured rows/s, and the bound. */
  private static Map<String, Object> model(Settings s, Map<String, Object> hot, Map<String, Object> cold, long dataBytes,
                                           List<Map<String, Object>> disk, Map<String, Object> out) {
    List<Map<String, Object>> hotBatches = batches(hot);
    double[] b = new double[hotBatches.size()];
    double[] t = new double[hotBatches.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = ((Number) hotBatches.get(i).get("batch")).doubleValue();
      t[i] = ((Number) hotBatches.get(i).get("roundSeconds")).doubleValue();
    }
    double[] line = PageCacheModel.fitLine(b, t);
    double pageReadsPerSecond = ((Number) disk.get(0).get("readsPerSecond")).doubleValue();
    double pagesPerRow = PageCacheModel.pagesPerRow(4 * s.features(), PAGE);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fixedSecondsPerRound", Bench.round(line[0], 4));
    m.put("computeMicrosPerRow", Bench.round(line[1] * 1e6, 3));
    m.put("pagesPerRow", Bench.round(pagesPerRow, 3));
    m.put("pageReadsPerSecond", pageReadsPerSecond);
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Map<String, Object>> coldBatches = cold == null ? null : batches(cold);
    double missSum = 0;
    for (int i = 0; i < b.length; i++) {
      Map<String, Object> h = hotBatches.get(i);
      Map<String, Object> c = coldBatches == null ? null : coldBatches.get(i);
      long cacheBytes = c != null && c.containsKey("groupCacheBytes") ? ((Number) c.get("groupCacheBytes")).longValue()
          : (long) (dataBytes / s.dataOverCache());
      double miss = PageCacheModel.missShare(cacheBytes, dataBytes);
      missSum += miss;
      PageCacheModel model = new PageCacheModel(line[0], line[1],
          PageCacheModel.readSecondsPerRow(pagesPerRow, miss, pageReadsPerSecond));
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("batch", h.get("batch"));
      r.put("cachedRowsPerSecond", h.get("rowsPerSecond"));
      r.put("cacheMiB", mib(cacheBytes));
      r.put("cacheShare", Bench.round((double) cacheBytes / dataBytes, 3));
      r.put("predictedReadMiBPerRound", mib((long) (b[i] * pagesPerRow * miss * PAGE)));
      r.put("predictedRowsPerSecond", Bench.round(model.rowsPerSecond(b[i]), 0));
      r.put("predictedReadShareOfRound", Bench.round(model.readSeconds(b[i]) / model.roundSeconds(b[i]), 3));
      if (c != null) {
        double measured = ((Number) c.get("rowsPerSecond")).doubleValue();
        r.put("rowsPerSecond", measured);
        r.put("overCached", Bench.round(measured / ((Number) h.get("rowsPerSecond")).doubleValue(), 3));
        r.put("predictedOverMeasured", Bench.round(model.rowsPerSecond(b[i]) / measured, 3));
        r.put("readMiBPerRound", mib(((Number) c.get("bytesReadPerRound")).longValue()));
        r.put("majorFaultsPerRound", c.get("majorFaultsPerRound"));
        r.put("bytesPerMajorFault", c.get("bytesPerMajorFault"));
        r.put("sameWeights", h.get("weightsSha256").equals(c.get("weightsSha256")));
      }
      r.put("weightsSha256", h.get("weightsSha256"));
      rows.add(r);
    }
    m.put("batches", rows);
    double miss = missSum / b.length;
    PageCacheModel typical = new PageCacheModel(line[0], line[1],
        PageCacheModel.readSecondsPerRow(pagesPerRow, miss, pageReadsPerSecond));
    m.put("readMicrosPerRow", Bench.round(typical.readSecondsPerRow() * 1e6, 3));
    OptionalDouble above = typical.diskBoundAboveBatch();
    m.put("diskBoundAboveBatch", above.isPresent() ? (Object) Math.round(above.getAsDouble()) : null);
    m.put("computeBoundBatches", above.isPresent() ? "none: a row's reads cost more than its compute, so every batch above "
        + Math.round(above.getAsDouble()) + " is bound by the disk, and smaller ones by the round's fixed cost"
        : "all: a row's reads cost less than its compute");
    m.put("cacheShareForComputeBound",
        Bench.round(PageCacheModel.cacheShareForComputeBound(line[1], pagesPerRow, pageReadsPerSecond), 4));
    boolean allSame = cold != null && rows.stream().allMatch(r -> Boolean.TRUE.equals(r.get("sameWeights")));
    out.put("sameWeights", cold == null ? null : allSame);
    return m;
  }

  /** One JVM of the workload run in a memory group of its own, with the group's peaks sampled while it runs. */
  private static GroupRun inGroup(String label, Path parent, String name, long limitBytes, Settings s, List<String> args)
      throws IOException, InterruptedException {
    try (MemoryCgroup group = MemoryCgroup.create(parent, name, limitBytes)) {
      Sampler sampler = new Sampler(group);
      sampler.start();
      Map<String, Object> child;
      try {
        UnaryOperator<List<String>> launcher = cmd -> group.wrap(preTouched(cmd));
        child = ChildJvm.run(label, PageCacheRun.class, s.heapMiB() + "m", Map.of(), args, launcher);
      } finally {
        sampler.stop();
      }
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("limitMiB", limitBytes < 0 ? null : group.limitBytes() >> 20);
      g.put("peakAnonMiB", sampler.maxAnon >> 20);
      g.put("peakCacheMiB", sampler.maxCache >> 20);
      g.put("maxUsageMiB", group.read("memory.max_usage_in_bytes") >> 20);
      g.put("limitHits", group.read("memory.failcnt"));
      g.put("oomKills", group.oomKills());
      return new GroupRun(child, g);
    }
  }

  /** A child's result and, when it ran in a memory group, the group's figures. */
  private record GroupRun(Map<String, Object> child, Map<String, Object> group) {
    long peakAnonBytes() {
      return group == null ? 0 : ((Number) group.get("peakAnonMiB")).longValue() << 20;
    }

    Map<String, Object> summary() {
      Map<String, Object> m = new LinkedHashMap<>(child);
      m.remove("localDir");
      if (group != null) {
        m.put("group", group);
        Object limit = group.get("limitMiB");
        if (limit != null) {
          long l = ((Number) limit).longValue();
          m.put("peakRssUnderGroupLimit", ((Number) child.get("peakRssMiB")).longValue() <= l);
        }
      }
      m.put("peakHeapUnderMax", ((Number) child.get("peakHeapMiB")).longValue() <= ((Number) child.get("maxHeapMiB")).longValue());
      return m;
    }
  }

  /** Polls the group's memory.stat: the peaks of its anonymous memory (the JVM) and of its page cache. */
  private static final class Sampler {
    private final MemoryCgroup group;
    private volatile boolean running = true;
    private volatile long maxAnon;
    private volatile long maxCache;
    private Thread thread;

    Sampler(MemoryCgroup group) {
      this.group = group;
    }

    void start() {
      thread = new Thread(() -> {
        while (running) {
          try {
            Map<String, Long> st = group.stat();
            maxAnon = Math.max(maxAnon, st.getOrDefault("rss", 0L));
            maxCache = Math.max(maxCache, st.getOrDefault("cache", 0L));
            Thread.sleep(200);
          } catch (IOException e) {
            return;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }, "memory-group-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }
  }

  /**
   * The child's command with its whole heap touched at start-up: its resident memory is then the
   * heap from the first second, in both JVMs alike, and what the limit leaves for the page cache does
   * not shrink as the collector spreads over the heap.
   */
  private static List<String> preTouched(List<String> cmd) {
    List<String> out = new ArrayList<>(cmd);
    out.add(1, "-XX:+AlwaysPreTouch");
    return out;
  }

  /** The bytes a major fault read in the limited run's largest batch, rounded up to whole pages (0 if none). */
  private static int observedReadBytes(Map<String, Object> cold) {
    List<Map<String, Object>> bs = batches(cold);
    long bytes = ((Number) bs.get(bs.size() - 1).get("bytesPerMajorFault")).longValue();
    return (int) Math.min(1 << 20, (bytes + PAGE - 1) / PAGE * PAGE);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> batches(Map<String, Object> child) {
    return (List<Map<String, Object>>) child.get("batches");
  }

  private static double mib(long bytes) {
    return Bench.round(bytes / 1048576.0, 1);
  }

  private static String join(List<Integer> xs) {
    StringBuilder sb = new StringBuilder();
    for (int x : xs) sb.append(sb.length() == 0 ? "" : ",").append(x);
    return sb.toString();
  }
}
