package io.gymbridge.agent.train;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads TensorBoard event files back for tests, independently of {@link TfRecords}: every record's
 * length and both masked CRC32Cs are recomputed here, and a mismatch fails the read.
 */
final class EventFiles {
  private EventFiles() {}

  /** A decoded {@code tensorboard.Event}; absent fields are null, the summary's values in order. */
  record Event(
      double wallTime,
      long step,
      String fileVersion,
      Integer sessionStatus,
      Map<String, Float> values) {}

  /** The event files of a run directory, sorted by name (TensorBoard's reading order). */
  static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("events.out.tfevents."))
          .sorted()
          .toList();
    }
  }

  /** The records of a TFRecord file, each checked against its length and masked CRCs. */
  static List<byte[]> records(Path file) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> records = new ArrayList<>();
    while (in.hasRemaining()) {
      if (in.remaining() < 12) {
        throw new AssertionError("a truncated record header at byte " + in.position());
      }
      byte[] lengthBytes = new byte[8];
      in.get(lengthBytes);
      long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
      int lengthCrc = in.getInt();
      if (lengthCrc != masked(lengthBytes)) {
        throw new AssertionError("bad length CRC at byte " + (in.position() - 12));
      }
      if (length < 0 || length > in.remaining() - 4) {
        throw new AssertionError("record length " + length + " overruns the file");
      }
      byte[] data = new byte[(int) length];
      in.get(data);
      if (in.getInt() != masked(data)) {
        throw new AssertionError("bad data CRC in record " + records.size());
      }
      records.add(data);
    }
    return records;
  }

  /** The events of one file. */
  static List<Event> read(Path file) throws IOException {
    List<Event> events = new ArrayList<>();
    for (byte[] record : records(file)) {
      events.add(event(record));
    }
    return events;
  }

  /** The events of every event file in {@code dir}, in TensorBoard's reading order. */
  static List<Event> readAll(Path dir) throws IOException {
    List<Event> events = new ArrayList<>();
    for (Path f : list(dir)) {
      events.addAll(read(f));
    }
    return events;
  }

  /** CRC32C masked as TensorFlow's crc32c::Mask: rotated right 15 bits, plus 0xa282ead8. */
  static int masked(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return Integer.rotateRight((int) crc.getValue(), 15) + 0xa282ead8;
  }

  private static Event event(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    double wallTime = 0;
    long step = 0;
    String fileVersion = null;
    Integer sessionStatus = null;
    Map<String, Float> values = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (1 << 3) | WireFormat.WIRETYPE_FIXED64 -> wallTime = in.readDouble();
        case (2 << 3) | WireFormat.WIRETYPE_VARINT -> step = in.readInt64();
        case (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> fileVersion = in.readString();
        case (5 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> values = summary(in.readBytes());
        case (7 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
          CodedInputStream log = in.readBytes().newCodedInput();
          sessionStatus = 0;
          for (int t = log.readTag(); t != 0; t = log.readTag()) {
            if (t == ((1 << 3) | WireFormat.WIRETYPE_VARINT)) {
              sessionStatus = log.readEnum();
            } else {
              log.skipField(t);
            }
          }
        }
        default -> throw new AssertionError("unexpected Event field tag " + tag);
      }
    }
    return new Event(wallTime, step, fileVersion, sessionStatus, values);
  }

  private static Map<String, Float> summary(com.google.protobuf.ByteString bytes)
      throws IOException {
    Map<String, Float> values = new LinkedHashMap<>();
    CodedInputStream in = bytes.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag != ((1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
        throw new AssertionError("unexpected Summary field tag " + tag);
      }
      CodedInputStream value = in.readBytes().newCodedInput();
      String name = null;
      Float simple = null;
      for (int t = value.readTag(); t != 0; t = value.readTag()) {
        switch (t) {
          case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> name = value.readString();
          case (2 << 3) | WireFormat.WIRETYPE_FIXED32 -> simple = value.readFloat();
          default -> throw new AssertionError("unexpected Summary.Value field tag " + t);
        }
      }
      values.put(name, simple);
    }
    return values;
  }
}
