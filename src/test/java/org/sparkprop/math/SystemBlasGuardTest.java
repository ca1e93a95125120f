package org.sparkprop.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Library layouts as distributions install them, made of real files and symbolic links. */
class SystemBlasGuardTest {
  @TempDir
  Path root;

  /** Debian's: libblas.so.3 -> /etc/alternatives/... -> openblas-pthread/libblas.so.3, beside libopenblas.so.0. */
  private Path debianLayout() throws IOException {
    Path lib = Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
    Path pthread = Files.createDirectories(lib.resolve("openblas-pthread"));
    Files.writeString(pthread.resolve("libblas.so.3"), "wrapper");
    Files.writeString(pthread.resolve("liblapack.so.3"), "wrapper");
    Files.writeString(pthread.resolve("libopenblasp-r0.3.21.so"), "core");
    Files.createSymbolicLink(pthread.resolve(SystemBlasGuard.OPENBLAS_CORE), Path.of("libopenblasp-r0.3.21.so"));
    Path alternatives = Files.createDirectories(root.resolve("etc/alternatives"));
    for (String wrapper : new String[] {"libblas.so.3", "liblapack.so.3"}) {
      Path alt = alternatives.resolve(wrapper + "-x86_64-linux-gnu");
      Files.createSymbolicLink(alt, pthread.resolve(wrapper));
      Files.createSymbolicLink(lib.resolve(wrapper), alt);
    }
    return lib;
  }

  @Test
  void debiansWrappersArePointedAtTheOpenBlasBehindThem() throws IOException {
    Path lib = debianLayout();
    Path core = lib.resolve("openblas-pthread/libopenblasp-r0.3.21.so").toRealPath();
    Properties p = new Properties();
    List<String> made = SystemBlasGuard.redirect(p, List.of(root.resolve("nowhere"), lib));
    assertEquals(core.toString(), p.getProperty("dev.ludovic.netlib.blas.nativeLibPath"));
    assertEquals(core.toString(), p.getProperty("dev.ludovic.netlib.lapack.nativeLibPath"));
    assertEquals(2, made.size(), made.toString());
  }

  @Test
  void whatTheUserSetIsKeptForThatBindingOnly() throws IOException {
    Path lib = debianLayout();
    Properties p = new Properties();
    p.setProperty("dev.ludovic.netlib.blas.nativeLib", "libmkl_rt.so");
    SystemBlasGuard.redirect(p, List.of(lib));
    assertNull(p.getProperty("dev.ludovic.netlib.blas.nativeLibPath"));
    assertEquals("libmkl_rt.so", p.getProperty("dev.ludovic.netlib.blas.nativeLib"));
    assertTrue(p.getProperty("dev.ludovic.netlib.lapack.nativeLibPath").endsWith("libopenblasp-r0.3.21.so"));
  }

  @Test
  void aReferenceBlasOrNoneIsLeftAlone() throws IOException {
    Path reference = Files.createDirectories(root.resolve("ref"));
    Files.writeString(reference.resolve("libblas.so.3"), "netlib's reference BLAS");
    Properties p = new Properties();
    assertEquals(List.of(), SystemBlasGuard.redirect(p, List.of(reference)));
    assertEquals(List.of(), SystemBlasGuard.redirect(p, List.of(root.resolve("empty"))));
    assertTrue(p.isEmpty());
  }

  @Test
  void theFirstDirectoryWithTheLibraryDecidesAsTheDynamicLinkerWould() throws IOException {
    Path lib = debianLayout();
    Path first = Files.createDirectories(root.resolve("opt/blas"));
    Files.writeString(first.resolve("libblas.so.3"), "another BLAS, first on LD_LIBRARY_PATH");
    assertTrue(SystemBlasGuard.coreBeside("libblas.so.3", List.of(first, lib)).isEmpty());
    assertTrue(SystemBlasGuard.coreBeside("libblas.so.3", List.of(lib, first)).isPresent());
  }

  @Test
  void theSearchOrderIsLdLibraryPathThenTheSystemsDirectories() {
    List<Path> dirs = SystemBlasGuard.libraryDirs("/opt/a::/opt/b", "amd64");
    assertEquals(List.of(Path.of("/opt/a"), Path.of("/opt/b"), Path.of("/lib/x86_64-linux-gnu"),
        Path.of("/usr/lib/x86_64-linux-gnu")), dirs.subList(0, 4));
    assertEquals(Path.of("/usr/lib/aarch64-linux-gnu"), SystemBlasGuard.libraryDirs(null, "aarch64").get(1));
  }
}
