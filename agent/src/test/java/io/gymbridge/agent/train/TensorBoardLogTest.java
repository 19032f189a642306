package io.gymbridge.agent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.agent.train.EventFiles.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event files the trainer leaves for TensorBoard: framing, protos, steps, files, flushes. */
class TensorBoardLogTest {
  private static final long START_MILLIS = 1_700_000_000_500L;

  /** Wall time that moves only when a test says so. */
  private static final class FakeClock extends Clock {
    long millis = START_MILLIS;

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private static TensorBoardLog open(Path dir, long startStep, int stepsPerBatch, FakeClock clock)
      throws IOException {
    return TensorBoardLog.open(dir, startStep, stepsPerBatch, clock, "host-1");
  }

  @Test
  void theMaskedCrcIsTensorFlowsMaskOfTheStandardCrc32c() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    // 0xe3069283: CRC-32C's published check value for "123456789".
    int expected = Integer.rotateRight(0xe3069283, 15) + 0xa282ead8;
    assertEquals(expected, TfRecords.maskedCrc32c(check, 0, check.length));
    assertEquals(expected, EventFiles.masked(check));
  }

  @Test
  void everyRecordCarriesItsLengthAndTheMaskedCrcsOfLengthAndData(@TempDir Path dir)
      throws IOException {
    FakeClock clock = new FakeClock();
    Path file;
    try (TensorBoardLog log = open(dir, 0, 1, clock)) {
      file = log.file();
      log.scalar("eval/episodic_return", 10, 123.5);
      log.episode(20, 9.0, 9);
    }
    byte[] bytes = Files.readAllBytes(file);
    List<byte[]> records = EventFiles.records(file); // recomputes both CRCs of every record
    assertEquals(4, records.size());
    long framed = records.stream().mapToLong(r -> 8 + 4 + r.length + 4).sum();
    assertEquals(bytes.length, framed, "records fill the file exactly, no gaps or trailing bytes");

    bytes[bytes.length - 10] ^= 1; // a bit of the last record's data
    Files.write(file, bytes);
    assertThrows(AssertionError.class, () -> EventFiles.records(file));
  }

  @Test
  void theFileOpensWithItsVersionThenASessionStartAfterTheStartStep(@TempDir Path dir)
      throws IOException {
    FakeClock clock = new FakeClock();
    Path file;
    try (TensorBoardLog log = open(dir, 0, 1, clock)) {
      file = log.file();
    }
    assertEquals("events.out.tfevents.1700000000.host-1", file.getFileName().toString());
    List<Event> events = EventFiles.read(file);
    assertEquals(2, events.size());
    assertEquals("brain.Event:2", events.get(0).fileVersion());
    assertEquals(START_MILLIS / 1000.0, events.get(0).wallTime());
    assertEquals(1, events.get(1).sessionStatus()); // SessionLog.START
    assertEquals(1, events.get(1).step());
    assertNull(events.get(1).values());
  }

  @Test
  void aScalarIsOneEventWithTheTagTheStepAndTheWallTime(@TempDir Path dir) throws IOException {
    FakeClock clock = new FakeClock();
    Path file;
    try (TensorBoardLog log = open(dir, 0, 1, clock)) {
      file = log.file();
      clock.millis += 1_250;
      log.scalar("eval/episodic_return", 5_000, 487.25);
    }
    Event e = EventFiles.read(file).get(2);
    assertEquals(5_000, e.step());
    assertEquals((START_MILLIS + 1_250) / 1000.0, e.wallTime());
    assertEquals(Map.of("eval/episodic_return", 487.25f), e.values());
  }

