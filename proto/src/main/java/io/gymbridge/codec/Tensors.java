package io.gymbridge.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Builds and reads {@link Tensor}s: dtype, shape and raw little-endian bytes in C order.
 *
 * <p>The {@code of*} builders copy their input; readers validate the byte count first, so a
 * malformed tensor from the network fails with a message instead of reading garbage.
 */
public final class Tensors {
  private Tensors() {}

  /** Number of elements of a shape (1 for a scalar); rejects negative dims and overflow. */
  public static long elementCount(List<Long> shape) {
    long n = 1;
    for (int i = 0; i < shape.size(); i++) {
      long d = shape.get(i);
      if (d < 0) {
        throw new InvalidValueException("shape[" + i + "]", "a dimension >= 0, got " + d);
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Checks that {@code data} holds exactly elements * dtype size bytes. */
  public static void validate(Tensor t, String field) {
    long elements;
    int size;
    try {
      elements = elementCount(t.getShapeList());
      size = DTypes.size(t.getDtype());
    } catch (InvalidValueException e) {
      throw new InvalidValueException(field + "." + e.getMessage());
    } catch (ArithmeticException e) {
      throw new InvalidValueException(field + ".shape", "a shape whose size fits in 64 bits");
    }
    long expected = elements * size;
    if (t.getData().size() != expected) {
      throw new InvalidValueException(
          field
              + ".data: expected "
              + expected
              + " bytes ("
              + elements
              + " x "
              + DTypes.numpyName(t.getDtype())
              + " for shape "
              + t.getShapeList()
              + "), got "
              + t.getData().size());
    }
    if (t.getDtype() == DType.DTYPE_BOOL) {
      ByteString d = t.getData();
      for (int i = 0; i < d.size(); i++) {
        byte b = d.byteAt(i);
        if (b != 0 && b != 1) {
          throw new InvalidValueException(
              field + ".data[" + i + "]", "a bool byte 0 or 1, got " + b);
        }
      }
    }
  }

  /** A little-endian view of the tensor's bytes (no copy). */
  public static ByteBuffer buffer(Tensor t) {
    return t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Wraps bytes that the caller hands over and never changes again (no copy). */
  public static Tensor wrap(DType dtype, long[] shape, byte[] data) {
    return build(dtype, shape, UnsafeByteOperations.unsafeWrap(data));
  }

  private static Tensor build(DType dtype, long[] shape, ByteString data) {
    Tensor.Builder b = Tensor.newBuilder().setDtype(dtype).setData(data);
    for (long d : shape) {
      b.addShape(d);
    }
    return b.build();
  }

  private static ByteBuffer allocate(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  public static Tensor ofFloat32(float[] values, long... shape) {
    checkCount(values.length, shape);
    ByteBuffer b = allocate(values.length * 4);
    b.asFloatBuffer().put(values);
    return wrap(DType.DTYPE_FLOAT32, shape, b.array());
  }

  public static Tensor ofFloat64(double[] values, long... shape) {
    checkCount(values.length, shape);
    ByteBuffer b = allocate(values.length * 8);
    b.asDoubleBuffer().put(values);
    return wrap(DType.DTYPE_FLOAT64, shape, b.array());
  }

  /** int64, or another 8-byte integer dtype (uint64) whose bits the longs hold. */
  public static Tensor ofLongs(DType dtype, long[] values, long... shape) {
    checkCount(values.length, shape);
    requireSize(dtype, 8);
    ByteBuffer b = allocate(values.length * 8);
    b.asLongBuffer().put(values);
    return wrap(dtype, shape, b.array());
  }

  public static Tensor ofInt64(long[] values, long... shape) {
    return ofLongs(DType.DTYPE_INT64, values, shape);
  }

  /** int32 or uint32 (bits held in ints). */
  public static Tensor ofInts(DType dtype, int[] values, long... shape) {
    checkCount(values.length, shape);
    requireSize(dtype, 4);
    ByteBuffer b = allocate(values.length * 4);
    b.asIntBuffer().put(values);
    return wrap(dtype, shape, b.array());
  }

  /** int16, uint16 or float16 (bits held in shorts). */
  public static Tensor ofShorts(DType dtype, short[] values, long... shape) {
    checkCount(values.length, shape);
    requireSize(dtype, 2);
    ByteBuffer b = allocate(values.length * 2);
    b.asShortBuffer().put(values);
    return wrap(dtype, shape, b.array());
  }

  /** int8 or uint8 (bits held in bytes). */
  public static Tensor ofBytes(DType dtype, byte[] values, long... shape) {
    checkCount(values.length, shape);
    requireSize(dtype, 1);
    if (dtype == DType.DTYPE_BOOL) {
      throw new IllegalArgumentException("use ofBool for bool tensors");
    }
    return wrap(dtype, shape, values.clone());
  }

  public static Tensor ofBool(boolean[] values, long... shape) {
    checkCount(values.length, shape);
    byte[] data = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      data[i] = (byte) (values[i] ? 1 : 0);
    }
    return wrap(DType.DTYPE_BOOL, shape, data);
  }

  public static float[] toFloat32(Tensor t) {
    requireDtype(t, DType.DTYPE_FLOAT32);
    float[] out = new float[t.getData().size() / 4];
    buffer(t).asFloatBuffer().get(out);
    return out;
  }

  public static double[] toFloat64(Tensor t) {
    requireDtype(t, DType.DTYPE_FLOAT64);
    double[] out = new double[t.getData().size() / 8];
    buffer(t).asDoubleBuffer().get(out);
    return out;
  }

  /** Any 8-byte integer tensor's raw bits. */
  public static long[] toLongs(Tensor t) {
    requireSize(t.getDtype(), 8);
    long[] out = new long[t.getData().size() / 8];
    buffer(t).asLongBuffer().get(out);
    return out;
  }

  public static int[] toInts(Tensor t) {
    requireSize(t.getDtype(), 4);
    int[] out = new int[t.getData().size() / 4];
    buffer(t).asIntBuffer().get(out);
    return out;
  }

  public static short[] toShorts(Tensor t) {
    requireSize(t.getDtype(), 2);
    short[] out = new short[t.getData().size() / 2];
    buffer(t).asShortBuffer().get(out);
    return out;
  }

  public static byte[] toBytes(Tensor t) {
    return t.getData().toByteArray();
  }

  public static boolean[] toBool(Tensor t) {
    requireDtype(t, DType.DTYPE_BOOL);
    byte[] data = t.getData().toByteArray();
    boolean[] out = new boolean[data.length];
    for (int i = 0; i < data.length; i++) {
      out[i] = data[i] != 0;
    }
    return out;
  }

  /**
   * Reads element {@code i} of any integer or bool tensor as a long (unsigned types zero-extended;
   * uint64 above Long.MAX_VALUE comes back negative, as its bits).
   */
  public static long getLong(ByteBuffer le, DType dtype, int i) {
    return switch (dtype) {
      case DTYPE_BOOL, DTYPE_UINT8 -> le.get(i) & 0xFFL;
      case DTYPE_INT8 -> le.get(i);
      case DTYPE_INT16 -> le.getShort(i * 2);
      case DTYPE_UINT16 -> le.getShort(i * 2) & 0xFFFFL;
      case DTYPE_INT32 -> le.getInt(i * 4);
      case DTYPE_UINT32 -> le.getInt(i * 4) & 0xFFFFFFFFL;
      case DTYPE_INT64, DTYPE_UINT64 -> le.getLong(i * 8);
      default -> throw new InvalidValueException("dtype", "an integer dtype, got " + dtype);
    };
  }

  /** Reads element {@code i} of a float tensor as a double (float16 widened exactly). */
  public static double getDouble(ByteBuffer le, DType dtype, int i) {
    return switch (dtype) {
      case DTYPE_FLOAT16 -> Float16.toFloat(le.getShort(i * 2));
      case DTYPE_FLOAT32 -> le.getFloat(i * 4);
      case DTYPE_FLOAT64 -> le.getDouble(i * 8);
      default -> getLong(le, dtype, i);
    };
  }

  private static void checkCount(int values, long[] shape) {
    if (elementCount(shape) != values) {
      throw new IllegalArgumentException(
          values + " values do not fill shape " + Arrays.toString(shape));
    }
  }

  private static void requireSize(DType dtype, int size) {
    if (DTypes.size(dtype) != size) {
      throw new IllegalArgumentException(dtype + " is not a " + size + "-byte dtype");
    }
  }

  private static void requireDtype(Tensor t, DType dtype) {
    if (t.getDtype() != dtype) {
      throw new InvalidValueException(
          "dtype", DTypes.numpyName(dtype) + ", got " + DTypes.numpyName(t.getDtype()));
    }
  }
}
