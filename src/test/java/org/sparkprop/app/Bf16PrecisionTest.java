package org.sparkprop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.config.TrainConfig;
import org.sparkprop.math.GemmKernel;
import org.sparkprop.math.KernelMismatchException;
import org.sparkprop.math.Kernels;
import org.sparkprop.math.Precision;
import org.sparkprop.testing.LocalSpark;

/**
 * A train job with math.precision = bf16 on Spark local mode: its bits per precision, its accuracy
 * against fp32's, what it records, and resuming in another precision. Skipped on a CPU without
 * AVX-512 BF16 or AMX.
 */
class Bf16PrecisionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @AfterEach
  void stopSpark() {
    LocalSpark.stopActive();
  }

  private static String bf16KernelOrSkip() {
    try {
      return Kernels.decide(GemmKernel.AUTO, Precision.BF16);
    } catch (KernelMismatchException e) {
      assumeTrue(false, e.getMessage());
      return null;
    }
  }

  private ObjectNode run(List<String> overrides, String output, boolean resume) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ObjectNode summary = TrainJob.run(TrainConfig.load(null, overrides), output, resume,
        new PrintStream(console, true, StandardCharsets.UTF_8));
    stopSpark();
    return summary;
  }

  /**
   * Circle data through two hidden layers of 32: products wide enough (32 x 32 and more) that
   * oneDNN forms them in bf16 rather than in its float32 code for tiny shapes.
   */
  private static List<String> job(String... more) {
    List<String> o = new ArrayList<>(List.of("data.format=playground", "data.playground.name=circle",
        "data.playground.rows=2000", "data.playground.noise=0.1", "model.hidden=[32, 32]", "model.activation=tanh",
        "train.optimizer=momentum", "train.learningRate=0.05", "train.batchSize=200", "train.epochs=6",
        "train.seed=18", "spark.partitions=4", "train.logEveryRounds=1000", "train.execution=spark",
        "data.validationFraction=0"));
    o.addAll(List.of(more));
    return o;
  }

  @Test
  void aBf16JobGivesTheSameBitsOnOneAndTwoThreadsOtherBitsThanFp32AndAComparableAccuracy() throws Exception {
    String kernel = bf16KernelOrSkip();
    Path oneOut = tmp.resolve("one");
    ObjectNode one = run(job("math.precision=bf16", "spark.master=local[1]"), oneOut.toString(), false);
    ObjectNode two = run(job("math.precision=bf16", "spark.master=local[2]"), tmp.resolve("two").toString(), false);
    ObjectNode fp32 = run(job("spark.master=local[2]"), tmp.resolve("fp32").toString(), false);

    // Fixed partitioning: one or two executor threads give the same bits, as in fp32.
    assertEquals(one.path("weightsSha256").asText(), two.path("weightsSha256").asText());
    assertEquals(kernel, one.path("kernel").asText());
    assertEquals("bf16", one.path("precision").asText());
    assertEquals("fp32", fp32.path("precision").asText());
    assertEquals(kernel, JSON.readTree(oneOut.resolve("model/metadata.json").toFile()).findValue("kernel").asText());
    // The products were bf16: the weights are not fp32's.
    assertNotEquals(fp32.path("weightsSha256").asText(), one.path("weightsSha256").asText());

    // Each step's gradient is within a few percent of fp32's (Bf16GradientCheckTest), far less than
    // the minibatch noise SGD already follows: accuracy within 2 points (8 of the 400 test rows).
    double bf16Accuracy = one.path("testMetrics").path("accuracy").asDouble();
    double fp32Accuracy = fp32.path("testMetrics").path("accuracy").asDouble();
    assertTrue(fp32Accuracy >= 0.9, "fp32 reference accuracy " + fp32Accuracy);
    assertEquals(fp32Accuracy, bf16Accuracy, 0.02, "bf16 " + bf16Accuracy + " against fp32 " + fp32Accuracy);
  }

  @Test
  void resumingACheckpointInAnotherPrecisionIsRefusedNamingBoth() throws Exception {
    bf16KernelOrSkip();
    String ckpt = tmp.resolve("ckpt").toUri().toString();
    run(job("train.epochs=1", "checkpoint.dir=" + ckpt), tmp.resolve("a").toString(), false);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> run(job("checkpoint.dir=" + ckpt, "math.precision=bf16"), tmp.resolve("b").toString(), true));
    String message = refused.getMessage();
    assertTrue(message.contains("math.precision: checkpoint \"fp32\", this run \"bf16\""), message);
    assertTrue(message.contains("math.kernel: checkpoint "), message);
  }
}
