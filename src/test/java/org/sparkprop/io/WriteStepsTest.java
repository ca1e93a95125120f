package org.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The file-system steps the atomic writes are made of, and the fault hook the store tests use. */
class WriteStepsTest {
  @TempDir Path tmp;

  private FileSystem local;

  @BeforeEach
  void localFileSystem() throws IOException {
    local = new org.apache.hadoop.fs.Path(TestFiles.uri(tmp)).getFileSystem(TestFiles.conf());
  }

  private org.apache.hadoop.fs.Path path(String name) {
    return new org.apache.hadoop.fs.Path(TestFiles.uri(tmp.resolve(name)));
  }

  // ---- WriteFault

  @Test
  void anIoFaultLetsExactlyTheGivenBytesThrough() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = WriteFault.ioErrorAfter(5).wrap(sink);
    out.write(new byte[] {1, 2, 3}, 0, 3);
    out.write(new byte[] {9, 4, 5, 9}, 1, 2); // exactly the room left
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, sink.toByteArray());
    IOException e = assertThrows(IOException.class, () -> out.write(6));
    assertEquals("injected fault after 5 bytes", e.getMessage());
    assertThrows(IOException.class, () -> out.write(new byte[] {7}, 0, 1), "and every write after it");
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, sink.toByteArray());
  }

  @Test
  void aWriteAcrossTheFaultWritesItsFirstPart() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = WriteFault.ioErrorAfter(4).wrap(sink);
    out.write(1);
    assertThrows(IOException.class, () -> out.write(new byte[] {2, 3, 4, 5, 6}, 0, 5));
    assertArrayEquals(new byte[] {1, 2, 3, 4}, sink.toByteArray());
    assertThrows(IOException.class, () -> out.write(new byte[] {7}, 0, 1));
    assertArrayEquals(new byte[] {1, 2, 3, 4}, sink.toByteArray());
  }

  @Test
  void aCrashIsAnErrorNotAnIoException() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = WriteFault.crashAfter(1).wrap(sink);
    out.write(7);
    WriteFault.SimulatedCrash crash = assertThrows(WriteFault.SimulatedCrash.class, () -> out.write(8));
    assertEquals("injected fault after 1 bytes", crash.getMessage());
    assertArrayEquals(new byte[] {7}, sink.toByteArray());
    ByteArrayOutputStream none = new ByteArrayOutputStream();
    assertThrows(WriteFault.SimulatedCrash.class, () -> WriteFault.crashAfter(0).wrap(none).write(new byte[3], 0, 3));
    assertEquals(0, none.size());
  }

  // ---- FsFiles

  /** A local file system that records what the write path asks of the streams it creates. */
  private static final class RecordingFs extends FilterFileSystem {
    final List<String> calls = new ArrayList<>();
    final boolean offersHsync;
    boolean renameWorks = true;
    boolean deleteWorks = true;
    boolean existsFails;

    RecordingFs(FileSystem fs, boolean offersHsync) {
      super(fs);
      this.offersHsync = offersHsync;
    }

    @Override
    public FSDataOutputStream create(org.apache.hadoop.fs.Path f, FsPermission permission, boolean overwrite, int bufferSize,
        short replication, long blockSize, Progressable progress) throws IOException {
      FSDataOutputStream real = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
      return new FSDataOutputStream(new Recording(real), null);
    }

    @Override
    public boolean rename(org.apache.hadoop.fs.Path src, org.apache.hadoop.fs.Path dst) throws IOException {
      return renameWorks && super.rename(src, dst);
    }

    @Override
    public boolean delete(org.apache.hadoop.fs.Path f, boolean recursive) throws IOException {
      return deleteWorks && super.delete(f, recursive);
    }

    @Override
    public boolean exists(org.apache.hadoop.fs.Path f) throws IOException {
      if (existsFails) throw new IOException("disk on fire");
      return super.exists(f);
    }

    private final class Recording extends OutputStream implements Syncable, StreamCapabilities {
      private final FSDataOutputStream real;

      Recording(FSDataOutputStream real) {
        this.real = real;
      }

      @Override
      public void write(int b) throws IOException {
        real.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        calls.add("write " + len);
        real.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        calls.add("flush");
        real.flush();
      }

      @Override
      public void hflush() throws IOException {
        calls.add("hflush");
      }

      @Override
      public void hsync() throws IOException {
        calls.add("hsync");
      }

      @Override
      public boolean hasCapability(String capability) {
        return offersHsync && capability.equals(StreamCapabilities.HSYNC);
      }

      @Override
      public void close() throws IOException {
        calls.add("close");
        real.close();
      }
    }
  }

  @Test
  void aNewFileIsFlushedSyncedWhereTheStreamCanAndClosed() throws IOException {
    RecordingFs syncing = new RecordingFs(local, true);
    FsFiles.writeNew(syncing, path("a"), out -> out.write(new byte[] {1, 2, 3}), null);
    assertEquals(List.of("write 3", "flush", "hsync", "close"), syncing.calls.subList(syncing.calls.indexOf("write 3"),
        syncing.calls.size()).stream().distinct().toList());
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(tmp.resolve("a")));
    RecordingFs plain = new RecordingFs(local, false);
    FsFiles.writeNew(plain, path("b"), out -> out.write(new byte[] {4}), null);
    assertFalse(plain.calls.contains("hsync"), "hsync only where the stream offers it: " + plain.calls);
    assertTrue(plain.calls.contains("flush"));
    assertThrows(org.apache.hadoop.fs.FileAlreadyExistsException.class,
        () -> FsFiles.writeNew(local, path("b"), out -> out.write(5), null), "an existing file is never overwritten");
    assertArrayEquals(new byte[] {4}, Files.readAllBytes(tmp.resolve("b")));
  }

  @Test
  void aFaultInjectedIntoANewFileStopsItsBytes() throws IOException {
    IOException e = assertThrows(IOException.class,
        () -> FsFiles.writeNew(local, path("c"), out -> out.write(new byte[10]), WriteFault.ioErrorAfter(4)));
    assertEquals("injected fault after 4 bytes", e.getMessage());
    assertEquals(4, Files.size(tmp.resolve("c")));
  }

  @Test
  void aFailedRenameIsAnExceptionThatSaysWhetherTheTargetExists() throws IOException {
    RecordingFs fs = new RecordingFs(local, false);
    fs.renameWorks = false;
    Files.write(tmp.resolve("from"), new byte[] {1});
    IOException e = assertThrows(IOException.class, () -> FsFiles.rename(fs, path("from"), path("to")));
    assertEquals("could not rename " + path("from") + " to " + path("to"), e.getMessage());
    Files.write(tmp.resolve("to"), new byte[] {2});
    IOException exists = assertThrows(IOException.class, () -> FsFiles.rename(fs, path("from"), path("to")));
    assertEquals("could not rename " + path("from") + " to " + path("to") + " (the target already exists)", exists.getMessage());
    FsFiles.rename(local, path("from"), path("moved"));
    assertTrue(Files.exists(tmp.resolve("moved")));
    assertFalse(Files.exists(tmp.resolve("from")));
  }

  @Test
  void cleaningUpNeverThrowsButSaysWhatItCouldNotDelete() throws IOException {
    Logger logger = LoggerFactory.getLogger(WriteStepsTest.class);
    Files.write(tmp.resolve("gone"), new byte[] {1});
    try (LogCapture log = new LogCapture(WriteStepsTest.class)) {
      FsFiles.deleteQuietly(local, path("gone"), false, logger);
      assertFalse(Files.exists(tmp.resolve("gone")));
      FsFiles.deleteQuietly(local, path("never-there"), false, logger);
      assertEquals(List.of(), log.lines(), "deleting, or finding nothing to delete, is not worth a line");

      Files.write(tmp.resolve("stuck"), new byte[] {1});
      RecordingFs stuck = new RecordingFs(local, false);
      stuck.deleteWorks = false;
      FsFiles.deleteQuietly(stuck, path("stuck"), false, logger);
      assertEquals(List.of("WARN Could not delete " + path("stuck")), log.lines());

      RecordingFs broken = new RecordingFs(local, false);
      broken.existsFails = true;
      FsFiles.deleteQuietly(broken, path("stuck"), false, logger);
      assertEquals("WARN Could not delete " + path("stuck") + ": java.io.IOException: disk on fire", log.lines().get(1));
    }
    assertTrue(Files.exists(tmp.resolve("stuck")));
  }

  @Test
  void temporarySuffixesAreHexAndDiffer() {
    String a = FsFiles.randomSuffix();
    String b = FsFiles.randomSuffix();
    assertTrue(a.matches("[0-9a-f]{1,16}"), a);
    assertFalse(a.equals(b) && b.equals(FsFiles.randomSuffix()), "three equal 63-bit draws");
  }

  // ---- PublishedFile

  @Test
  void aPublishedFileReplacesTheOldOneOnlyWhenAskedAndLeavesNoTemporaryFile() throws IOException {
    String uri = TestFiles.uri(tmp.resolve("out/deep/file.bin"));
    PublishedFile.write(uri, TestFiles.conf(), new byte[] {1, 2}, false);
    assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(tmp.resolve("out/deep/file.bin")));
    assertEquals(uri + " already exists; choose another output or allow overwriting it",
        assertThrows(IOException.class, () -> PublishedFile.write(uri, TestFiles.conf(), new byte[] {3}, false)).getMessage());
    PublishedFile.write(uri, TestFiles.conf(), new byte[] {3}, true);
    assertArrayEquals(new byte[] {3}, Files.readAllBytes(tmp.resolve("out/deep/file.bin")));
    try (var files = Files.list(tmp.resolve("out/deep"))) {
      assertEquals(List.of("file.bin"), files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList());
    }
    Files.createDirectories(tmp.resolve("dir"));
    String dirUri = TestFiles.uri(tmp.resolve("dir"));
    assertEquals(dirUri + " is a directory, not a file",
        assertThrows(IOException.class, () -> PublishedFile.write(dirUri, TestFiles.conf(), new byte[1], true)).getMessage());
  }
}
