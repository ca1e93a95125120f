package org.sparkprop.spark.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BiFunction;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.sparkprop.spark.compat.SparkLine;
import scala.Option;

/**
 * Persistence of the Sparkprop models through Spark's {@code MLWritable} / {@code MLReadable}: the
 * params as Spark's own models store them ({@code metadata/}, written and read by Spark's
 * {@code DefaultParamsWriter} and {@link DefaultParamsReader}, so a saved {@code PipelineModel}
 * finds the class and its params), and the network in the project's model format
 * ({@link ModelPayload}, subdirectory {@value ModelPayload#DIRECTORY}).
 */
final class ModelIO {
  private ModelIO() {
  }

  static final class Writer extends MLWriter {
    private final Params instance;
    private final FittedNetwork network;
    private final Task task;

    Writer(Params instance, FittedNetwork network, Task task) {
      this.instance = instance;
      this.network = network;
      this.task = task;
    }

    @Override
    public void saveImpl(String path) {
      SparkLine.saveMetadata(instance, path, sparkSession());
      try {
        ModelPayload.save(network, task, path, sparkSession().sparkContext().hadoopConfiguration());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save the network of " + instance.uid() + " to "
            + ModelPayload.location(path), e);
      }
    }
  }

  static final class Reader<M extends Params> extends MLReader<M> {
    private final Class<M> type;
    private final Task task;
    private final BiFunction<String, FittedNetwork, M> factory;

    /** @param factory makes a model from its uid and network */
    Reader(Class<M> type, Task task, BiFunction<String, FittedNetwork, M> factory) {
      this.type = type;
      this.task = task;
      this.factory = factory;
    }

    @Override
    public M load(String path) {
      DefaultParamsReader.Metadata metadata = SparkLine.loadMetadata(path, sparkSession(), type.getName());
      FittedNetwork network;
      try {
        network = ModelPayload.load(path, task, sparkSession().sparkContext().hadoopConfiguration());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load the network of the " + type.getSimpleName() + " saved at " + path
            + ": " + e.getMessage(), e);
      }
      M model = factory.apply(metadata.uid(), network);
      metadata.getAndSetParams(model, Option.empty());
      return model;
    }
  }
}
