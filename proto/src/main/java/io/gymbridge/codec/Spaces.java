package io.gymbridge.codec;

import io.gymbridge.v1.BoxSpace;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.DictEntry;
import io.gymbridge.v1.DictSpace;
import io.gymbridge.v1.DiscreteSpace;
import io.gymbridge.v1.MultiBinarySpace;
import io.gymbridge.v1.MultiDiscreteSpace;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.TextSpace;
import io.gymbridge.v1.TupleSpace;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link Space} messages the way gymnasium.spaces constructs them, and answers the questions
 * servers and clients ask of a space: its element dtype and shape, and its printable form for error
 * messages.
 */
public final class Spaces {
  private Spaces() {}

  /**
   * A float32 Box with per-element bounds, as {@code Box(low, high, dtype=np.float32)}; a bound
   * whose elements are all equal travels as a scalar (see {@link #box}).
   */
  public static Space boxFloat32(float[] low, float[] high, long... shape) {
    return box(
        DType.DTYPE_FLOAT32, shape, Tensors.ofFloat32(low, shape), Tensors.ofFloat32(high, shape));
  }

  /** A uint8 Box with the same bounds everywhere (image observations): scalar bounds. */
  public static Space boxUint8(int low, int high, long... shape) {
    return box(
        DType.DTYPE_UINT8,
        shape,
        Tensors.ofBytes(DType.DTYPE_UINT8, new byte[] {(byte) low}),
        Tensors.ofBytes(DType.DTYPE_UINT8, new byte[] {(byte) high}));
  }

  /**
   * A Box with bounds {@code low} and {@code high}, each of the Box's full shape or a scalar (shape
   * []) broadcast to it. A full-shape bound whose elements are all equal is sent as a scalar, as
   * the contract asks; other bounds travel as given.
   *
   * @throws InvalidValueException when a bound has another dtype or shape, or the wrong byte count
   */
  public static Space box(DType dtype, long[] shape, Tensor low, Tensor high) {
    BoxSpace.Builder b = BoxSpace.newBuilder().setDtype(dtype);
    for (long d : shape) {
      b.addShape(d);
    }
    checkBound(dtype, b.getShapeList(), low, "box.low");
    checkBound(dtype, b.getShapeList(), high, "box.high");
    b.setLow(compact(low)).setHigh(compact(high));
    return Space.newBuilder().setBox(b).build();
  }

  /** True when {@code bound} is the scalar form (shape []) that receivers broadcast. */
  public static boolean isScalarBound(Tensor bound) {
    return bound.getShapeCount() == 0;
  }

  /** {@code bound} as one scalar when all its elements are equal (byte for byte), else as is. */
  static Tensor compact(Tensor bound) {
    if (isScalarBound(bound)) {
      return bound;
    }
    int size = DTypes.size(bound.getDtype());
    com.google.protobuf.ByteString data = bound.getData();
    if (data.isEmpty()) {
      return bound;
    }
    for (int i = size; i < data.size(); i += size) {
      for (int k = 0; k < size; k++) {
        if (data.byteAt(i + k) != data.byteAt(k)) {
          return bound;
        }
      }
    }
    return Tensor.newBuilder().setDtype(bound.getDtype()).setData(data.substring(0, size)).build();
  }

  /**
   * The Box's {@code low} or {@code high} at the Box's full shape: a scalar bound broadcast, a
   * full-shape one as is. Validates it first.
   */
  public static Tensor fullBound(BoxSpace box, Tensor bound) {
    checkBound(box.getDtype(), box.getShapeList(), bound, "box bound");
    if (!isScalarBound(bound)) {
      return bound;
    }
    long[] shape = box.getShapeList().stream().mapToLong(Long::longValue).toArray();
    int n = Math.toIntExact(Tensors.elementCount(shape));
    byte[] one = bound.getData().toByteArray();
    byte[] all = new byte[n * one.length];
    for (int i = 0; i < n; i++) {
      System.arraycopy(one, 0, all, i * one.length, one.length);
    }
    return Tensors.wrap(box.getDtype(), shape, all);
  }

  /**
   * Checks the Box bounds in {@code space} and every space nested in it: each of the Box's dtype,
   * and of its full shape or a scalar (shape []), with the byte count that shape needs. For spaces
   * received from the network.
   *
   * @throws InvalidValueException naming the malformed bound
   */
  public static void validate(Space space, String field) {
    switch (space.getKindCase()) {
      case BOX -> {
        BoxSpace box = space.getBox();
        checkBound(box.getDtype(), box.getShapeList(), box.getLow(), field + ".box.low");
        checkBound(box.getDtype(), box.getShapeList(), box.getHigh(), field + ".box.high");
      }
      case TUPLE -> {
        for (int i = 0; i < space.getTuple().getSpacesCount(); i++) {
          validate(space.getTuple().getSpaces(i), field + ".tuple[" + i + "]");
        }
      }
      case DICT -> {
        for (DictEntry e : space.getDict().getEntriesList()) {
          validate(e.getSpace(), field + ".dict['" + e.getKey() + "']");
        }
      }
      default -> {}
    }
  }

