package org.sparkprop.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sparkprop.spark.compat.SparkLine;

/**
 * The Python package's params are generated from {@link ParamCatalog}; the generated module keeps
 * the catalog it was made from. A param added, renamed, re-documented or re-ranged in Java (or in
 * {@code reference.conf}) without {@code python/build.sh params} fails here, also on machines
 * without Python. (The Python tests also regenerate the whole module and compare it.) No Spark job runs.
 */
class ParamCatalogTest {
  private static final Path GENERATED = Path.of("python/sparkprop/_params.py");
  private static final String START = "CATALOG_JSON = r\"\"\"\n";
  private static final String END = "\n\"\"\"\n";

  @Test
  void theCommittedPythonParamsWereGeneratedFromTheseJavaParams() throws IOException {
    // The Python package is for PySpark 4.2 and generated on that line; another line's Spark may word
    // its shared params (featuresCol, ...) differently.
    assumeTrue(SparkLine.SPARK.equals("4.2"), "the Python package is generated from the Spark 4.2 line");
    String module = Files.readString(GENERATED, StandardCharsets.UTF_8);
    int start = module.indexOf(START);
    int end = module.indexOf(END, start);
    assertTrue(start >= 0 && end > start, GENERATED + " has no CATALOG_JSON block: regenerate it with python/build.sh params");
    assertEquals(ParamCatalog.json(), module.substring(start + START.length(), end) + "\n",
        GENERATED + " is out of date with the Java params: run `mvn package` then `python/build.sh params`");
  }

  @Test
  void theCatalogListsEveryParamOfTheFourClassesWithTheLimitsOfTheTrainingParams() {
    String json = ParamCatalog.json();
    for (String cls : new String[] {"SparkpropClassifier", "SparkpropClassificationModel", "SparkpropRegressor",
        "SparkpropRegressionModel"}) {
      assertTrue(json.contains("\"" + cls + "\": {\n    \"javaClass\": \"org.sparkprop.spark.ml." + cls + "\""), cls);
    }
    assertTrue(Pattern.compile("\\{\"name\": \"epochs\", \"class\": \"IntParam\", \"doc\": \"Passes over the training rows[^\n]*"
        + "\"limits\": \\{\"kind\": \"int\", \"min\": \\d+, \"max\": 2147483647, \"expected\": \"an integer >= \\d+\"}}").matcher(json).find(),
        json);
    // Open upper ends are null (JSON has no infinity); Spark's shared params carry no limits.
    assertTrue(json.contains("\"hi\": null, \"hiIncluded\": false, \"expected\": \"a number > 0\""));
    assertTrue(json.contains("{\"name\": \"featuresCol\", \"class\": \"Param\", \"doc\": \"features column name\", "
        + "\"default\": \"features\"}"));
    // The regressor has no use for cross_entropy (see Task).
    int regressor = json.indexOf("\"SparkpropRegressor\"");
    assertTrue(json.indexOf("\"names\": [\"mae\", \"mse\", \"bce\"]", regressor) > regressor);
  }
}
