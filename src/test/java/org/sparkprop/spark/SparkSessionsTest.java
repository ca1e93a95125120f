package org.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The settings a session gets from {@link SparkSessions#create}: local mode's broadcast pieces. */
class SparkSessionsTest {
  private static String blockSizeOf(Map<String, String> extra) {
    SparkSession session = SparkSessions.create("local[1]", extra);
    try {
      return session.sparkContext().getConf().get(SparkSessions.LOCAL_BROADCAST_BLOCK_SIZE_KEY);
    } finally {
      session.stop();
    }
  }

  @Test
  void localModeCutsBroadcastsIntoSmallPiecesUnlessTheUserSetsTheirSize() {
    // Every job broadcasts its task binary, and Spark allocates a whole piece for it up front: 256 kB
    // stays below half of the smallest G1 region, so no round allocates a humongous buffer for it.
    assertEquals("256k", blockSizeOf(Map.of("spark.ui.enabled", "false")));
    assertEquals("1m", blockSizeOf(Map.of("spark.ui.enabled", "false", SparkSessions.LOCAL_BROADCAST_BLOCK_SIZE_KEY, "1m")));
  }
}
