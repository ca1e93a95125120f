package org.sparkprop.train;

/** Where the loop hands its state to be persisted; implemented on top of the io package. */
public interface CheckpointSink {

  void save(TrainingState state);

  /** Where the newest good checkpoint is, for error messages; empty text when there is none. */
  String lastLocation();
}
