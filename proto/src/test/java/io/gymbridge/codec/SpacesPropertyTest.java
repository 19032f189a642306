package io.gymbridge.codec;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Every space kind survives the wire, its samples are members, batches of samples are members of
 * the batched space, values just outside (alone or in a batch) are not, and values outside are
 * refused with a message naming where.
 */
class SpacesPropertyTest {

  @Property(tries = 300)
  void spacesAndTheirSamplesRoundTripAndBelong(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int n) throws Exception {
    Random r = new Random(seed);
    Space space = RandomSpaces.space(r, 0);
    assertEquals(space, Space.parseFrom(space.toByteArray()));

    List<Value> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Value v = Value.parseFrom(RandomSpaces.sample(space, r).toByteArray());
      assertDoesNotThrow(() -> SpaceMembership.check(space, v, "obs"), Spaces.describe(space));
      samples.add(v);
    }
    Value batch = Value.parseFrom(RandomSpaces.batch(space, samples).toByteArray());
    assertDoesNotThrow(() -> SpaceMembership.checkBatch(space, batch, n, "obs"));

    // A value just outside the space is refused, alone and as one env's row of a batch.
    Value outside = RandomSpaces.outside(space, r);
    assertThrows(
        InvalidValueException.class,
        () -> SpaceMembership.check(space, outside, "obs"),
        () -> Spaces.describe(space) + " accepted " + outside);
    samples.set(r.nextInt(n), outside);
    Value badBatch = RandomSpaces.batch(space, samples);
    assertThrows(
        InvalidValueException.class,
        () -> SpaceMembership.checkBatch(space, badBatch, n, "obs"),
        () -> Spaces.describe(space) + " accepted the batch " + badBatch);
  }

  @Property
  void discreteRefusesValuesOutsideStartToStartPlusN(
      @ForAll @IntRange(min = 1, max = 20) int n,
      @ForAll @IntRange(min = -5, max = 5) int start,
      @ForAll @IntRange(min = -30, max = 30) int v) {
    Space s = Spaces.discrete(n, start);
    Value value = Value.newBuilder().setTensor(Tensors.ofInt64(new long[] {0, v}, 2)).build();
    boolean inside = v >= start && v < start + n && 0 >= start && 0 < start + n;
    if (inside) {
      assertDoesNotThrow(() -> SpaceMembership.checkBatch(s, value, 2, "action"));
    } else {
      InvalidValueException e =
          assertThrows(
              InvalidValueException.class, () -> SpaceMembership.checkBatch(s, value, 2, "action"));
      assertTrue(e.getMessage().startsWith("action[env "), e.getMessage());
    }
  }

  @Property
  void uniformBoxBoundsTravelAsScalarsAndBroadcastBack(
      @ForAll @IntRange(min = 1, max = 4) int rows,
      @ForAll @IntRange(min = 1, max = 4) int cols,
      @ForAll @FloatRange(min = -1e6f, max = 1e6f) float low,
      @ForAll @FloatRange(min = 0, max = 100) float spread,
      @ForAll boolean uniform)
      throws Exception {
    long[] shape = {rows, cols};
    int n = rows * cols;
    float[] lo = new float[n];
    float[] hi = new float[n];
    for (int i = 0; i < n; i++) {
      lo[i] = low;
      hi[i] = uniform ? low + spread : low + spread + i;
    }
    Space space = Space.parseFrom(Spaces.boxFloat32(lo, hi, shape).toByteArray());
    var box = space.getBox();
    Spaces.validate(space, "space");
    assertEquals(List.of(), box.getLow().getShapeList(), "uniform low is sent as a scalar");
    assertEquals(4, box.getLow().getData().size());
    assertEquals(
        uniform || n == 1 ? List.of() : List.of((long) rows, (long) cols),
        box.getHigh().getShapeList(),
        "high travels as a scalar only when uniform");
    assertEquals(Tensors.ofFloat32(lo, shape), Spaces.fullBound(box, box.getLow()));
    assertEquals(Tensors.ofFloat32(hi, shape), Spaces.fullBound(box, box.getHigh()));
  }

  @Test
  void scalarBoundsBroadcastInMembership() {
    Space box =
        Spaces.box(
            io.gymbridge.v1.DType.DTYPE_INT16,
            new long[] {3},
            Tensors.ofShorts(io.gymbridge.v1.DType.DTYPE_INT16, new short[] {-2}),
            Tensors.ofShorts(io.gymbridge.v1.DType.DTYPE_INT16, new short[] {5}));
    Value inside =
        Value.newBuilder()
            .setTensor(
                Tensors.ofShorts(io.gymbridge.v1.DType.DTYPE_INT16, new short[] {-2, 0, 5}, 3))
            .build();
    Value outside =
        Value.newBuilder()
            .setTensor(
                Tensors.ofShorts(io.gymbridge.v1.DType.DTYPE_INT16, new short[] {-2, 6, 5}, 3))
            .build();
    assertDoesNotThrow(() -> SpaceMembership.check(box, inside, "obs"));
    assertEquals(
        "obs: element 1 = 6 is outside [-2, 5]",
        assertThrows(InvalidValueException.class, () -> SpaceMembership.check(box, outside, "obs"))
            .getMessage());
    Value batch =
        Value.newBuilder()
            .setTensor(
                Tensors.ofShorts(
                    io.gymbridge.v1.DType.DTYPE_INT16, new short[] {0, 1, 2, 3, 4, -3}, 2, 3))
            .build();
    assertEquals(
        "obs[env 1]: element 2 = -3 is outside [-2, 5]",
        assertThrows(
                InvalidValueException.class, () -> SpaceMembership.checkBatch(box, batch, 2, "obs"))
            .getMessage());
  }

  @Test
  void nonUniformBoundsStayAtFullShape() {
    // CartPole's observation Box: high differs per element, low = -high.
    float[] high = {4.8f, Float.MAX_VALUE, 0.41887903f, Float.MAX_VALUE};
    float[] low = {-4.8f, -Float.MAX_VALUE, -0.41887903f, -Float.MAX_VALUE};
    var box = Spaces.boxFloat32(low, high, 4).getBox();
    assertEquals(Tensors.ofFloat32(low, 4), box.getLow());
    assertEquals(Tensors.ofFloat32(high, 4), box.getHigh());
  }

  @Test
  void boundsOfAnotherShapeOrDtypeAreRefused() {
    io.gymbridge.v1.Tensor two = Tensors.ofFloat32(new float[] {0, 0}, 2);
    io.gymbridge.v1.Tensor three = Tensors.ofFloat32(new float[] {1, 1, 1}, 3);
    Space malformed =
        Space.newBuilder()
            .setBox(
                io.gymbridge.v1.BoxSpace.newBuilder()
                    .setDtype(io.gymbridge.v1.DType.DTYPE_FLOAT32)
                    .addShape(3)
                    .setLow(two)
                    .setHigh(three))
            .build();
    assertEquals(
        "obs_space.box.low.shape: expected the Box's shape [3] or [] (a scalar broadcast to it),"
            + " got [2]",
        assertThrows(InvalidValueException.class, () -> Spaces.validate(malformed, "obs_space"))
            .getMessage());
    Space nested = Spaces.tuple(List.of(Spaces.discrete(2), malformed));
    assertTrue(
        assertThrows(InvalidValueException.class, () -> Spaces.validate(nested, "s"))
            .getMessage()
            .startsWith("s.tuple[1].box.low.shape"));
    assertThrows(
        InvalidValueException.class,
        () -> Spaces.box(io.gymbridge.v1.DType.DTYPE_FLOAT32, new long[] {3}, two, three));
    Value v = Value.newBuilder().setTensor(Tensors.ofFloat32(new float[] {0, 0, 0}, 3)).build();
    assertThrows(InvalidValueException.class, () -> SpaceMembership.check(malformed, v, "obs"));
    io.gymbridge.v1.Tensor int8 = Tensors.ofBytes(io.gymbridge.v1.DType.DTYPE_INT8, new byte[] {0});
    assertTrue(
        assertThrows(
                InvalidValueException.class,
                () -> Spaces.box(io.gymbridge.v1.DType.DTYPE_FLOAT32, new long[] {3}, int8, three))
            .getMessage()
            .contains("box.low.dtype"));
    io.gymbridge.v1.Tensor shortScalar =
        io.gymbridge.v1.Tensor.newBuilder().setDtype(io.gymbridge.v1.DType.DTYPE_FLOAT32).build();
    assertTrue(
        assertThrows(
                InvalidValueException.class,
                () ->
                    Spaces.box(
                        io.gymbridge.v1.DType.DTYPE_FLOAT32, new long[] {3}, shortScalar, three))
            .getMessage()
            .contains("box.low.data: expected 4 bytes"));
  }

  @Test
  void boxRefusesNanAndOutOfBoundsNamingTheElement() {
    Space box = Spaces.boxFloat32(new float[] {-1, -1}, new float[] {1, 1}, 2);
    Value nan =
        Value.newBuilder().setTensor(Tensors.ofFloat32(new float[] {0, Float.NaN}, 2)).build();
    Value big = Value.newBuilder().setTensor(Tensors.ofFloat32(new float[] {2, 0}, 2)).build();
    assertTrue(
        assertThrows(InvalidValueException.class, () -> SpaceMembership.check(box, nan, "a"))
            .getMessage()
            .contains("element 1"));
    assertTrue(
        assertThrows(InvalidValueException.class, () -> SpaceMembership.check(box, big, "a"))
            .getMessage()
            .contains("element 0 = 2.0 is outside [-1.0, 1.0]"));
  }

  @Test
  void wrongDtypeAndShapeNameExpectedAndActual() {
    Space d = Spaces.discrete(2);
    Value int32 =
        Value.newBuilder()
            .setTensor(Tensors.ofInts(io.gymbridge.v1.DType.DTYPE_INT32, new int[] {1}, 1))
            .build();
    assertEquals(
        "action.dtype: expected int64 for Discrete(2), got int32",
        assertThrows(
                InvalidValueException.class,
                () -> SpaceMembership.checkBatch(d, int32, 1, "action"))
            .getMessage());
    Value wrongShape = Value.newBuilder().setTensor(Tensors.ofInt64(new long[] {1, 0}, 2)).build();
    assertEquals(
        "action.shape: expected [1] for Discrete(2), got [2]",
        assertThrows(
                InvalidValueException.class,
                () -> SpaceMembership.checkBatch(d, wrongShape, 1, "action"))
            .getMessage());
  }

  @Test
  void dictNeedsExactlyItsKeysAndTupleItsArity() {
    Space dict =
        Spaces.dict(new java.util.LinkedHashMap<>(java.util.Map.of("a", Spaces.discrete(3))));
    Value wrongKey =
        Value.newBuilder()
            .setMap(
                io.gymbridge.v1.ValueMap.newBuilder()
                    .putEntries(
                        "b", Value.newBuilder().setTensor(Tensors.ofInt64(new long[] {1})).build()))
            .build();
    assertTrue(
        assertThrows(
                InvalidValueException.class, () -> SpaceMembership.check(dict, wrongKey, "obs"))
            .getMessage()
            .contains("the keys [a]"));
    Space tuple = Spaces.tuple(List.of(Spaces.discrete(2), Spaces.discrete(2)));
    Value one =
        Value.newBuilder()
            .setList(
                io.gymbridge.v1.ValueList.newBuilder()
                    .addItems(Value.newBuilder().setTensor(Tensors.ofInt64(new long[] {1}))))
            .build();
    assertTrue(
        assertThrows(InvalidValueException.class, () -> SpaceMembership.check(tuple, one, "obs"))
            .getMessage()
            .contains("2 items, got 1"));
  }
}
