package org.sparkprop.bench.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.sparkprop.cli.Main;

/**
 * The {@code train} command as a user runs it ({@code local.sh train --set ... --output ...}), in a
 * JVM of its own: the command's own main class on the application's class path (the line's
 * {@code classes} directory and {@code classpath.txt}, as {@code local.sh} runs it, when they are
 * there; else this JVM's class path), with the module options of this JVM. Timed by the wall clock
 * from the process's start to its exit, so the JVM's start-up and shutdown are in; the figures the
 * run wrote are read back from its {@code summary.json}, and its output directory is deleted.
 */
final class TrainCommandChild {
  private TrainCommandChild() {
  }

  static Map<String, Object> run(String tag, String heap, List<String> sets, Path output) throws IOException,
      InterruptedException {
    List<String> args = new ArrayList<>(List.of("train", "--output", output.toString()));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    List<String> cmd = ChildJvm.command(Main.class, heap, args);
    int cp = cmd.indexOf("-cp");
    String classPath = applicationClassPath(cmd.get(cp + 1));
    List<String> archive = classArchive(classPath);
    if (!archive.isEmpty()) {
      classPath = archive.get(0) + classPath.substring(classPath.indexOf(java.io.File.pathSeparatorChar));
      cmd.addAll(cp, archive.subList(1, archive.size()));
      cp += archive.size() - 1;
    }
    cmd.set(cp + 1, classPath);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    long start = System.nanoTime();
    Process p = pb.start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) System.err.println(tag + ": " + line);
    }
    int exit = p.waitFor();
    double processSeconds = (System.nanoTime() - start) / 1e9;
    Path summaryFile = output.resolve("summary.json");
    if (exit != 0 || !Files.isRegularFile(summaryFile)) {
      throw new IllegalStateException("the " + tag + " train command exited with " + exit + (Files.isRegularFile(summaryFile)
          ? "" : " and wrote no " + summaryFile) + "; its output is above");
    }
    JsonNode summary = new ObjectMapper().readTree(summaryFile.toFile());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("processWallSeconds", Bench.round(processSeconds, 2));
    m.put("classArchive", !archive.isEmpty()); // local.sh's class-data archive, as local.sh uses it
    m.put("wallSecondsFromJvmStart", Bench.round(summary.path("phases").path("wallSeconds").asDouble(Double.NaN), 2));
    m.put("input", summary.path("input").asText());
    m.put("execution", summary.path("execution").asText());
    m.put("executionReason", summary.path("executionReason").asText());
    m.put("inputReason", summary.path("inputReason").asText());
    m.put("sparkMaster", summary.path("sparkMaster").asText());
    m.put("partitions", summary.path("partitions").asInt());
    m.put("epochs", summary.path("epochs").asInt());
    m.put("rounds", summary.path("rounds").asLong());
    m.put("loopSeconds", Bench.round(summary.path("loopSeconds").asDouble(Double.NaN), 2));
    m.put("testAccuracy", Bench.round(summary.path("testMetrics").path("accuracy").asDouble(Double.NaN), 4));
    m.put("weightsSha256", summary.path("weightsSha256").asText());
    m.put("blas", summary.path("blas").asText());
    m.put("phases", new ObjectMapper().convertValue(summary.path("phases"), Map.class));
    deleteTree(output);
    return m;
  }

  /** The class path local.sh gives the train command: the line's classes and the jars of its classpath.txt. */
  private static String applicationClassPath(String benchClassPath) throws IOException {
    for (String entry : benchClassPath.split(java.io.File.pathSeparator)) {
      Path classes = Path.of(entry);
      Path jars = classes.resolveSibling("classpath.txt");
      if (classes.getFileName() != null && classes.getFileName().toString().equals("classes") && Files.isRegularFile(jars)) {
        return classes + java.io.File.pathSeparator + Files.readString(jars).trim();
      }
    }
    return benchClassPath;
  }

  /**
   * As local.sh runs the train command: with the class-data archive of its build directory
   * ({@code cds/sparkprop.jsa}, written by a train run of local.sh) when it is there, whole (the
   * length its key file names) and made from the classes as they are (its jar of the classes
   * directory is not older than any class); then the jar first on the class path and the options
   * that map the archive, else nothing (the classes load from the jars: a JVM that refuses the
   * archive, another JDK say, does the same).
   *
   * @return the jar of the classes, then the JVM options; empty without a usable archive
   */
  static List<String> classArchive(String classPath) throws IOException {
    Path classes = Path.of(classPath.split(java.io.File.pathSeparator)[0]);
    if (classes.getFileName() == null || !classes.getFileName().toString().equals("classes")) return List.of();
    Path dir = classes.resolveSibling("cds");
    Path jar = dir.resolve("sparkprop-classes.jar");
    Path archive = dir.resolve("sparkprop.jsa");
    Path key = dir.resolve("sparkprop.jsa.key");
    if (!Files.isRegularFile(jar) || !Files.isRegularFile(archive) || !Files.isRegularFile(key)) return List.of();
    String[] words = Files.readString(key).trim().split(" ");
    if (!words[words.length - 1].equals(Long.toString(Files.size(archive)))) return List.of();
    long jarTime = Files.getLastModifiedTime(jar).toMillis();
    try (Stream<Path> files = Files.walk(classes)) {
      if (files.anyMatch(f -> {
        try {
          return Files.getLastModifiedTime(f).toMillis() > jarTime;
        } catch (IOException e) {
          return true;
        }
      })) {
        return List.of();
      }
    }
    return List.of(jar.toString(), "-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off");
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.delete(f);
    }
  }
}