  @Test
  void episodesEndingInOneBatchGetConsecutiveStepsFromTheBatchsFirst(@TempDir Path dir)
      throws IOException {
    FakeClock clock = new FakeClock();
    Path file;
    try (TensorBoardLog log = open(dir, 0, 4, clock)) {
      file = log.file();
      log.episode(8, 10, 10); // three envs end in the batch of steps 5..8
      log.episode(8, 11, 11);
      log.episode(8, 12, 12);
      log.episode(12, 13, 13); // one in the batch of steps 9..12
    }
    List<Event> episodes = EventFiles.read(file).subList(2, 6);
    assertEquals(List.of(5L, 6L, 7L, 9L), episodes.stream().map(Event::step).toList());
    assertEquals(
        Map.of("charts/episodic_return", 11f, "charts/episodic_length", 11f),
        episodes.get(1).values());
  }

  @Test
  void trainingScalarsComeEveryHundredStepsWithLossesOnlyOnceLearningBegan(@TempDir Path dir)
      throws IOException {
    FakeClock clock = new FakeClock();
    Path file;
    try (TensorBoardLog log = open(dir, 0, 16, clock)) {
      file = log.file();
      for (long step = 16; step <= 320; step += 16) {
        long updates = step >= 200 ? (step - 192) / 16 : 0;
        log.trainingStats(step, updates, 0.5, updates > 0 ? 0.25 : Double.NaN, 3.0, 1_000);
      }
    }
    List<Event> rows = EventFiles.read(file).subList(2, EventFiles.read(file).size());
    assertEquals(List.of(112L, 208L, 304L), rows.stream().map(Event::step).toList());
    assertEquals(Map.of("charts/SPS", 1_000f, "charts/epsilon", 0.5f), rows.get(0).values());
    assertEquals(
        Map.of(
            "losses/td_loss", 0.25f,
            "losses/q_values", 3f,
            "charts/SPS", 1_000f,
            "charts/epsilon", 0.5f),
        rows.get(1).values());
  }

  @Test
  void aResumeWritesANewFileThatSortsAfterTheFirstAndStartsAfterTheCheckpoint(@TempDir Path dir)
      throws IOException {
    FakeClock clock = new FakeClock();
    try (TensorBoardLog log = open(dir, 0, 4, clock)) {
      log.episode(100, 1, 1);
    }
    try (TensorBoardLog log = open(dir, 2_000, 4, clock)) { // the same second
      log.trainingStats(2_104, 10, 0.1, 0.5, 2, 900);
      log.trainingStats(2_108, 10, 0.1, 0.5, 2, 900); // same hundred: no row
    }
    List<Path> files = EventFiles.list(dir);
    assertEquals(2, files.size());
    assertEquals("events.out.tfevents.1700000001.host-1", files.get(1).getFileName().toString());
    List<Event> resumed = EventFiles.read(files.get(1));
    assertEquals(3, resumed.size());
    assertEquals(2_001, resumed.get(1).step());
    assertEquals(1, resumed.get(1).sessionStatus());
    assertEquals(2_104, resumed.get(2).step());
  }

  @Test
  void writesReachTheFileOnceTheFlushIntervalHasPassed(@TempDir Path dir) throws IOException {
    FakeClock clock = new FakeClock();
    try (TensorBoardLog log = open(dir, 0, 1, clock)) {
      assertEquals(2, EventFiles.read(log.file()).size(), "the header is flushed at once");
      log.scalar("a", 1, 1);
      clock.millis += TensorBoardLog.FLUSH_MILLIS - 1;
      log.trainingStats(2, 0, 1, Double.NaN, Double.NaN, 0);
      assertEquals(2, EventFiles.read(log.file()).size(), "buffered before the interval");
      clock.millis += 1;
      log.trainingStats(3, 0, 1, Double.NaN, Double.NaN, 0);
      assertEquals(3, EventFiles.read(log.file()).size(), "flushed after it");
    }
  }

  @Test
  void aNameNotOfThisFormatDoesNotStopANewFile(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("events.out.tfevents.garbage"), "");
    FakeClock clock = new FakeClock();
    try (TensorBoardLog log = open(dir, 0, 1, clock)) {
      assertTrue(Files.exists(log.file()));
    }
    assertTrue(TensorBoardLog.hostname().matches("[A-Za-z0-9._-]+"));
  }
}
