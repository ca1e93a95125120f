package org.sparkprop.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report page in a real browser: headless Chromium (Debian's {@code chromium}, installed by
 * {@code .ci/run}) loads {@code index.html} from the file system, and a small script added to a
 * copy of the page records, after the load event, each image's decoded size; {@code --dump-dom}
 * prints the result. Skipped, with the reason shown, where Chromium is not installed.
 */
class ReportPageBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Pattern CHECKED = Pattern.compile("<img [^>]*data-checked=\"(\\d+)x(\\d+)\"");
  // Marks every image with its natural size once the page (images included) has loaded.
  private static final String CHECK_SCRIPT = "<script>window.addEventListener('load', function () {"
      + " var imgs = document.images; for (var i = 0; i < imgs.length; i++) {"
      + " imgs[i].setAttribute('data-checked', imgs[i].complete ? imgs[i].naturalWidth + 'x' + imgs[i].naturalHeight : '0x0'); }"
      + " document.body.setAttribute('data-images', String(imgs.length)); });</script>";

  @TempDir
  Path tmp;

  @Test
  void everyImageOfTheReportPageLoadsInChromium() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
        + " (.ci/run installs Debian's chromium); the page was not checked in a browser");
    Path report = tmp.resolve("report");
    ReportFixture.Run run = ReportFixture.spiral(report, 2);
    String page = Files.readString(report.resolve("index.html"));
    int expected = TrainingReportTest.imagesOf(page).size();
    assertEquals(TrainingReportTest.picturesOnThePage(run.files()).size(), expected);
    Path checked = report.resolve("index-check.html");
    Files.writeString(checked, page.replace("</body>", CHECK_SCRIPT + "</body>"));

    String dom = dumpDom(checked);
    assertTrue(dom.contains("data-images=\"" + expected + "\""), "the check script did not run to the end:\n" + head(dom));
    Matcher m = CHECKED.matcher(dom);
    List<String> sizes = new ArrayList<>();
    while (m.find()) {
      int w = Integer.parseInt(m.group(1));
      int h = Integer.parseInt(m.group(2));
      assertTrue(w >= 100 && h >= 100, "an image did not load (natural size " + w + "x" + h + ")");
      sizes.add(w + "x" + h);
    }
    assertEquals(expected, sizes.size(), "images marked: " + sizes);
  }

  private String dumpDom(Path page) throws Exception {
    Path profile = Files.createDirectory(tmp.resolve("profile"));
    Path out = tmp.resolve("dom.html");
    Path err = tmp.resolve("chromium.log");
    List<String> cmd = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--allow-file-access-from-files", "--virtual-time-budget=10000",
        "--dump-dom", page.toUri().toString());
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      boolean done = p.waitFor(120, TimeUnit.SECONDS);
      assertTrue(done, "Chromium did not finish within 120 s; its log:\n" + Files.readString(err));
      assertEquals(0, p.exitValue(), "Chromium failed; its log:\n" + Files.readString(err));
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      // Chromium's helper processes (zygote, renderer) are ours too.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private static String head(String s) {
    return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
  }
}
