package io.gymbridge.agent.dqn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DqnLearner}'s checkpoint file: both networks, Adam's moments and the step counters, as a
 * NumPy .npz written atomically. fp32 whatever the learner's precision.
 */
final class LearnerCheckpoint {
  private static final int CHECKPOINT_FORMAT = 1;

  private LearnerCheckpoint() {}

  /**
   * Writes the learner's online and target parameters, Adam's state and train-step counter to
   * {@code dir}/{@value DqnLearner#CHECKPOINT_FILE}, atomically: a temporary file in {@code dir},
   * forced to disk, then renamed over the old one. The file is a NumPy .npz (keys {@code
   * online/<param>}, {@code target/<param>}, {@code adam/m/<param>}, {@code adam/v/<param>}, {@code
   * meta/...}).
   */
  static void save(DqnLearner learner, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, DqnLearner.CHECKPOINT_FILE, ".tmp");
    try {
      Torch.noGrad();
      try (NDScope scope = new NDScope();
          FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        checkpointArrays(learner).encode(out, NDList.Encoding.NPZ);
        out.flush();
        channel.force(true);
      }
      Files.move(
          tmp,
          dir.resolve(DqnLearner.CHECKPOINT_FILE),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    syncDirectory(dir);
  }

  private static NDList checkpointArrays(DqnLearner learner) {
    QNetwork online = learner.online();
    QNetwork target = learner.target();
    Adam adam = learner.adam();
    NDManager manager = learner.manager();
    NDList list = new NDList();
    List<String> names = online.parameterNames();
    addCopies(list, "online/", names, online.parameterArrays());
    addCopies(list, "target/", names, target.parameterArrays());
    addCopies(list, "adam/m/", names, adam.firstMoments());
    addCopies(list, "adam/v/", names, adam.secondMoments());
    list.add(named(manager.create(new long[] {CHECKPOINT_FORMAT}), "meta/format"));
    list.add(named(manager.create(new long[] {learner.trainSteps()}), "meta/trainSteps"));
    list.add(named(manager.create(new long[] {adam.steps()}), "meta/adamSteps"));
    return list;
  }

  private static void addCopies(NDList list, String prefix, List<String> names, List<NDArray> src) {
    for (int i = 0; i < names.size(); i++) {
      list.add(named(src.get(i).duplicate(), prefix + names.get(i)));
    }
  }

  private static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // makes the rename durable on Linux; not supported everywhere
    } catch (IOException | UnsupportedOperationException e) {
      // best effort
    }
  }

  /**
   * Restores a {@link #save}d state into the learner in place: both networks and Adam; returns the
   * train-step counter. Checks every array first, so a checkpoint of another architecture changes
   * nothing and throws.
   */
  static long load(DqnLearner learner, Path dir) throws IOException {
    QNetwork online = learner.online();
    QNetwork target = learner.target();
    Adam adam = learner.adam();
    Path file = dir.resolve(DqnLearner.CHECKPOINT_FILE);
    Torch.noGrad();
    try (NDScope scope = new NDScope();
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      NDList saved;
      try {
        saved = NDList.decode(learner.manager(), in);
      } catch (RuntimeException e) {
        // DJL says only "Malformed data": name the file and what it means.
        throw new IOException(
            file
                + " cannot be read ("
                + e.getMessage()
                + "): the file is damaged or not a"
                + " checkpoint",
            e);
      }
      long format = scalar(saved, "meta/format", file);
      if (format != CHECKPOINT_FORMAT) {
        throw new IOException(
            file + ": checkpoint format " + format + ", expected " + CHECKPOINT_FORMAT);
      }
      List<String> names = online.parameterNames();
      List<NDArray> onlineSaved = matching(saved, "online/", names, online.parameterArrays(), file);
      List<NDArray> targetSaved = matching(saved, "target/", names, target.parameterArrays(), file);
      List<NDArray> m = matching(saved, "adam/m/", names, adam.firstMoments(), file);
      List<NDArray> v = matching(saved, "adam/v/", names, adam.secondMoments(), file);
      long steps = scalar(saved, "meta/trainSteps", file);
      long adamSteps = scalar(saved, "meta/adamSteps", file);

      NDIndex all = new NDIndex("...");
      List<NDArray> onlineParams = online.parameterArrays();
      List<NDArray> targetParams = target.parameterArrays();
      for (int i = 0; i < names.size(); i++) {
        onlineParams.get(i).set(all, onlineSaved.get(i));
        targetParams.get(i).set(all, targetSaved.get(i));
      }
      adam.restore(adamSteps, m, v);
      return steps;
    }
  }

  private static List<NDArray> matching(
      NDList saved, String prefix, List<String> names, List<NDArray> current, Path file)
      throws IOException {
    List<NDArray> out = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      NDArray a = saved.get(prefix + names.get(i));
      Shape expected = current.get(i).getShape();
      if (a == null
          || !a.getShape().equals(expected)
          || a.getDataType() != current.get(i).getDataType()) {
        throw new IOException(
            file
                + ": "
                + prefix
                + names.get(i)
                + " is "
                + (a == null ? "missing" : a.getShape() + " " + a.getDataType())
                + ", this learner needs "
                + expected
                + " "
                + current.get(i).getDataType());
      }
      out.add(a);
    }
    return out;
  }

  private static long scalar(NDList saved, String name, Path file) throws IOException {
    NDArray a = saved.get(name);
    if (a == null || a.size() != 1) {
      throw new IOException(
          file + ": " + name + " is missing; not a " + DqnLearner.CHECKPOINT_FILE + "?");
    }
    return a.toLongArray()[0];
  }
}
