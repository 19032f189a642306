package io.gymbridge.agent.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard's event files. Each record is, little-endian:
 *
 * <pre>
 * uint64  length of data
 * uint32  masked CRC32C of those 8 length bytes
 * byte    data[length]
 * uint32  masked CRC32C of data
 * </pre>
 *
 * A reader checks both CRCs, so a record cut short by a crash (or still being written) is skipped
 * rather than misread.
 */
final class TfRecords {
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecords() {}

  /** Writes one record holding {@code data}. */
  static void write(OutputStream out, byte[] data) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(data.length);
    header.putInt(maskedCrc32c(header.array(), 0, 8));
    out.write(header.array());
    out.write(data);
    ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    footer.putInt(maskedCrc32c(data, 0, data.length));
    out.write(footer.array());
  }

  /**
   * CRC32C, rotated right by 15 bits and offset by a constant: TensorFlow masks the CRCs it stores
   * because a CRC computed over data that itself holds CRCs is weak.
   */
  static int maskedCrc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }
}
