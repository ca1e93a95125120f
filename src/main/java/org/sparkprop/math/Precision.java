package org.sparkprop.math;

import java.util.Locale;

/**
 * The arithmetic of a job's products ({@code math.precision}). {@link #FP32} multiplies and sums in
 * float32 (OpenBLAS or the pure-Java GEMM). {@link #BF16} rounds both factors of every product to
 * bfloat16 and sums in float32 ({@link OneDnnBf16Gemm}, on CPUs with AVX-512 BF16 or AMX); the
 * weights, gradients and optimizer state stay float32 in both. A job's bits are reproducible per
 * precision and kernel, never across them.
 */
public enum Precision {
  FP32,
  BF16;

  /** The name in configuration files. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
