package org.sparkprop.bench.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A group of the Linux cgroup v1 memory controller that a child JVM runs in, so that its memory,
 * the page cache of the files it reads and writes included (v1 charges page cache to the group
 * that first touched the page), is held under a limit: what the {@code pagecache} workload needs
 * to train on data larger than the page cache it may keep.
 */
final class MemoryCgroup implements AutoCloseable {
  /** Where the v1 memory controller is usually mounted. */
  static final Path V1_MOUNT = Path.of("/sys/fs/cgroup/memory");
  private static final String LIMIT = "memory.limit_in_bytes";

  private final Path dir;

  private MemoryCgroup(Path dir) {
    this.dir = dir;
  }

  /**
   * Whether groups can be made here, and under which group (the one this JVM is in, so that the
   * new group's charges also count in the limits above it), or why not.
   */
  record Availability(boolean available, Path parent, String why) {
    static Availability no(String why) {
      return new Availability(false, null, why);
    }
  }

  /**
   * Decides whether memory groups can be made under {@code mount} (a cgroup v1 memory hierarchy's
   * root): it must have {@value #LIMIT}, the group this process is in ({@code procSelfCgroup}'s
   * memory line) must be writable, and a directory made there must come with its own
   * {@value #LIMIT}, which only the kernel's cgroup file system does. The probe group is removed.
   */
  static Availability check(Path mount, Path procSelfCgroup) {
    if (!Files.isRegularFile(mount.resolve(LIMIT))) {
      Path above = mount.getParent();
      String v2 = above != null && Files.isRegularFile(above.resolve("cgroup.controllers"))
          ? " (the machine has the unified cgroup v2 hierarchy, which this workload does not drive)" : "";
      return Availability.no(mount + " is not a cgroup v1 memory hierarchy: it has no " + LIMIT + v2);
    }
    Path parent = mount;
    Optional<String> own = ownGroup(procSelfCgroup);
    if (own.isPresent() && Files.isDirectory(mount.resolve(own.get()))) parent = mount.resolve(own.get());
    if (!Files.isWritable(parent)) {
      return Availability.no("cannot make a memory group under " + parent + ": not writable by this user (root is needed)");
    }
    Path probe = parent.resolve("sparkprop-probe-" + ProcessHandle.current().pid());
    try {
      Files.createDirectory(probe);
    } catch (IOException e) {
      return Availability.no("cannot make a memory group under " + parent + ": " + e);
    }
    try {
      if (!Files.isRegularFile(probe.resolve(LIMIT))) {
        return Availability.no("a directory made under " + parent + " has no " + LIMIT + ": not a cgroup file system");
      }
      return new Availability(true, parent, "cgroup v1 memory controller, groups made under " + parent);
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException e) {
        // the probe group is empty; a left-over directory holds no process and no memory
      }
    }
  }

  /** The memory group path ({@code 4:memory:/a/b} gives {@code a/b}) of a {@code /proc/PID/cgroup} file, if it names one. */
  static Optional<String> ownGroup(Path procSelfCgroup) {
    try {
      for (String line : Files.readAllLines(procSelfCgroup, StandardCharsets.UTF_8)) {
        String[] f = line.split(":", 3);
        if (f.length == 3 && List.of(f[1].split(",")).contains("memory")) {
          String p = f[2].startsWith("/") ? f[2].substring(1) : f[2];
          return p.isEmpty() ? Optional.empty() : Optional.of(p);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** The group of this process under {@link #V1_MOUNT}, if it is in one there (for a child to read its own charges). */
  static Optional<Path> ofThisProcess() {
    Optional<String> own = ownGroup(Path.of("/proc/self/cgroup"));
    return own.map(V1_MOUNT::resolve).filter(Files::isDirectory);
  }

  /** Makes group {@code name} under {@code parent} with {@code limitBytes} (no limit when negative). */
  static MemoryCgroup create(Path parent, String name, long limitBytes) throws IOException {
    Path dir = parent.resolve(name);
    Files.createDirectory(dir);
    MemoryCgroup g = new MemoryCgroup(dir);
    if (limitBytes >= 0) {
      Files.writeString(dir.resolve(LIMIT), Long.toString(limitBytes));
      long set = g.limitBytes();
      // The kernel rounds down to whole pages: anything further off was not taken.
      if (Math.abs(set - limitBytes) >= 1L << 16) {
        throw new IOException(dir.resolve(LIMIT) + " reads " + set + " after writing " + limitBytes);
      }
    }
    return g;
  }

  Path dir() {
    return dir;
  }

  long limitBytes() throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(LIMIT)).trim());
  }

  /** {@code cmd} started by a shell that first moves itself into this group, so that the JVM is charged from its first page. */
  List<String> wrap(List<String> cmd) {
    List<String> out = new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
        dir.resolve("cgroup.procs").toString()));
    out.addAll(cmd);
    return out;
  }

  /** The group's memory.stat (bytes and counts by name), e.g. rss (anonymous memory), cache, mapped_file. */
  Map<String, Long> stat() throws IOException {
    return stat(dir);
  }

  static Map<String, Long> stat(Path group) throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(group.resolve("memory.stat"), StandardCharsets.UTF_8)) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2) out.put(f[0], Long.parseLong(f[1]));
    }
    return out;
  }

  /** A counter file of the group (memory.max_usage_in_bytes, memory.failcnt). */
  long read(String file) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(file)).trim());
  }

  /** The kernel's OOM kills in this group (memory.oom_control's oom_kill; 0 where the kernel does not say). */
  long oomKills() throws IOException {
    for (String line : Files.readAllLines(dir.resolve("memory.oom_control"), StandardCharsets.UTF_8)) {
      if (line.startsWith("oom_kill ")) return Long.parseLong(line.substring(9).trim());
    }
    return 0;
  }

  /** Removes the group (its processes have exited; the kernel moves what is still charged to the parent). */
  @Override
  public void close() throws IOException {
    Files.deleteIfExists(dir);
  }
}
