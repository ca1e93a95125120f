package org.sparkprop.bench.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.sparkprop.bench.ChildProcess;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a workload's main class in a child JVM on this JVM's class path and module options, with
 * its own heap and environment, and reads back the one line {@code RESULT {json}} it prints; its
 * other output goes to standard error, prefixed with a tag.
 */
public final class ChildJvm {
  public static final String RESULT_PREFIX = ChildProcess.RESULT_PREFIX;

  private ChildJvm() {
  }

  public static Map<String, Object> run(String tag, Class<?> main, String heap, Map<String, String> env, List<String> args)
      throws IOException, InterruptedException {
    return run(tag, main, heap, env, args, java.util.function.UnaryOperator.identity());
  }

  /** As {@link #run(String, Class, String, Map, List)}, with the command started through {@code launcher} (e.g. into a cgroup). */
  public static Map<String, Object> run(String tag, Class<?> main, String heap, Map<String, String> env, List<String> args,
                                        java.util.function.UnaryOperator<List<String>> launcher)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(launcher.apply(command(main, heap, args)));
    env.forEach((k, v) -> {
      if (v == null) pb.environment().remove(k);
      else pb.environment().put(k, v);
    });
    return ChildProcess.result(tag, pb, "child JVM");
  }

  /** The command line of a child JVM running {@code main}: this JVM's java, class path and module options, its own heap. */
  static List<String> command(Class<?> main, String heap, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    // The whole heap from the start, for every trainer alike: see submit-scripts/local.sh.
    cmd.add("-Xms" + heap);
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // The module options Spark needs, and any -D given to the parent; not its heap or agents.
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-XX:+IgnoreUnrecognized")
          || (arg.startsWith("-D") && !arg.startsWith("-Dsun.java.command"))) {
        cmd.add(arg);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(args);
    return cmd;
  }

  /** Prints the result line a child's parent reads. */
  public static void printResult(Map<String, Object> result) throws IOException {
    System.out.println(RESULT_PREFIX + new ObjectMapper().writeValueAsString(result));
    System.out.flush();
  }
}
