package io.gymbridge.agent.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * The replay checkpoint format: a header (magic, version, kind) then the replay's own body, all
 * big-endian as {@link DataOutput} writes. Arrays go through a byte buffer in chunks, because one
 * {@code writeFloat} call per element is ~10x slower for a buffer of millions of floats.
 */
final class ReplayCheckpointFormat {
  static final int MAGIC = 0x47425250; // "GBRP"
  static final int VERSION = 1;
  static final byte KIND_UNIFORM = 1;
  static final byte KIND_PRIORITIZED = 2;
  static final byte KIND_FRAMES = 3;

  private static final int CHUNK_BYTES = 1 << 16;

  private ReplayCheckpointFormat() {}

  static void writeHeader(DataOutput out, byte kind) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeByte(kind);
  }

  /** Reads and checks the header; returns the kind. */
  static byte readHeader(DataInput in) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(
          String.format("not a replay checkpoint: magic 0x%08x, expected 0x%08x", magic, MAGIC));
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException(
          "replay checkpoint version " + version + " is not supported (expected " + VERSION + ")");
    }
    return in.readByte();
  }

  static void expectKind(byte actual, byte expected) throws IOException {
    if (actual != expected) {
      throw new IOException(
          "replay checkpoint holds kind " + actual + ", expected kind " + expected);
    }
  }

  static void writeFloats(DataOutput out, float[] a, int length) throws IOException {
    byte[] chunk = new byte[CHUNK_BYTES];
    ByteBuffer buf = ByteBuffer.wrap(chunk);
    for (int i = 0; i < length; ) {
      int n = Math.min(length - i, CHUNK_BYTES / Float.BYTES);
      buf.clear();
      buf.asFloatBuffer().put(a, i, n);
      out.write(chunk, 0, n * Float.BYTES);
      i += n;
    }
  }

  static void readFloats(DataInput in, float[] a, int length) throws IOException {
    byte[] chunk = new byte[CHUNK_BYTES];
    ByteBuffer buf = ByteBuffer.wrap(chunk);
    for (int i = 0; i < length; ) {
      int n = Math.min(length - i, CHUNK_BYTES / Float.BYTES);
      in.readFully(chunk, 0, n * Float.BYTES);
      buf.clear();
      buf.asFloatBuffer().get(a, i, n);
      i += n;
    }
  }

  static void writeInts(DataOutput out, int[] a, int length) throws IOException {
    byte[] chunk = new byte[CHUNK_BYTES];
    ByteBuffer buf = ByteBuffer.wrap(chunk);
    for (int i = 0; i < length; ) {
      int n = Math.min(length - i, CHUNK_BYTES / Integer.BYTES);
      buf.clear();
      buf.asIntBuffer().put(a, i, n);
      out.write(chunk, 0, n * Integer.BYTES);
      i += n;
    }
  }

  static void readInts(DataInput in, int[] a, int length) throws IOException {
    byte[] chunk = new byte[CHUNK_BYTES];
    ByteBuffer buf = ByteBuffer.wrap(chunk);
    for (int i = 0; i < length; ) {
      int n = Math.min(length - i, CHUNK_BYTES / Integer.BYTES);
      in.readFully(chunk, 0, n * Integer.BYTES);
      buf.clear();
      buf.asIntBuffer().get(a, i, n);
      i += n;
    }
  }

  static void writeDoubles(DataOutput out, double[] a, int offset, int length) throws IOException {
    byte[] chunk = new byte[CHUNK_BYTES];
    ByteBuffer buf = ByteBuffer.wrap(chunk);
    for (int i = 0; i < length; ) {
      int n = Math.min(length - i, CHUNK_BYTES / Double.BYTES);
      buf.clear();
      buf.asDoubleBuffer().put(a, offset + i, n);
      out.write(chunk, 0, n * Double.BYTES);
      i += n;
    }
  }

  static void readDoubles(DataInput in, double[] a, int offset, int length) throws IOException {
    byte[] chunk = new byte[CHUNK_BYTES];
    ByteBuffer buf = ByteBuffer.wrap(chunk);
    for (int i = 0; i < length; ) {
      int n = Math.min(length - i, CHUNK_BYTES / Double.BYTES);
      in.readFully(chunk, 0, n * Double.BYTES);
      buf.clear();
      buf.asDoubleBuffer().get(a, offset + i, n);
      i += n;
    }
  }

  /**
   * Writes direct buffers that may not be allocated yet: per buffer a presence flag, then its bytes
   * through one reused piece (a direct buffer has no array to write from).
   */
  static void writeBuffers(DataOutput out, ByteBuffer[] buffers) throws IOException {
    byte[] piece = new byte[CHUNK_BYTES];
    for (ByteBuffer b : buffers) {
      out.writeBoolean(b != null);
      for (int at = 0; b != null && at < b.capacity(); at += piece.length) {
        int n = Math.min(piece.length, b.capacity() - at);
        b.get(at, piece, 0, n);
        out.write(piece, 0, n);
      }
    }
  }

  /**
   * Reads what {@link #writeBuffers} wrote for {@code count} buffers; {@code allocate} gives buffer
   * {@code i}, allocating it, for those that were present.
   */
  static void readBuffers(DataInput in, int count, IntFunction<ByteBuffer> allocate)
      throws IOException {
    byte[] piece = new byte[CHUNK_BYTES];
    for (int i = 0; i < count; i++) {
      if (in.readBoolean()) {
        ByteBuffer b = allocate.apply(i);
        for (int at = 0; at < b.capacity(); at += piece.length) {
          int n = Math.min(piece.length, b.capacity() - at);
          in.readFully(piece, 0, n);
          b.put(at, piece, 0, n);
        }
      }
    }
  }
}
