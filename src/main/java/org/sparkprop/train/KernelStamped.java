package org.sparkprop.train;

/**
 * A partition's result (a gradient, a model after local steps, or their ordered combination) that
 * records the GEMM kernel it was computed with and where: the driver refuses to combine one of
 * another kernel than the job's, since the bits would then depend on where tasks ran.
 */
public interface KernelStamped {
  /** The GEMM kernel the result was computed with; null if not recorded (the local trainer). */
  String kernel();

  /** The executor and host that computed it (the first one, after combining); null if not recorded. */
  String host();
}
