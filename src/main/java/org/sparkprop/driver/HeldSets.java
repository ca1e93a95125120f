package org.sparkprop.driver;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkprop.data.BadRowReport;
import org.sparkprop.data.InputSchema;
import org.sparkprop.data.Preprocessing;

/**
 * The training, validation and test sets of a configuration packed in the driver's heap by
 * {@link LocalLoader}: what {@code DataSets} holds as cached RDDs, the same rows in the same
 * partitions. Validation and test are null when the configuration has none.
 *
 * @param badRows by input: "train", "test"
 */
public record HeldSets(HeldSet train, HeldSet validation, HeldSet test, String description, Preprocessing preprocessing,
                       InputSchema input, Map<String, BadRowReport> badRows) {
  public HeldSets {
    badRows = Collections.unmodifiableMap(new LinkedHashMap<>(badRows));
  }

  public int classes() {
    return train.classes();
  }
}
