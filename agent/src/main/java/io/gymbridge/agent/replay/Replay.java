package io.gymbridge.agent.replay;

/** Experience replay: uniform or prioritized. Not thread-safe. */
public interface Replay {
  void add(Transition t);

  /** Samples {@code batchSize} transitions; needs {@code size() > 0}. */
  Batch sample(int batchSize);

  /** Prioritized replay: new priorities from |TD error|; uniform replay ignores this. */
  void updatePriorities(int[] indices, float[] tdErrors);

  int size();

  int capacity();
}
