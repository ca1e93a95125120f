package org.sparkprop.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the built jars ship (run after {@code package}): the application and cluster jars hold
 * Sparkprop's classes but no benchmark or test class, since benchmarks live in
 * {@code src/bench/java} and build with the tests.
 */
class ShippedJarsIT {

  static List<Path> jars() {
    Path cluster = Path.of(System.getProperty("sparkprop.clusterJar"));
    Path application = cluster.resolveSibling(cluster.getFileName().toString().replace("-cluster.jar", ".jar"));
    return List.of(application, cluster);
  }

  @ParameterizedTest
  @MethodSource("jars")
  void aShippedJarHoldsNoBenchmarkOrTestClass(Path jar) throws IOException {
    assertTrue(Files.isRegularFile(jar), "built by package: " + jar);
    try (JarFile file = new JarFile(jar.toFile())) {
      List<String> names = file.stream().map(e -> e.getName()).toList();
      assertTrue(names.contains("org/sparkprop/spark/SparkGradientSource.class"), "the engine ships in " + jar);
      assertTrue(names.contains("org/sparkprop/cli/Main.class"), "the command line ships in " + jar);
      List<String> unwanted = names.stream()
          .filter(n -> n.startsWith("org/sparkprop/bench/") || n.startsWith("org/sparkprop/testing/")
              || n.startsWith("org/openjdk/jmh/") || n.matches("org/sparkprop/.*(Test|IT)(\\$.*)?\\.class"))
          .toList();
      assertEquals(List.of(), unwanted, "benchmark or test classes in " + jar);
    }
  }

  @org.junit.jupiter.api.Test
  void theClusterJarCarriesOpenBlasForLinuxExecutorsOnX86AndArm() throws IOException {
    try (JarFile file = new JarFile(jars().get(1).toFile())) {
      List<String> names = file.stream().map(e -> e.getName()).toList();
      for (String platform : List.of("linux-x86_64", "linux-arm64")) {
        assertTrue(names.stream().anyMatch(n -> n.startsWith("org/bytedeco/openblas/" + platform + "/libopenblas")),
            "OpenBLAS for " + platform);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("org/bytedeco/openblas/" + platform + "/libjniopenblas")),
            "its JNI bindings for " + platform);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("org/bytedeco/javacpp/" + platform + "/libjnijavacpp")),
            "JavaCPP's loader for " + platform);
      }
    }
  }
}
