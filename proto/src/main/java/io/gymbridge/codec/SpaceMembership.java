package io.gymbridge.codec;

import io.gymbridge.v1.BoxSpace;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.DictEntry;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.TextSpace;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks that values belong to a space, as {@code space.contains(x)} does in Gymnasium, but throws
 * an {@link InvalidValueException} that names the offending env and element instead of answering
 * false, so a client learns what to fix.
 *
 * <p>Batched checks follow Gymnasium's batch_space: a batch of n elements of an array space is one
 * tensor of shape [n, *shape]; a Tuple batch is a list of batches; a Dict batch a map of batches; a
 * Text batch a list of n strings.
 */
public final class SpaceMembership {
  private SpaceMembership() {}

  /** Checks a batch of {@code n} elements of {@code space}. */
  public static void checkBatch(Space space, Value batch, int n, String field) {
    switch (space.getKindCase()) {
      case BOX, DISCRETE, MULTI_DISCRETE, MULTI_BINARY -> {
        Tensor t = requireTensor(space, batch, field);
        long[] elementShape = Spaces.shape(space);
        List<Long> expected = new ArrayList<>(elementShape.length + 1);
        expected.add((long) n);
        for (long d : elementShape) {
          expected.add(d);
        }
        checkArray(space, t, expected, n, true, field);
      }
      case TUPLE -> {
        List<Space> subs = space.getTuple().getSpacesList();
        List<Value> items = requireList(space, batch, subs.size(), field);
        for (int i = 0; i < subs.size(); i++) {
          checkBatch(subs.get(i), items.get(i), n, field + "[" + i + "]");
        }
      }
      case DICT -> {
        Map<String, Value> entries = requireMap(space, batch, field);
        for (DictEntry e : space.getDict().getEntriesList()) {
          checkBatch(e.getSpace(), entries.get(e.getKey()), n, field + "['" + e.getKey() + "']");
        }
      }
      case TEXT -> {
        List<Value> items = requireList(space, batch, n, field);
        for (int i = 0; i < n; i++) {
          checkText(space.getText(), items.get(i), field + "[" + i + "]");
        }
      }
      case KIND_NOT_SET -> throw new InvalidValueException(field, "a space with a kind");
    }
  }

  /** Checks one (unbatched) element of {@code space}. */
  public static void check(Space space, Value value, String field) {
    switch (space.getKindCase()) {
      case BOX, DISCRETE, MULTI_DISCRETE, MULTI_BINARY -> {
        Tensor t = requireTensor(space, value, field);
        List<Long> expected = new ArrayList<>();
        for (long d : Spaces.shape(space)) {
          expected.add(d);
        }
        checkArray(space, t, expected, 1, false, field);
      }
      case TUPLE -> {
        List<Space> subs = space.getTuple().getSpacesList();
        List<Value> items = requireList(space, value, subs.size(), field);
        for (int i = 0; i < subs.size(); i++) {
          check(subs.get(i), items.get(i), field + "[" + i + "]");
        }
      }
      case DICT -> {
        Map<String, Value> entries = requireMap(space, value, field);
        for (DictEntry e : space.getDict().getEntriesList()) {
          check(e.getSpace(), entries.get(e.getKey()), field + "['" + e.getKey() + "']");
        }
      }
      case TEXT -> checkText(space.getText(), value, field);
      case KIND_NOT_SET -> throw new InvalidValueException(field, "a space with a kind");
    }
  }

  private static Tensor requireTensor(Space space, Value v, String field) {
    if (v == null || !v.hasTensor()) {
      throw new InvalidValueException(
          field, "a tensor for " + Spaces.describe(space) + ", got " + kindOf(v));
    }
    return v.getTensor();
  }

  private static List<Value> requireList(Space space, Value v, int size, String field) {
    if (v == null || !v.hasList()) {
      throw new InvalidValueException(
          field, "a list for " + Spaces.describe(space) + ", got " + kindOf(v));
    }
    if (v.getList().getItemsCount() != size) {
      throw new InvalidValueException(field, size + " items, got " + v.getList().getItemsCount());
    }
    return v.getList().getItemsList();
  }

  private static Map<String, Value> requireMap(Space space, Value v, String field) {
    if (v == null || !v.hasMap()) {
      throw new InvalidValueException(
          field, "a map for " + Spaces.describe(space) + ", got " + kindOf(v));
    }
    Map<String, Value> entries = v.getMap().getEntriesMap();
    List<String> keys = space.getDict().getEntriesList().stream().map(DictEntry::getKey).toList();
    if (entries.size() != keys.size() || !entries.keySet().containsAll(keys)) {
      throw new InvalidValueException(field, "the keys " + keys + ", got " + entries.keySet());
    }
    return entries;
  }

  private static String kindOf(Value v) {
    return v == null ? "nothing" : v.getKindCase().name().toLowerCase();
  }

