package org.sparkprop.math;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Keeps Spark MLlib's native BLAS and LAPACK working in a JVM where Sparkprop's OpenBLAS is loaded.
 *
 * <p>Sparkprop's OpenBLAS (JavaCPP's build) carries the shared-object name {@code libopenblas.so.0}.
 * MLlib's netlib bindings open the system's {@code libblas.so.3} and {@code liblapack.so.3}; on
 * Debian and Ubuntu those are thin wrappers that need {@code libopenblas.so.0}, and the dynamic linker
 * satisfies that need with any library already loaded under that name. Once Sparkprop's copy is
 * loaded, the system's wrappers (another OpenBLAS version) call into it and the JVM dies with a
 * SIGSEGV in MLlib's first {@code dgemm}. Pointing the bindings at the system's OpenBLAS by its path
 * ({@code dev.ludovic.netlib.blas.nativeLibPath}, likewise for LAPACK) loads the system's own copy
 * beside Sparkprop's: the same BLAS the machine chose, without the wrapper. Done before Sparkprop's
 * library loads, only where such a wrapper sits next to a {@code libopenblas.so.0}, and never over a
 * path or name the user set.
 */
final class SystemBlasGuard {
  /** The shared-object name Sparkprop's OpenBLAS and the system's share. */
  static final String OPENBLAS_CORE = "libopenblas.so.0";

  /** MLlib's netlib bindings: the system-property prefix and the library each opens by default. */
  private static final String[][] BINDINGS = {
      {"dev.ludovic.netlib.blas", "libblas.so.3"},
      {"dev.ludovic.netlib.lapack", "liblapack.so.3"}};

  private SystemBlasGuard() {
  }

  /**
   * Sets, in {@code properties}, the path of the system's OpenBLAS for each netlib binding whose
   * default library in {@code libraryDirs} is a wrapper beside one, unless the binding's path or
   * name is set already; returns the settings it made, as {@code key=value}.
   */
  static List<String> redirect(Properties properties, List<Path> libraryDirs) {
    List<String> made = new ArrayList<>();
    for (String[] binding : BINDINGS) {
      String pathKey = binding[0] + ".nativeLibPath";
      if (properties.getProperty(pathKey) != null || properties.getProperty(binding[0] + ".nativeLib") != null) continue;
      Optional<Path> core = coreBeside(binding[1], libraryDirs);
      if (core.isPresent()) {
        properties.setProperty(pathKey, core.get().toString());
        made.add(pathKey + "=" + core.get());
      }
    }
    return made;
  }

  /**
   * The system's {@code libopenblas.so.0} (its real path) in the directory of the first
   * {@code wrapper} found in {@code libraryDirs} (its symbolic links followed), if there is one there.
   */
  static Optional<Path> coreBeside(String wrapper, List<Path> libraryDirs) {
    for (Path dir : libraryDirs) {
      Path candidate = dir.resolve(wrapper);
      if (!Files.exists(candidate)) continue;
      try {
        Path real = candidate.toRealPath();
        Path core = real.resolveSibling(OPENBLAS_CORE);
        return Files.isRegularFile(core) ? Optional.of(core.toRealPath()) : Optional.empty();
      } catch (IOException | SecurityException e) {
        return Optional.empty(); // the first match is what the dynamic linker would take: no guessing past it
      }
    }
    return Optional.empty();
  }

  /**
   * Where the dynamic linker looks for a library opened by name, in its order, as far as it is known
   * without its cache: {@code LD_LIBRARY_PATH}, then the multiarch and the usual system directories.
   */
  static List<Path> libraryDirs(String ldLibraryPath, String osArch) {
    List<Path> dirs = new ArrayList<>();
    if (ldLibraryPath != null) {
      for (String d : ldLibraryPath.split(":")) {
        if (!d.isBlank()) dirs.add(Path.of(d));
      }
    }
    String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
    String triplet = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64-linux-gnu"
        : arch.equals("aarch64") ? "aarch64-linux-gnu" : null;
    if (triplet != null) {
      dirs.add(Path.of("/lib", triplet));
      dirs.add(Path.of("/usr/lib", triplet));
    }
    for (String d : new String[] {"/lib64", "/usr/lib64", "/lib", "/usr/lib"}) dirs.add(Path.of(d));
    return dirs;
  }

  /** Applies {@link #redirect} to this JVM's system properties on Linux; returns what it set. */
  static List<String> applyHere() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return List.of();
    try {
      return redirect(System.getProperties(), libraryDirs(System.getenv("LD_LIBRARY_PATH"), System.getProperty("os.arch")));
    } catch (RuntimeException e) {
      return List.of(); // MLlib then opens the system's libraries as it would without Sparkprop
    }
  }
}
