package io.gymbridge.codec;

import io.gymbridge.v1.DType;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import io.gymbridge.v1.ValueList;
import io.gymbridge.v1.ValueMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random spaces of every kind, samples inside them, and Gymnasium-style batching, for tests. */
final class RandomSpaces {
  private static final DType[] BOX_DTYPES = {
    DType.DTYPE_FLOAT32,
    DType.DTYPE_FLOAT64,
    DType.DTYPE_UINT8,
    DType.DTYPE_INT8,
    DType.DTYPE_INT16,
    DType.DTYPE_INT32,
    DType.DTYPE_INT64
  };

  private RandomSpaces() {}

  static Space space(Random r, int depth) {
    int kind = r.nextInt(depth > 1 ? 5 : 7);
    return switch (kind) {
      case 0 -> box(r);
      case 1 -> Spaces.discrete(1 + r.nextInt(10), r.nextInt(7) - 3);
      case 2 -> {
        int n = 1 + r.nextInt(4);
        long[] nvec = new long[n];
        long[] start = new long[n];
        for (int i = 0; i < n; i++) {
          nvec[i] = 1 + r.nextInt(6);
          start[i] = r.nextInt(5) - 2;
        }
        yield Spaces.multiDiscrete(nvec, start);
      }
      case 3 -> Spaces.multiBinary(1 + r.nextInt(3), 1 + r.nextInt(3));
      case 4 -> Spaces.text(0, 1 + r.nextInt(8), "abcxyz");
      case 5 -> {
        List<Space> subs = new ArrayList<>();
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
          subs.add(space(r, depth + 1));
        }
        yield Spaces.tuple(subs);
      }
      default -> {
        Map<String, Space> subs = new LinkedHashMap<>();
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
          subs.put("k" + i, space(r, depth + 1));
        }
        yield Spaces.dict(subs);
      }
    };
  }

  private static Space box(Random r) {
    DType dtype = BOX_DTYPES[r.nextInt(BOX_DTYPES.length)];
    long[] shape =
        r.nextBoolean()
            ? new long[] {1 + r.nextInt(4)}
            : new long[] {1 + r.nextInt(3), 1 + r.nextInt(3)};
    // Bounds per element, the same everywhere (which Spaces.box sends as a scalar), or scalars.
    int form = r.nextInt(3);
    long[] boundShape = form == 2 ? new long[0] : shape;
    int n = (int) Tensors.elementCount(boundShape);
    ByteBuffer lo = le(n * DTypes.size(dtype));
    ByteBuffer hi = le(n * DTypes.size(dtype));
    int a = 0;
    int b = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || form == 0) {
        a = r.nextInt(50) - (dtype == DType.DTYPE_UINT8 ? 0 : 25);
        b = a + r.nextInt(20);
      }
      put(lo, dtype, i, a);
      put(hi, dtype, i, b);
    }
    return Spaces.box(dtype, shape, tensor(dtype, boundShape, lo), tensor(dtype, boundShape, hi));
  }

  /** One element inside {@code s}. */
  static Value sample(Space s, Random r) {
    switch (s.getKindCase()) {
      case BOX, DISCRETE, MULTI_DISCRETE, MULTI_BINARY -> {
        DType dtype = Spaces.dtype(s);
        long[] shape = Spaces.shape(s);
        int n = (int) Tensors.elementCount(shape);
        ByteBuffer out = le(n * DTypes.size(dtype));
        for (int i = 0; i < n; i++) {
          put(out, dtype, i, sampleElement(s, dtype, i, r));
        }
        return Value.newBuilder().setTensor(tensor(dtype, shape, out)).build();
      }
      case TUPLE -> {
        ValueList.Builder l = ValueList.newBuilder();
        s.getTuple().getSpacesList().forEach(sub -> l.addItems(sample(sub, r)));
        return Value.newBuilder().setList(l).build();
      }
      case DICT -> {
        ValueMap.Builder m = ValueMap.newBuilder();
        s.getDict()
            .getEntriesList()
            .forEach(e -> m.putEntries(e.getKey(), sample(e.getSpace(), r)));
        return Value.newBuilder().setMap(m).build();
      }
      case TEXT -> {
        int len = r.nextInt(s.getText().getMaxLength() + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
          sb.append(s.getText().getCharset().charAt(r.nextInt(s.getText().getCharset().length())));
        }
        return Value.newBuilder().setStringValue(sb.toString()).build();
      }
      default -> throw new IllegalArgumentException(s.toString());
    }
  }

  /**
   * One value of {@code s}'s dtype and shape (or structure) that is not in {@code s}: a sample with
   * one element, item or character moved just outside the space.
   */
  static Value outside(Space s, Random r) {
    Value inside = sample(s, r);
    switch (s.getKindCase()) {
      case BOX, DISCRETE, MULTI_DISCRETE, MULTI_BINARY -> {
        DType dtype = Spaces.dtype(s);
        int n = (int) Tensors.elementCount(Spaces.shape(s));
        int i = r.nextInt(n);
        ByteBuffer out = le(n * DTypes.size(dtype));
        out.put(inside.getTensor().getData().toByteArray());
        put(out, dtype, i, pastTheEnd(s, dtype, i));
        return Value.newBuilder().setTensor(tensor(dtype, Spaces.shape(s), out)).build();
      }
      case TUPLE -> {
        int k = r.nextInt(s.getTuple().getSpacesCount());
        ValueList.Builder l = inside.getList().toBuilder();
        return Value.newBuilder()
            .setList(l.setItems(k, outside(s.getTuple().getSpaces(k), r)))
            .build();
      }
      case DICT -> {
        var e = s.getDict().getEntries(r.nextInt(s.getDict().getEntriesCount()));
        ValueMap.Builder m = inside.getMap().toBuilder();
        return Value.newBuilder()
            .setMap(m.putEntries(e.getKey(), outside(e.getSpace(), r)))
            .build();
      }
      case TEXT -> {
        // Either a character outside the charset or one character too many.
        String text =
            r.nextBoolean()
                ? "q"
                : String.valueOf(s.getText().getCharset().charAt(0))
                    .repeat(s.getText().getMaxLength() + 1);
        return Value.newBuilder().setStringValue(text).build();
      }
      default -> throw new IllegalArgumentException(s.toString());
    }
  }

  private static double pastTheEnd(Space s, DType dtype, int i) {
    return switch (s.getKindCase()) {
      case BOX -> {
        var box = s.getBox();
        yield Tensors.getDouble(Tensors.buffer(Spaces.fullBound(box, box.getHigh())), dtype, i) + 1;
      }
      case DISCRETE -> s.getDiscrete().getStart() + s.getDiscrete().getN();
      case MULTI_DISCRETE ->
          Tensors.toLongs(s.getMultiDiscrete().getStart())[i]
              + Tensors.toLongs(s.getMultiDiscrete().getNvec())[i];
      default -> 2;
    };
  }

  private static double sampleElement(Space s, DType dtype, int i, Random r) {
    return switch (s.getKindCase()) {
      case BOX -> {
        var box = s.getBox();
        double lo =
            Tensors.getDouble(Tensors.buffer(Spaces.fullBound(box, box.getLow())), dtype, i);
        double hi =
            Tensors.getDouble(Tensors.buffer(Spaces.fullBound(box, box.getHigh())), dtype, i);
        yield DTypes.isFloat(dtype)
            ? lo + (hi - lo) * r.nextDouble()
            : lo + r.nextInt((int) (hi - lo) + 1);
      }
      case DISCRETE -> s.getDiscrete().getStart() + r.nextInt((int) s.getDiscrete().getN());
      case MULTI_DISCRETE -> {
        long n = Tensors.toLongs(s.getMultiDiscrete().getNvec())[i];
        long start = Tensors.toLongs(s.getMultiDiscrete().getStart())[i];
        yield start + r.nextInt((int) n);
      }
      default -> r.nextInt(2);
    };
  }

  /** Gymnasium's batch_space applied to values: a leading dimension on every tensor. */
  static Value batch(Space s, List<Value> items) {
    switch (s.getKindCase()) {
      case BOX, DISCRETE, MULTI_DISCRETE, MULTI_BINARY -> {
        Tensor first = items.get(0).getTensor();
        Tensor.Builder b =
            Tensor.newBuilder()
                .setDtype(first.getDtype())
                .addShape(items.size())
                .addAllShape(first.getShapeList());
        com.google.protobuf.ByteString data = com.google.protobuf.ByteString.EMPTY;
        for (Value v : items) {
          data = data.concat(v.getTensor().getData());
        }
        return Value.newBuilder().setTensor(b.setData(data)).build();
      }
      case TUPLE -> {
        ValueList.Builder l = ValueList.newBuilder();
        for (int k = 0; k < s.getTuple().getSpacesCount(); k++) {
          int kk = k;
          l.addItems(
              batch(
                  s.getTuple().getSpaces(k),
                  items.stream().map(v -> v.getList().getItems(kk)).toList()));
        }
        return Value.newBuilder().setList(l).build();
      }
      case DICT -> {
        ValueMap.Builder m = ValueMap.newBuilder();
        s.getDict()
            .getEntriesList()
            .forEach(
                e ->
                    m.putEntries(
                        e.getKey(),
                        batch(
                            e.getSpace(),
                            items.stream()
                                .map(v -> v.getMap().getEntriesOrThrow(e.getKey()))
                                .toList())));
        return Value.newBuilder().setMap(m).build();
      }
      case TEXT -> {
        return Value.newBuilder().setList(ValueList.newBuilder().addAllItems(items)).build();
      }
      default -> throw new IllegalArgumentException(s.toString());
    }
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static Tensor tensor(DType dtype, long[] shape, ByteBuffer data) {
    return Tensors.wrap(dtype, shape, data.array());
  }

  private static void put(ByteBuffer b, DType dtype, int i, double v) {
    switch (dtype) {
      case DTYPE_FLOAT32 -> b.putFloat(i * 4, (float) v);
      case DTYPE_FLOAT64 -> b.putDouble(i * 8, v);
      case DTYPE_UINT8, DTYPE_INT8 -> b.put(i, (byte) v);
      case DTYPE_INT16 -> b.putShort(i * 2, (short) v);
      case DTYPE_INT32 -> b.putInt(i * 4, (int) v);
      case DTYPE_INT64 -> b.putLong(i * 8, (long) v);
      default -> throw new IllegalArgumentException(dtype.toString());
    }
  }
}