  private static void checkArray(
      Space space, Tensor t, List<Long> shape, int n, boolean batched, String field) {
    DType dtype = Spaces.dtype(space);
    if (t.getDtype() != dtype) {
      throw new InvalidValueException(
          field + ".dtype",
          DTypes.numpyName(dtype)
              + " for "
              + Spaces.describe(space)
              + ", got "
              + DTypes.numpyName(t.getDtype()));
    }
    if (!t.getShapeList().equals(shape)) {
      throw new InvalidValueException(
          field + ".shape", shape + " for " + Spaces.describe(space) + ", got " + t.getShapeList());
    }
    Tensors.validate(t, field);
    if (space.hasBox()) {
      Spaces.validate(space, field + ".space"); // bounds of full shape or scalar, never garbage
    }
    ByteBuffer data = Tensors.buffer(t);
    int count = data.capacity() / DTypes.size(dtype);
    int perEnv = n == 0 ? 0 : count / n;
    for (int i = 0; i < count; i++) {
      String bad = outOfSpace(space, data, dtype, i, perEnv == 0 ? 0 : i % perEnv);
      if (bad != null) {
        String where = batched ? "[env " + i / perEnv + "]" : "";
        throw new InvalidValueException(field + where + ": " + bad);
      }
    }
  }

  /** Null when element i (element j of its env) lies in the space, else why not. */
  private static String outOfSpace(Space space, ByteBuffer data, DType dtype, int i, int j) {
    switch (space.getKindCase()) {
      case DISCRETE -> {
        long v = data.getLong(i * 8);
        long start = space.getDiscrete().getStart();
        if (v < start || v - start >= space.getDiscrete().getN()) {
          return v
              + " is outside "
              + Spaces.describe(space)
              + " (valid: "
              + start
              + ".."
              + (start + space.getDiscrete().getN() - 1)
              + ")";
        }
        return null;
      }
      case MULTI_DISCRETE -> {
        long v = Tensors.getLong(data, dtype, i);
        ByteBuffer nvec = Tensors.buffer(space.getMultiDiscrete().getNvec());
        long start =
            space.getMultiDiscrete().hasStart()
                    && space.getMultiDiscrete().getStart().getData().size() > 0
                ? Tensors.getLong(Tensors.buffer(space.getMultiDiscrete().getStart()), dtype, j)
                : 0;
        long nj = Tensors.getLong(nvec, dtype, j);
        if (v < start || v - start >= nj) {
          return "element " + j + " = " + v + " is outside " + start + ".." + (start + nj - 1);
        }
        return null;
      }
      case MULTI_BINARY -> {
        byte v = data.get(i);
        return v == 0 || v == 1 ? null : "element " + j + " = " + v + " is not 0 or 1";
      }
      case BOX -> {
        BoxSpace box = space.getBox();
        ByteBuffer lo = Tensors.buffer(box.getLow());
        ByteBuffer hi = Tensors.buffer(box.getHigh());
        // A scalar bound (shape []) is broadcast to the Box's shape.
        int jl = Spaces.isScalarBound(box.getLow()) ? 0 : j;
        int jh = Spaces.isScalarBound(box.getHigh()) ? 0 : j;
        if (DTypes.isFloat(dtype)) {
          double v = Tensors.getDouble(data, dtype, i);
          double l = Tensors.getDouble(lo, dtype, jl);
          double h = Tensors.getDouble(hi, dtype, jh);
          // Written so that NaN fails, as numpy's (x >= low) & (x <= high) does.
          return v >= l && v <= h
              ? null
              : "element " + j + " = " + v + " is outside [" + l + ", " + h + "]";
        }
        long v = Tensors.getLong(data, dtype, i);
        long l = Tensors.getLong(lo, dtype, jl);
        long h = Tensors.getLong(hi, dtype, jh);
        boolean unsigned64 = dtype == DType.DTYPE_UINT64;
        boolean inside =
            unsigned64
                ? Long.compareUnsigned(v, l) >= 0 && Long.compareUnsigned(v, h) <= 0
                : v >= l && v <= h;
        return inside ? null : "element " + j + " = " + v + " is outside [" + l + ", " + h + "]";
      }
      default -> throw new IllegalStateException("not an array space: " + space.getKindCase());
    }
  }

  private static void checkText(TextSpace text, Value v, String field) {
    if (v == null || !v.hasStringValue()) {
      throw new InvalidValueException(field, "a string, got " + kindOf(v));
    }
    String s = v.getStringValue();
    int len = s.codePointCount(0, s.length());
    if (len < text.getMinLength() || len > text.getMaxLength()) {
      throw new InvalidValueException(
          field,
          "a length in [" + text.getMinLength() + ", " + text.getMaxLength() + "], got " + len);
    }
    s.codePoints()
        .filter(c -> text.getCharset().indexOf(c) < 0)
        .findFirst()
        .ifPresent(
            c -> {
              throw new InvalidValueException(
                  field,
                  "characters from the space's charset, got '" + Character.toString(c) + "'");
            });
  }
}
