package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;

/** When a train run goes without Spark, and why not when it does not. */
class InProcessInputTest {
  @TempDir
  Path tmp;

  private InProcessInput decide(String... overrides) throws Exception {
    return decide(false, overrides);
  }

  private InProcessInput decide(boolean sparkRunning, String... overrides) throws Exception {
    Path csv = tmp.resolve("rows.csv");
    if (!Files.exists(csv)) Files.writeString(csv, "a,label\n1,x\n2,y\n".repeat(1)); // 16 bytes
    List<String> o = new ArrayList<>(List.of("data.format=csv", "data.train=" + csv, "spark.master=\"local[2]\""));
    o.addAll(List.of(overrides));
    return InProcessInput.decide(TrainConfig.load(null, o), sparkRunning);
  }

  @Test
  void aSparkSessionAlreadyRunningIsUsedRatherThanTrainingWithoutIt() throws Exception {
    assertTrue(decide(false).inProcess());
    InProcessInput d = decide(true);
    assertFalse(d.inProcess());
    assertTrue(d.reason().contains("a Spark session is already running in this JVM"), d.reason());
  }

  @Test
  void smallLocalFilesOnALocalMasterGoWithoutSpark() throws Exception {
    for (String master : new String[] {"local", "local[3]", "local[*]", "local[2, 4]"}) {
      InProcessInput d = decide("spark.master=\"" + master + "\"");
      assertTrue(d.inProcess(), master + ": " + d.reason());
      assertTrue(d.reason().contains("input files of 16 B <= train.driverMaxBytes"), d.reason());
    }
    assertTrue(decide("train.execution=driver").inProcess());
    assertEquals(3, decide("spark.master=\"local[3]\"").defaultParallelism());
    assertEquals(1, decide("spark.master=local").defaultParallelism());
    assertEquals(5, decide("spark.conf.spark.default.parallelism=5").defaultParallelism());
  }

  @Test
  void clusterMastersSparkExecutionLargeOrRemoteInputsAndOtherFormatsKeepSpark() throws Exception {
    String[][] cases = {
        {"spark.master=\"spark://127.0.0.1:7077\"", "asks for a Spark application"},
        {"spark.master=yarn", "asks for a Spark application"},
        {"spark.master=\"local-cluster[2,1,1024]\"", "asks for a Spark application"},
        {"train.execution=spark", "train.execution = spark"},
        {"train.driverMaxBytes=15", "input files of 16 B > train.driverMaxBytes 15 B"},
        {"data.train=\"hdfs://nn:8020/x.csv\"", "is not on the local file system"},
        {"data.format=parquet", "data.format = parquet is read by Spark"},
        {"data.format=playground", "generated rows of"},
    };
    for (String[] c : cases) {
      List<String> o = new ArrayList<>(List.of(c[0]));
      if (c[0].equals("data.format=playground")) o.add("train.driverMaxBytes=100");
      InProcessInput d = decide(o.toArray(String[]::new));
      assertFalse(d.inProcess(), c[0] + ": " + d.reason());
      assertTrue(d.reason().contains(c[1]), c[0] + ": " + d.reason());
    }
  }
}
