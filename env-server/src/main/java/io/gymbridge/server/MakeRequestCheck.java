package io.gymbridge.server;

import io.gymbridge.codec.ClientText;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.v1.AutoresetMode;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.Value;
import java.util.Map;

/**
 * Checks a MakeRequest before anything is reserved or built, and fills in its defaults: env id,
 * num_envs, render mode, max_episode_steps and autoreset mode, in that order, so a request with
 * several mistakes is always refused for the same one. Kwargs are the env's to check, as it is
 * built.
 */
final class MakeRequestCheck {
  /** What a valid MakeRequest asks for, its defaults filled in. */
  record Checked(
      EnvRegistration reg,
      int numEnvs,
      String renderMode,
      Integer maxSteps,
      AutoresetMode wireMode,
      io.gymbridge.vector.AutoresetMode mode,
      Map<String, Value> kwargs) {}

  private final EnvRegistry envs;
  private final int maxEnvsPerSession;

  MakeRequestCheck(EnvRegistry envs, int maxEnvsPerSession) {
    this.envs = envs;
    this.maxEnvsPerSession = maxEnvsPerSession;
  }

  /**
   * @throws UnknownEnvException for an env id this server lacks
   * @throws LimitExceededException for num_envs over --max-envs-per-session
   * @throws InvalidValueException for a bad render mode, max_episode_steps or autoreset mode
   */
  Checked check(MakeRequest request) {
    EnvRegistration reg = findEnv(request.getEnvId());
    int numEnvs = numEnvs(request);
    String renderMode = renderMode(request, reg);
    Integer maxSteps = maxEpisodeSteps(request);
    AutoresetMode wireMode =
        request.getAutoresetMode() == AutoresetMode.AUTORESET_MODE_UNSPECIFIED
            ? AutoresetMode.AUTORESET_MODE_NEXT_STEP
            : request.getAutoresetMode();
    return new Checked(
        reg,
        numEnvs,
        renderMode,
        maxSteps,
        wireMode,
        vectorMode(wireMode, request),
        request.getKwargsMap());
  }

  private EnvRegistration findEnv(String envId) {
    return envs.find(envId)
        .orElseThrow(() -> new UnknownEnvException(envs.unknownIdMessage(envId)));
  }

  private int numEnvs(MakeRequest request) {
    int numEnvs = request.getNumEnvs() == 0 ? 1 : request.getNumEnvs();
    // num_envs is a uint32: read as an int, one over 2^31 is negative, and is over the limit too.
    if (numEnvs < 0 || numEnvs > maxEnvsPerSession) {
      throw new LimitExceededException(
          "num_envs: "
              + Integer.toUnsignedString(request.getNumEnvs())
              + " is over this server's limit of "
              + maxEnvsPerSession
              + " envs per session (--max-envs-per-session)");
    }
    return numEnvs;
  }

  private static String renderMode(MakeRequest request, EnvRegistration reg) {
    String renderMode = request.getRenderMode();
    if (!renderMode.isEmpty() && !reg.renderModes().contains(renderMode)) {
      throw new InvalidValueException(
          "render_mode: expected \"\" or one of "
              + reg.renderModes()
              + " for "
              + reg.id()
              + ", got "
              + ClientText.quote(renderMode));
    }
    return renderMode;
  }

  private static Integer maxEpisodeSteps(MakeRequest request) {
    Integer maxSteps = request.hasMaxEpisodeSteps() ? request.getMaxEpisodeSteps() : null;
    if (maxSteps != null && maxSteps <= 0) {
      throw new InvalidValueException("max_episode_steps: expected > 0, got " + maxSteps);
    }
    return maxSteps;
  }

  private static io.gymbridge.vector.AutoresetMode vectorMode(
      AutoresetMode wireMode, MakeRequest request) {
    return switch (wireMode) {
      case AUTORESET_MODE_NEXT_STEP -> io.gymbridge.vector.AutoresetMode.NEXT_STEP;
      case AUTORESET_MODE_SAME_STEP -> io.gymbridge.vector.AutoresetMode.SAME_STEP;
      case AUTORESET_MODE_DISABLED -> io.gymbridge.vector.AutoresetMode.DISABLED;
      default ->
          throw new InvalidValueException(
              "autoreset_mode: expected NEXT_STEP, SAME_STEP or DISABLED, got "
                  + request.getAutoresetModeValue());
    };
  }
}
