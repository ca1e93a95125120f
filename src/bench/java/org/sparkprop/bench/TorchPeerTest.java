package org.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchPeerTest {
  private static final TorchPeer.Settings TINY = new TorchPeer.Settings(20_000, new int[] {256, 512, 256, 10}, 512, 0.01, 2,
      1, 2, 2, List.of("fp32", "bf16"));

  @Test
  void commandPassesEverySettingToTheScript() {
    List<String> cmd = TorchPeer.command(Path.of("/venv/bin/python"), Path.of("/p/src/bench/python/torch_syn.py"), TINY);
    assertEquals(List.of("/venv/bin/python", "/p/src/bench/python/torch_syn.py", "--rows", "20000", "--widths", "256,512,256,10",
        "--batch", "512", "--learning-rate", "0.01", "--threads", "2", "--warmup-rounds", "1", "--blocks", "2",
        "--block-rounds", "2", "--precisions", "fp32,bf16"), cmd);
  }

  @Test
  void readsTheLastResultLineOfARealProcessAndPassesItsEnvironment(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("child.sh");
    Files.writeString(script, String.join("\n",
        "echo 'a log line'",
        "echo 'RESULT {\"rows\": 1}'",
        "echo \"RESULT {\\\"threads\\\": \\\"$OMP_NUM_THREADS\\\", \\\"runs\\\": [{\\\"precision\\\": \\\"bf16\\\","
            + " \\\"rowsPerSecond\\\": 1234.5}]}\"",
        "echo 'stderr line' >&2", ""), StandardCharsets.UTF_8);
    Map<String, Object> m = TorchPeer.runForResult("t", List.of("bash", script.toString()), dir, Map.of("OMP_NUM_THREADS", "7"));
    assertEquals("7", m.get("threads"));
    assertEquals(1234.5, TorchPeer.rowsPerSecond(m, "bf16"));
    assertTrue(Double.isNaN(TorchPeer.rowsPerSecond(m, "fp32")));
  }

  @Test
  void aChildThatFailsOrPrintsNoResultIsAnErrorNamingItsExitCode(@TempDir Path dir) throws Exception {
    Path failing = dir.resolve("fail.sh");
    Files.writeString(failing, "echo 'RESULT {}'\nexit 3\n", StandardCharsets.UTF_8);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TorchPeer.runForResult("t", List.of("bash", failing.toString()), dir, Map.of()));
    assertTrue(e.getMessage().contains("exited with 3"), e.getMessage());
    Path silent = dir.resolve("silent.sh");
    Files.writeString(silent, "echo hello\n", StandardCharsets.UTF_8);
    e = assertThrows(IllegalStateException.class, () -> TorchPeer.runForResult("t", List.of("bash", silent.toString()), dir, Map.of()));
    assertTrue(e.getMessage().contains("no RESULT line"), e.getMessage());
    Path garbled = dir.resolve("garbled.sh");
    Files.writeString(garbled, "echo 'RESULT [1, 2'\n", StandardCharsets.UTF_8);
    e = assertThrows(IllegalStateException.class, () -> TorchPeer.runForResult("t", List.of("bash", garbled.toString()), dir, Map.of()));
    assertTrue(e.getMessage().contains("not a JSON object"), e.getMessage());
  }

  @Test
  void findsTheProjectRootFromAFolderBelowIt() {
    Path root = TorchPeer.projectRoot(Path.of(""));
    assertTrue(Files.isRegularFile(root.resolve(TorchPeer.SCRIPT)));
    assertEquals(root, TorchPeer.projectRoot(root.resolve("src/bench/python")));
  }

  /**
   * The script itself, on a few rows, when the bench environment exists (it is made by
   * submit-scripts/bench-python-env.sh, ~5 GB: never by the tests).
   */
  @Test
  void scriptTrainsBothPrecisionsInTheBenchEnvironment() throws Exception {
    Path root = TorchPeer.projectRoot(Path.of(""));
    Path python = root.resolve("target/bench-venv/bin/python");
    assumeTrue(Files.isExecutable(python), "skipped: no bench Python environment at " + python
        + " (submit-scripts/bench-python-env.sh makes it)");
    Process probe = new ProcessBuilder(python.toString(), "-c", "import torch, numpy").redirectErrorStream(true).start();
    probe.getInputStream().readAllBytes();
    assumeTrue(probe.waitFor() == 0, "skipped: " + python + " does not import torch and numpy");
    Map<String, Object> m = TorchPeer.run(root, python, TINY);
    assertEquals("256-512-256-10", m.get("network"));
    assertEquals(2, ((Number) m.get("threads")).intValue());
    assertTrue(TorchPeer.rowsPerSecond(m, "fp32") > 0, m.toString());
    assertTrue(TorchPeer.rowsPerSecond(m, "bf16") > 0, m.toString());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> runs = (List<Map<String, Object>>) m.get("runs");
    for (Map<String, Object> r : runs) {
      assertEquals(2 * 2 * 512, ((Number) r.get("rows")).intValue(), "blocks x block rounds x batch rows measured");
      double loss = ((Number) r.get("trainLoss")).doubleValue();
      // Cross-entropy of 10 classes starts near ln 10 = 2.3; a few SGD rounds leave it finite and below 10.
      assertTrue(loss > 0 && loss < 10, "train loss " + loss);
    }
  }
}
