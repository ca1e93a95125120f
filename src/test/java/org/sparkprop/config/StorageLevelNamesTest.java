package org.sparkprop.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * reference.conf lists Spark's storage level names (spark.storageLevel's Values) so that this
 * package need not load Spark. This test, by reflection only, holds that list to the Spark
 * version on the class path, so a Spark upgrade that adds or drops a level fails here rather than
 * at the first run.
 */
class StorageLevelNamesTest {
  private static final List<String> LISTED =
      ((ValueType.OneOf) ConfigKeys.reference().get("spark.storageLevel").type()).names();

  @Test
  void everyListedNameIsAcceptedBySpark() throws Exception {
    Method fromString = Class.forName("org.apache.spark.storage.StorageLevel")
        .getMethod("fromString", String.class);
    for (String name : LISTED) fromString.invoke(null, name);
    InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> fromString.invoke(null, "MEMORY_AND_DSK"));
    assertEquals(IllegalArgumentException.class, e.getCause().getClass());
  }

  @Test
  void theListIsExactlySparksList() throws Exception {
    // Spark 3.5 and later parse through this enum; its constants are the accepted names.
    Class<?> mapper = Class.forName("org.apache.spark.storage.StorageLevelMapper");
    Set<String> spark = new TreeSet<>();
    for (Object c : mapper.getEnumConstants()) spark.add(((Enum<?>) c).name());
    assertEquals(spark, new TreeSet<>(LISTED));
    assertEquals(LISTED.size(), Arrays.stream(mapper.getEnumConstants()).count());
  }
}