  private static void checkBound(DType dtype, List<Long> shape, Tensor bound, String field) {
    if (bound.getDtype() != dtype) {
      throw new InvalidValueException(
          field + ".dtype",
          "the Box's dtype "
              + DTypes.numpyName(dtype)
              + ", got "
              + DTypes.numpyName(bound.getDtype()));
    }
    if (!isScalarBound(bound) && !bound.getShapeList().equals(shape)) {
      throw new InvalidValueException(
          field + ".shape",
          "the Box's shape "
              + shape
              + " or [] (a scalar broadcast to it), got "
              + bound.getShapeList());
    }
    Tensors.validate(bound, field);
  }

  public static Space discrete(long n) {
    return discrete(n, 0);
  }

  public static Space discrete(long n, long start) {
    if (n <= 0) {
      throw new IllegalArgumentException("Discrete n must be > 0, got " + n);
    }
    return Space.newBuilder()
        .setDiscrete(DiscreteSpace.newBuilder().setN(n).setStart(start))
        .build();
  }

  public static Space multiDiscrete(long[] nvec, long[] start) {
    long[] shape = {nvec.length};
    return Space.newBuilder()
        .setMultiDiscrete(
            MultiDiscreteSpace.newBuilder()
                .setNvec(Tensors.ofInt64(nvec, shape))
                .setStart(Tensors.ofInt64(start, shape)))
        .build();
  }

  public static Space multiBinary(long... shape) {
    MultiBinarySpace.Builder b = MultiBinarySpace.newBuilder();
    for (long d : shape) {
      b.addShape(d);
    }
    return Space.newBuilder().setMultiBinary(b).build();
  }

  public static Space tuple(List<Space> spaces) {
    return Space.newBuilder().setTuple(TupleSpace.newBuilder().addAllSpaces(spaces)).build();
  }

  /** A Dict space; iteration order of {@code spaces} is the space's key order. */
  public static Space dict(Map<String, Space> spaces) {
    DictSpace.Builder b = DictSpace.newBuilder();
    spaces.forEach((k, v) -> b.addEntries(DictEntry.newBuilder().setKey(k).setSpace(v)));
    return Space.newBuilder().setDict(b).build();
  }

  public static Space text(int minLength, int maxLength, String charset) {
    return Space.newBuilder()
        .setText(
            TextSpace.newBuilder()
                .setMinLength(minLength)
                .setMaxLength(maxLength)
                .setCharset(charset))
        .build();
  }

  /** True for spaces whose elements are one tensor: Box, Discrete, MultiDiscrete, MultiBinary. */
  public static boolean isArraySpace(Space s) {
    return switch (s.getKindCase()) {
      case BOX, DISCRETE, MULTI_DISCRETE, MULTI_BINARY -> true;
      default -> false;
    };
  }

  /** The element dtype of an array space. */
  public static DType dtype(Space s) {
    return switch (s.getKindCase()) {
      case BOX -> s.getBox().getDtype();
      case DISCRETE -> DType.DTYPE_INT64;
      case MULTI_DISCRETE -> s.getMultiDiscrete().getNvec().getDtype();
      case MULTI_BINARY -> DType.DTYPE_INT8;
      default -> throw new IllegalArgumentException(describe(s) + " is not an array space");
    };
  }

  /** The shape of one element of an array space (empty for Discrete: a scalar). */
  public static long[] shape(Space s) {
    List<Long> shape =
        switch (s.getKindCase()) {
          case BOX -> s.getBox().getShapeList();
          case DISCRETE -> List.of();
          case MULTI_DISCRETE -> s.getMultiDiscrete().getNvec().getShapeList();
          case MULTI_BINARY -> s.getMultiBinary().getShapeList();
          default -> throw new IllegalArgumentException(describe(s) + " is not an array space");
        };
    return shape.stream().mapToLong(Long::longValue).toArray();
  }

  /** Bytes of one element of an array space. */
  public static int elementBytes(Space s) {
    return Math.toIntExact(Tensors.elementCount(shape(s)) * DTypes.size(dtype(s)));
  }

  /** A short form as Gymnasium prints it, e.g. "Discrete(2)", "Box(float32, [4])". */
  public static String describe(Space s) {
    return switch (s.getKindCase()) {
      case BOX ->
          "Box(" + DTypes.numpyName(s.getBox().getDtype()) + ", " + s.getBox().getShapeList() + ")";
      case DISCRETE ->
          s.getDiscrete().getStart() == 0
              ? "Discrete(" + s.getDiscrete().getN() + ")"
              : "Discrete("
                  + s.getDiscrete().getN()
                  + ", start="
                  + s.getDiscrete().getStart()
                  + ")";
      case MULTI_DISCRETE ->
          "MultiDiscrete(" + Arrays.toString(Tensors.toLongs(s.getMultiDiscrete().getNvec())) + ")";
      case MULTI_BINARY -> "MultiBinary(" + s.getMultiBinary().getShapeList() + ")";
      case TUPLE ->
          "Tuple("
              + String.join(
                  ", ", s.getTuple().getSpacesList().stream().map(Spaces::describe).toList())
              + ")";
      case DICT ->
          "Dict("
              + String.join(
                  ", ",
                  s.getDict().getEntriesList().stream()
                      .map(e -> "'" + e.getKey() + "': " + describe(e.getSpace()))
                      .toList())
              + ")";
      case TEXT -> "Text(" + s.getText().getMinLength() + ", " + s.getText().getMaxLength() + ")";
      case KIND_NOT_SET -> "Space(unset)";
    };
  }
}
