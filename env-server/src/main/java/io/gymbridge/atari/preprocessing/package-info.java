/**
 * The DQN frame preprocessing for Atari envs, as env wrappers over an {@link
 * io.gymbridge.atari.AtariConsole}, so 84x84x4 uint8 stacks (28 KB) travel per step instead of
 * 210x160x3 RGB frames (100 KB).
 *
 * <p>{@link io.gymbridge.atari.preprocessing.AtariPipeline} parses the make kwargs and composes the
 * stages in CleanRL/SB3 order: {@link io.gymbridge.atari.preprocessing.AtariPreprocessing} and
 * {@link io.gymbridge.atari.preprocessing.FrameStackObservation} (Gymnasium 1.3.0, reproduced step
 * for step, checked against the real Gymnasium wrappers by WrapperParityTest), and the Stable
 * Baselines3 options {@link io.gymbridge.atari.preprocessing.EpisodicLife}, {@link
 * io.gymbridge.atari.preprocessing.FireReset} and {@link
 * io.gymbridge.atari.preprocessing.ClipReward}, with Gymnasium's {@link
 * io.gymbridge.envs.wrappers.RecordEpisodeStatistics} beneath those three so that {@code
 * info["episode"]} reports whole games and their unclipped scores (AtariPipeline says what its
 * length counts). {@link io.gymbridge.atari.preprocessing.AreaResize} is cv2's INTER_AREA,
 * byte-identical to OpenCV 4.14.
 *
 * <p>Where this differs from the Python originals, on purpose:
 *
 * <ul>
 *   <li>EpisodicLife resets for real on a seeded reset even right after a life loss (SB3 drops the
 *       seed and continues the game), so {@code reset(seed=s)} always gives the episode s names.
 *   <li>FireReset returns the observation of its last reset when its second step ends the episode
 *       (SB3 returns that step's terminal observation, though the env has been reset beneath it).
 *   <li>AreaResize only shrinks (or copies): a screen_size larger than the screen in either axis is
 *       rejected, where OpenCV would switch to a bilinear kernel.
 *   <li>Options of a stage that is off (noop_max without atari_preprocessing, stack_padding without
 *       frame_stack) are errors rather than silently ignored.
 * </ul>
 */
package io.gymbridge.atari.preprocessing;
