package io.gymbridge.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Every dtype survives encode -> wire bytes -> decode unchanged, bit for bit. */
class TensorsPropertyTest {

  @Property
  void float32RoundTripsBitForBit(@ForAll @Size(max = 64) float[] values) throws Exception {
    Tensor t = reparse(Tensors.ofFloat32(values, values.length));
    Tensors.validate(t, "t");
    float[] back = Tensors.toFloat32(t);
    for (int i = 0; i < values.length; i++) {
      assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]));
    }
  }

  @Property
  void float64RoundTripsBitForBit(@ForAll @Size(max = 64) double[] values) throws Exception {
    Tensor t = reparse(Tensors.ofFloat64(values, values.length));
    Tensors.validate(t, "t");
    double[] back = Tensors.toFloat64(t);
    for (int i = 0; i < values.length; i++) {
      assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(back[i]));
    }
  }

  @Property
  void eightByteIntegersRoundTrip(@ForAll @Size(max = 64) long[] values, @ForAll boolean unsigned)
      throws Exception {
    DType dtype = unsigned ? DType.DTYPE_UINT64 : DType.DTYPE_INT64;
    Tensor t = reparse(Tensors.ofLongs(dtype, values, values.length));
    Tensors.validate(t, "t");
    assertArrayEquals(values, Tensors.toLongs(t));
    for (int i = 0; i < values.length; i++) {
      assertEquals(values[i], Tensors.getLong(Tensors.buffer(t), dtype, i));
    }
  }

  @Property
  void fourByteIntegersRoundTrip(@ForAll @Size(max = 64) int[] values, @ForAll boolean unsigned)
      throws Exception {
    DType dtype = unsigned ? DType.DTYPE_UINT32 : DType.DTYPE_INT32;
    Tensor t = reparse(Tensors.ofInts(dtype, values, values.length));
    Tensors.validate(t, "t");
    assertArrayEquals(values, Tensors.toInts(t));
    for (int i = 0; i < values.length; i++) {
      long expected = unsigned ? Integer.toUnsignedLong(values[i]) : values[i];
      assertEquals(expected, Tensors.getLong(Tensors.buffer(t), dtype, i));
    }
  }

  @Property
  void twoByteTypesRoundTrip(
      @ForAll @Size(max = 64) short[] values, @ForAll @IntRange(max = 2) int kind)
      throws Exception {
    DType dtype = new DType[] {DType.DTYPE_INT16, DType.DTYPE_UINT16, DType.DTYPE_FLOAT16}[kind];
    Tensor t = reparse(Tensors.ofShorts(dtype, values, values.length));
    Tensors.validate(t, "t");
    assertArrayEquals(values, Tensors.toShorts(t));
  }

  @Property
  void oneByteTypesRoundTrip(@ForAll @Size(max = 64) byte[] values, @ForAll boolean unsigned)
      throws Exception {
    DType dtype = unsigned ? DType.DTYPE_UINT8 : DType.DTYPE_INT8;
    Tensor t = reparse(Tensors.ofBytes(dtype, values, values.length));
    Tensors.validate(t, "t");
    assertArrayEquals(values, Tensors.toBytes(t));
    for (int i = 0; i < values.length; i++) {
      long expected = unsigned ? Byte.toUnsignedLong(values[i]) : values[i];
      assertEquals(expected, Tensors.getLong(Tensors.buffer(t), dtype, i));
    }
  }

  @Property
  void boolRoundTrips(@ForAll @Size(max = 64) boolean[] values) throws Exception {
    Tensor t = reparse(Tensors.ofBool(values, values.length));
    Tensors.validate(t, "t");
    assertArrayEquals(values, Tensors.toBool(t));
  }

  @Property
  void multiDimensionalShapesKeepCOrder(
      @ForAll @IntRange(min = 0, max = 5) int rows, @ForAll @IntRange(min = 0, max = 5) int cols) {
    float[] values = new float[rows * cols];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    Tensor t = Tensors.ofFloat32(values, rows, cols);
    ByteBuffer le = t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        assertEquals(r * cols + c, le.getFloat((r * cols + c) * 4));
      }
    }
  }

  @Property
  void aTensorWithTheWrongByteCountIsRejectedWithBothCounts(
      @ForAll @IntRange(min = 1, max = 16) int n, @ForAll @IntRange(min = 1, max = 7) int missing) {
    Tensor good = Tensors.ofFloat64(new double[n], n);
    ByteString cut = good.getData().substring(0, good.getData().size() - missing);
    Tensor bad = good.toBuilder().setData(cut).build();
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> Tensors.validate(bad, "obs"));
    assertTrue(e.getMessage().contains("expected " + n * 8 + " bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("got " + (n * 8 - missing)), e.getMessage());
  }

  @Property
  void boolBytesOtherThanZeroOrOneAreRejected(@ForAll @IntRange(min = 2, max = 255) int b) {
    Tensor bad =
        Tensor.newBuilder()
            .setDtype(DType.DTYPE_BOOL)
            .addShape(1)
            .setData(ByteString.copyFrom(new byte[] {(byte) b}))
            .build();
    assertThrows(InvalidValueException.class, () -> Tensors.validate(bad, "mask"));
  }

  @Property
  void float16DecodesLikeIeeeHalf(@ForAll short bits) {
    float f = Float16.toFloat(bits);
    // Re-encode through float -> half by hand for normal numbers and compare.
    int h = bits & 0xFFFF;
    int exp = (h >>> 10) & 0x1F;
    if (exp != 0 && exp != 0x1F) {
      double expected =
          Math.pow(2, exp - 15) * (1 + (h & 0x3FF) / 1024.0) * ((h & 0x8000) != 0 ? -1 : 1);
      assertEquals(expected, f, 0.0);
    } else if (exp == 0) {
      double expected = Math.pow(2, -14) * ((h & 0x3FF) / 1024.0) * ((h & 0x8000) != 0 ? -1 : 1);
      assertEquals(expected, f, 0.0);
    } else {
      assertTrue(Float.isNaN(f) || Float.isInfinite(f));
    }
  }

  private static Tensor reparse(Tensor t) throws Exception {
    return Tensor.parseFrom(t.toByteArray());
  }
}
