package org.sparkprop.bench.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The {@code pagecache} workload: training from row files larger than the page cache may hold.
 * The same on-disk job ({@code spark.storageLevel = disk}) runs in two JVMs of the same heap: one
 * whose page cache is not limited (every row stays cached after it is written: the rounds cost
 * their compute), and one in a cgroup v1 memory group whose limit leaves the page cache
 * {@code 1 / dataOverCache} of the row files (the group is charged for the JVM and for every page
 * of the files it touches, so rows beyond that are read from the disk again). Both train the same
 * rows per batch size from the same weights. In the same run the local disk's random-read rate is
 * measured with O_DIRECT reads of one page (what a row needs) and of the size the limited run read
 * per major fault (what the kernel read for a missed row), by as many threads as there are task
 * slots. {@link PageCacheModel} then predicts the limited run's rows/s from the cached run's round
 * costs, the page cache's share of the data and the disk's rate, and gives the batches the disk
 * bounds, above which compute does.
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

  /**
   * The model's inputs, its prediction per batch beside what the limited run measured, and the bound:
   * once with the read unit the limited run's faults showed (bytes read per major fault, pooled over
   * its batches), and once as if each missed row read one page (what a reader that asks the kernel
   * for no read-around would cost).
   */
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
    int rowBytes = 4 * s.features();
    long unit = cold == null ? PAGE : Math.max(PAGE, observedReadBytes(cold));
    double unitRate = rate(disk, unit);
    double pageRate = rate(disk, PAGE);
    List<Map<String, Object>> coldBatches = cold == null ? null : batches(cold);
    long cacheSum = 0;
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < b.length; i++) {
      Map<String, Object> h = hotBatches.get(i);
      Map<String, Object> c = coldBatches == null ? null : coldBatches.get(i);
      long cacheBytes = c != null && c.containsKey("groupCacheBytes") ? ((Number) c.get("groupCacheBytes")).longValue()
          : (long) (dataBytes / s.dataOverCache());
      cacheSum += cacheBytes;
      PageCacheModel observed = new PageCacheModel(line[0], line[1], dataBytes, cacheBytes, unit, rowBytes, unitRate);
      PageCacheModel pages = new PageCacheModel(line[0], line[1], dataBytes, cacheBytes, PAGE, rowBytes, pageRate);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("batch", h.get("batch"));
      r.put("cachedRowsPerSecond", h.get("rowsPerSecond"));
      r.put("cacheMiB", mib(cacheBytes));
      r.put("cacheShare", Bench.round((double) cacheBytes / dataBytes, 3));
      r.put("predictedReadMiBPerRound", mib((long) observed.readBytesPerRound(b[i])));
      r.put("predictedRowsPerSecond", Bench.round(observed.rowsPerSecond(b[i]), 0));
      r.put("predictedReadShareOfRound", Bench.round(observed.readSeconds(b[i]) / observed.roundSeconds(b[i]), 3));
      if (c != null) {
        double measured = ((Number) c.get("rowsPerSecond")).doubleValue();
        r.put("rowsPerSecond", measured);
        r.put("overCached", Bench.round(measured / ((Number) h.get("rowsPerSecond")).doubleValue(), 3));
        r.put("predictedOverMeasured", Bench.round(observed.rowsPerSecond(b[i]) / measured, 3));
        r.put("readMiBPerRound", mib(((Number) c.get("bytesReadPerRound")).longValue()));
        r.put("majorFaultsPerRound", c.get("majorFaultsPerRound"));
        r.put("bytesPerMajorFault", c.get("bytesPerMajorFault"));
        r.put("sameWeights", h.get("weightsSha256").equals(c.get("weightsSha256")));
      }
      r.put("pageReadsPredictedMiBPerRound", mib((long) pages.readBytesPerRound(b[i])));
      r.put("pageReadsPredictedRowsPerSecond", Bench.round(pages.rowsPerSecond(b[i]), 0));
      r.put("weightsSha256", h.get("weightsSha256"));
      rows.add(r);
    }
    long cache = cacheSum / b.length;
    long maxBatch = ((Number) hot.get("rows")).longValue();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fixedSecondsPerRound", Bench.round(line[0], 4));
    m.put("computeMicrosPerRow", Bench.round(line[1] * 1e6, 3));
    m.put("readUnitBytes", unit);
    m.put("readUnitSource", cold == null ? "assumed: one page (no limited run to observe)"
        : "bytes read per major fault in the limited run, all batches");
    m.put("readUnitMBPerSecond", Bench.round(unitRate / 1e6, 1));
    m.put("pageMBPerSecond", Bench.round(pageRate / 1e6, 1));
    m.put("cacheMiB", mib(cache));
    m.put("batches", rows);
    m.put("bound", bound(new PageCacheModel(line[0], line[1], dataBytes, cache, unit, rowBytes, unitRate), maxBatch));
    m.put("boundWithPageReads", bound(new PageCacheModel(line[0], line[1], dataBytes, cache, PAGE, rowBytes, pageRate), maxBatch));
    boolean allSame = cold != null && rows.stream().allMatch(r -> Boolean.TRUE.equals(r.get("sameWeights")));
    out.put("sameWeights", cold == null ? null : allSame);
    return m;
  }

  /** Which batches (up to every row) the disk bounds, in words and numbers. */
  private static Map<String, Object> bound(PageCacheModel model, long maxBatch) {
    double[] disk = model.diskBoundBatches(maxBatch);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("diskBoundFromBatch", disk == null ? null : Math.round(disk[0]));
    // Boxed on purpose: a conditional mixing 0 and null as long would unbox the null (a NullPointerException).
    Long computeAbove = disk == null ? Long.valueOf(0) : disk[1] >= maxBatch ? null : Long.valueOf(Math.round(disk[1]));
    m.put("computeBoundAboveBatch", computeAbove);
    m.put("readMicrosPerRowSmallBatch", Bench.round(model.readSeconds(1) * 1e6, 2));
    m.put("says", disk == null ? "a round's reads never take longer than the rest of it"
        : disk[1] >= maxBatch ? "the disk bounds every batch from " + Math.round(disk[0]) + " rows up to all " + maxBatch
        : "the disk bounds batches of " + Math.round(disk[0]) + " to " + Math.round(disk[1])
            + " rows; above that a round's compute costs more than its reads");
    return m;
  }

  /** The measured rate (bytes/s) of random reads of {@code bytes}. */
  private static double rate(List<Map<String, Object>> disk, long bytes) {
    for (Map<String, Object> d : disk) {
      if (((Number) d.get("readBytes")).longValue() == bytes) return ((Number) d.get("mbPerSecond")).doubleValue() * 1e6;
    }
    throw new IllegalStateException("no random-read measurement of " + bytes + " bytes");
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

  /**
   * The bytes the limited run read per major fault over all its batches, rounded to whole pages (at
   * most 64 MiB; 0 if it faulted on nothing): how much the kernel reads when a round misses a row.
   */
  private static int observedReadBytes(Map<String, Object> cold) {
    double bytes = 0;
    double faults = 0;
    for (Map<String, Object> b : batches(cold)) {
      double rounds = ((Number) b.get("rounds")).doubleValue();
      bytes += ((Number) b.get("bytesReadPerRound")).doubleValue() * rounds;
      faults += ((Number) b.get("majorFaultsPerRound")).doubleValue() * rounds;
    }
    if (faults == 0) return 0;
    return (int) Math.min(64L << 20, Math.round(bytes / faults / PAGE) * PAGE);
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
