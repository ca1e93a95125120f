package org.sparkprop.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of the shipped code, lowest first. A package may use its own layer and the ones
 * below, never one above; Spark and Scala appear only from {@code spark} upwards. The bench and
 * test code is not checked (it is not shipped, and tests may reach anywhere).
 */
class ArchitectureTest {
  /** Lowest first; one entry per layer, packages relative to {@code org.sparkprop}. */
  static final List<List<String>> LAYERS = List.of(
      List.of("math"),
      List.of("nn"),
      List.of("optim"),
      List.of("data"),
      List.of("train"),
      List.of("config"),
      List.of("io"),
      List.of("io.onnx"),
      List.of("report"),
      // What differs between Spark lines (one adapter per line), below everything that uses Spark.
      List.of("spark.compat"),
      List.of("spark"),
      List.of("spark.input"),
      // Training without Spark: reads small inputs with spark.input's rules, uses no Spark itself. Below
      // spark.ml, whose estimators pack and train a small DataFrame's collected rows with it.
      List.of("driver"),
      List.of("spark.ml"),
      List.of("app"),
      List.of("cli", "examples"));

  /** The packages (and their subpackages) allowed to use Spark and Scala. */
  static final List<String> SPARK_FACING = List.of("spark", "app", "cli", "examples");

  private static JavaClasses shipped;

  @BeforeAll
  static void importShippedClasses() {
    shipped = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("/test-classes/"))
        .importPackages("org.sparkprop");
    assertTrue(shipped.size() > 100, "the shipped classes were found: " + shipped.size());
  }

  @Test
  void everyShippedPackageHasALayer() {
    Set<String> unplaced = new TreeSet<>();
    for (JavaClass c : shipped) {
      if (layerOf(c.getPackageName()) < 0) unplaced.add(c.getPackageName());
    }
    assertEquals(Set.of(), unplaced, "packages missing from ArchitectureTest.LAYERS");
  }

  @Test
  void noPackageUsesALayerAboveIt() {
    List<String> upward = new ArrayList<>();
    for (JavaClass c : shipped) {
      int from = layerOf(c.getPackageName());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String target = d.getTargetClass().getPackageName();
        if (!target.startsWith("org.sparkprop")) continue;
        int to = layerOf(target);
        if (to > from) upward.add(d.getDescription());
      }
    }
    assertEquals(List.of(), upward, "dependencies on a higher layer (order: " + LAYERS + ")");
  }

  @Test
  void onlySparkFacingPackagesUseSparkOrScala() {
    String[] sparkFacing = SPARK_FACING.stream().map(p -> "org.sparkprop." + p + "..").toArray(String[]::new);
    ArchRule rule = noClasses().that().resideOutsideOfPackages(sparkFacing)
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..");
    EvaluationResult result = rule.evaluate(shipped);
    assertFalse(result.hasViolation(), () -> String.join("\n", result.getFailureReport().getDetails()));
  }

  @Test
  void packagesFormNoCycle() {
    EvaluationResult result = slices().matching("org.sparkprop.(**)").should().beFreeOfCycles().evaluate(shipped);
    assertFalse(result.hasViolation(), () -> String.join("\n", result.getFailureReport().getDetails()));
  }

  /** The rules themselves can fail: an upward import is seen as one. */
  @Test
  void theLayerCheckSeesAnUpwardDependency() {
    assertTrue(layerOf("org.sparkprop.spark.ml") > layerOf("org.sparkprop.spark"));
    assertTrue(layerOf("org.sparkprop.nn") < layerOf("org.sparkprop.optim"));
    assertTrue(layerOf("org.sparkprop.spark.compat") < layerOf("org.sparkprop.spark"));
    JavaClasses probe = new ClassFileImporter().importClasses(UpwardProbe.class);
    assertEquals(-1, layerOf(UpwardProbe.class.getPackageName()), "the probe's package is not a layer");
    boolean seesSpark = probe.get(UpwardProbe.class).getDirectDependenciesFromSelf().stream()
        .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("org.sparkprop.spark"));
    assertTrue(seesSpark, "the importer reports a field's type as a dependency");
  }

  /** The layer index of a package (a subpackage of a listed package belongs to it), or -1. */
  static int layerOf(String javaPackage) {
    int best = -1;
    int bestLength = -1;
    for (int i = 0; i < LAYERS.size(); i++) {
      for (String p : LAYERS.get(i)) {
        String full = "org.sparkprop." + p;
        boolean inside = javaPackage.equals(full) || javaPackage.startsWith(full + ".");
        if (inside && full.length() > bestLength) {
          best = i;
          bestLength = full.length();
        }
      }
    }
    return best;
  }

  /** Used only by {@link #theLayerCheckSeesAnUpwardDependency}. */
  static final class UpwardProbe {
    org.sparkprop.spark.PackedDataset data;
  }
}
