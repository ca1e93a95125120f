/**
 * Float32 kernels (GEMM path) and seeded random numbers.
 *
 * <p>{@link org.sparkprop.math.Kernels#gemm()} is the entry point: OpenBLAS through JavaCPP when
 * the native library loads, the pure-Java {@link org.sparkprop.math.JavaGemm} otherwise.
 */
package org.sparkprop.math;
