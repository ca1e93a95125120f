package org.sparkprop.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The NOTICE file against what the cluster jar really bundles (run after {@code package}): every
 * third-party class is in a package a NOTICE entry lists, every bundled Maven artifact is named,
 * and no entry lists something the jar no longer holds. A new bundled dependency without its
 * NOTICE entry fails here.
 */
class NoticeIT {
  private static final Path NOTICE = Path.of("NOTICE");

  /** The "Packages:" and "Maven:" values of the NOTICE entries. */
  record Notice(Set<String> packages, Set<String> artifacts) {
    static Notice read(Path file) throws IOException {
      Set<String> packages = new TreeSet<>();
      Set<String> artifacts = new TreeSet<>();
      for (String line : Files.readAllLines(file)) {
        String t = line.trim();
        if (t.startsWith("Packages:")) packages.addAll(values(t));
        if (t.startsWith("Maven:")) artifacts.addAll(values(t));
      }
      return new Notice(packages, artifacts);
    }

    private static List<String> values(String line) {
      List<String> out = new ArrayList<>();
      for (String v : line.substring(line.indexOf(':') + 1).split(",")) out.add(v.trim());
      return out;
    }

    boolean covers(String javaPackage) {
      return packages.stream().anyMatch(p -> javaPackage.equals(p) || javaPackage.startsWith(p + "."));
    }
  }

  /** The problems of {@code notice} for a jar holding {@code entries} (names as in the jar); empty when none. */
  static List<String> problems(List<String> entries, Notice notice) {
    Set<String> unlisted = new TreeSet<>();
    Set<String> usedPackages = new TreeSet<>();
    Set<String> artifacts = new TreeSet<>();
    for (String name : entries) {
      if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
        String[] parts = name.split("/");
        String artifact = parts[2] + ":" + parts[3];
        if (!parts[2].equals("org.sparkprop")) artifacts.add(artifact);
        continue;
      }
      // Our own classes are not listed; third-party code relocated under org/sparkprop/shaded/ is.
      boolean own = name.startsWith("org/sparkprop/") && !name.startsWith("org/sparkprop/shaded/");
      if (!name.endsWith(".class") || name.startsWith("META-INF/") || own) continue;
      int slash = name.lastIndexOf('/');
      String javaPackage = slash < 0 ? "" : name.substring(0, slash).replace('/', '.');
      if (notice.covers(javaPackage)) {
        notice.packages().stream().filter(p -> javaPackage.equals(p) || javaPackage.startsWith(p + "."))
            .forEach(usedPackages::add);
      } else {
        unlisted.add(javaPackage);
      }
    }
    List<String> problems = new ArrayList<>();
    for (String p : unlisted) problems.add("package " + p + " is bundled but no NOTICE entry lists it");
    for (String a : artifacts) {
      if (!notice.artifacts().contains(a)) problems.add("artifact " + a + " is bundled but no NOTICE entry names it");
    }
    for (String p : notice.packages()) {
      if (!usedPackages.contains(p)) problems.add("NOTICE lists package " + p + ", which the jar does not hold");
    }
    for (String a : notice.artifacts()) {
      if (!artifacts.contains(a)) problems.add("NOTICE names artifact " + a + ", which the jar does not hold");
    }
    return problems;
  }

  private static List<String> clusterJarEntries() throws IOException {
    Path jar = Path.of(System.getProperty("sparkprop.clusterJar"));
    assertTrue(Files.isRegularFile(jar), "built by package: " + jar);
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream().map(e -> e.getName()).toList();
    }
  }

  @Test
  void noticeListsExactlyWhatTheClusterJarBundles() throws IOException {
    assertEquals(List.of(), problems(clusterJarEntries(), Notice.read(NOTICE)));
  }

  @Test
  void theJarsCarryTheLicenseAndThisNotice() throws IOException {
    for (Path jar : ShippedJarsIT.jars()) {
      try (JarFile file = new JarFile(jar.toFile())) {
        for (String name : new String[] {"LICENSE", "NOTICE"}) {
          var entry = file.getEntry("META-INF/" + name);
          assertTrue(entry != null, "META-INF/" + name + " in " + jar);
          try (var in = file.getInputStream(entry)) {
            assertEquals(Files.readString(Path.of(name)), new String(in.readAllBytes(), StandardCharsets.UTF_8),
                "META-INF/" + name + " of " + jar + " is the project's own");
          }
        }
      }
    }
  }

  @Test
  void aNewBundledDependencyWithoutANoticeEntryFails() throws IOException {
    List<String> entries = new ArrayList<>(clusterJarEntries());
    entries.add("org/example/fastjson/Parser.class");
    entries.add("META-INF/maven/org.example/fastjson/pom.properties");
    assertEquals(List.of("package org.example.fastjson is bundled but no NOTICE entry lists it",
        "artifact org.example:fastjson is bundled but no NOTICE entry names it"), problems(entries, Notice.read(NOTICE)));
  }
}
