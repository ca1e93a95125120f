package org.sparkprop.math;

import java.util.Locale;

/**
 * The GEMM kernel a job asks for ({@code math.kernel}). OpenBLAS picks its kernels per CPU when
 * its library loads, and kernels for different CPUs sum in different orders: the same job gives
 * other bits on a host with other kernels. A job therefore runs one kernel everywhere, decided on
 * the driver: {@link #AUTO} is the one the driver's OpenBLAS picks, {@link #PORTABLE} the pure-Java
 * GEMM (the same bits on every host and architecture, at a measured cost), and the other
 * constants name OpenBLAS core types, pinned through {@code OPENBLAS_CORETYPE}.
 */
public enum GemmKernel {
  AUTO(null),
  PORTABLE(null),
  PRESCOTT("Prescott"),
  NEHALEM("Nehalem"),
  SANDYBRIDGE("Sandybridge"),
  HASWELL("Haswell"),
  ZEN("Zen"),
  SKYLAKEX("SkylakeX"),
  COOPERLAKE("Cooperlake"),
  SAPPHIRERAPIDS("SapphireRapids"),
  ARMV8("ARMV8"),
  NEOVERSEN1("NeoverseN1"),
  NEOVERSEV1("NeoverseV1"),
  NEOVERSEN2("NeoverseN2");

  /** The name a job records for the pure-Java kernel. */
  public static final String PORTABLE_NAME = "portable";

  private final String coreType;

  GemmKernel(String coreType) {
    this.coreType = coreType;
  }

  /** OpenBLAS's spelling for {@code OPENBLAS_CORETYPE}; null for {@link #AUTO} and {@link #PORTABLE}. */
  public String coreType() {
    return coreType;
  }

  /** The name in configuration files. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
