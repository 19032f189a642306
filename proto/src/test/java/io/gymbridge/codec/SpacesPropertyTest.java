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
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Every space kind survives the wire, its samples are members, batches of samples are members of
 * the batched space, and values outside are refused with a message naming where.
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
