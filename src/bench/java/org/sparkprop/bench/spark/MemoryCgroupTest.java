package org.sparkprop.bench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the pagecache workload can limit a JVM's memory, and, where the machine allows it, that the JVM runs under the limit. */
class MemoryCgroupTest {
  @TempDir
  Path dir;

  @Test
  void aDirectoryWithoutTheControllersFilesIsNoMemoryHierarchy() {
    MemoryCgroup.Availability a = MemoryCgroup.check(dir, dir.resolve("no-such-cgroup-file"));
    assertFalse(a.available());
    assertTrue(a.why().contains("memory.limit_in_bytes"), a.why());
  }

  @Test
  void anOrdinaryFileSystemThatLooksLikeOneIsRefusedByItsProbeGroup() throws IOException {
    // The limit file is there, but a directory made here gets no control files: only the kernel's cgroup file system adds them.
    Files.writeString(dir.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
    MemoryCgroup.Availability a = MemoryCgroup.check(dir, dir.resolve("no-such-cgroup-file"));
    assertFalse(a.available());
    assertTrue(a.why().contains("not a cgroup file system"), a.why());
    try (var left = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("memory.limit_in_bytes")), left.toList(), "the probe directory is removed");
    }
  }

  @Test
  void theMemoryLineOfProcCgroupNamesTheGroup() throws IOException {
    Path f = dir.resolve("cgroup");
    Files.writeString(f, "5:devices:/\n4:memory:/jobs/42\n0::/\n", StandardCharsets.UTF_8);
    assertEquals(Optional.of("jobs/42"), MemoryCgroup.ownGroup(f));
    Files.writeString(f, "4:cpu,memory:/\n", StandardCharsets.UTF_8);
    assertEquals(Optional.empty(), MemoryCgroup.ownGroup(f), "the root group");
    Files.writeString(f, "0::/user.slice\n", StandardCharsets.UTF_8);
    assertEquals(Optional.empty(), MemoryCgroup.ownGroup(f), "cgroup v2 only: no memory line");
  }

  /** Runs only where the v1 memory controller is usable (as root): a wrapped command is in the group, under its limit. */
  @Test
  void aWrappedCommandRunsInTheGroupUnderItsLimit() throws Exception {
    MemoryCgroup.Availability a = MemoryCgroup.check(MemoryCgroup.V1_MOUNT, Path.of("/proc/self/cgroup"));
    assumeTrue(a.available(), a.why());
    long limit = 64L << 20;
    try (MemoryCgroup g = MemoryCgroup.create(a.parent(), "sparkprop-test-" + ProcessHandle.current().pid(), limit)) {
      assertEquals(limit, g.limitBytes());
      Path big = dir.resolve("big");
      // 128 MiB written through the page cache: the group may keep no more than its limit of it.
      Process p = new ProcessBuilder(g.wrap(List.of("/bin/sh", "-c",
          "grep memory /proc/self/cgroup; dd if=/dev/zero of=" + big + " bs=1M count=128 status=none")))
          .redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), output);
      assertTrue(output.contains(g.dir().getFileName().toString()), output);
      assertEquals(128L << 20, Files.size(big));
      assertTrue(g.read("memory.max_usage_in_bytes") <= limit, "usage stays under the limit");
      assertTrue(g.stat().get("cache") <= limit);
    }
  }
}
