package io.gymbridge.agent.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.gymbridge.client.ClientConfig;
import io.gymbridge.client.RemoteEnvException;
import io.gymbridge.client.RemoteSession;
import io.gymbridge.client.StepBatch;
import io.gymbridge.codec.SpaceMembership;
import io.gymbridge.codec.Spaces;
import io.gymbridge.codec.Tensors;
import io.gymbridge.transport.ClientSecurity;
import io.gymbridge.v1.AutoresetMode;
import io.gymbridge.v1.CloseRequest;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.StepResponse;
import io.gymbridge.v1.Value;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/agent probe}: makes, resets and steps an env of any gymbridge server from Java with
 * random actions, checking every observation against the env's observation space. Envs whose spaces
 * the DQN client takes (float32 Box observations, Discrete actions) go through {@link
 * RemoteSession}, the agent's own client; the others (Discrete or Tuple observations: FrozenLake,
 * Taxi, Blackjack) through the generated stub and the shared codecs, since the DQN learner has no
 * use for them. Ends with one JSON line; exit status 1 on any failure.
 */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    header = "Step an env of a server with random actions and check what it returns.",
    description =
        "Makes, resets and steps the env with random actions, checking every observation"
            + " against the env's observation space; ends with one JSON line, exit status 1 on"
            + " any failure.")
public final class ProbeCommand implements Callable<Integer> {
  @Option(
      names = "--server",
      required = true,
      paramLabel = "HOST:PORT",
      description = "The server to probe.")
  String server;

  @Mixin SecurityOptions securityOptions;

  @Option(
      names = "--env",
      paramLabel = "ENV_ID",
      required = true,
      description = "Env id (bin/agent envs --server HOST:PORT lists them).")
  String envId;

  @Option(
      names = "--steps",
      paramLabel = "N",
      defaultValue = "200",
      description = "Vector steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--num-envs",
      paramLabel = "N",
      defaultValue = "2",
      description = "Envs in the session (default: ${DEFAULT-VALUE}).")
  int numEnvs;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "0",
      description = "Reset seed (default: ${DEFAULT-VALUE}).")
  long seed;

  private static final long DEADLINE_S = 30;

  @Override
  public Integer call() {
    try {
      String result = probe();
      System.out.println(result);
      return 0;
    } catch (StatusRuntimeException e) {
      RemoteEnvException r =
          new RemoteEnvException(
              server,
              e.getStatus().getCode(),
              "server " + server + ": " + RemoteEnvException.describe(e.getStatus()),
              e.getStatus().getCause());
      System.err.println(
          "probe of "
              + envId
              + " at "
              + server
              + " failed: "
              + CliErrors.answer(r, "probe").text());
      return 1;
    } catch (RuntimeException e) {
      // One line, with the same advice as every other command (an unreachable server, TLS).
      System.err.println(
          "probe of "
              + envId
              + " at "
              + server
              + " failed: "
              + CliErrors.answer(e, "probe").text());
      return 1;
    }
  }

  private String probe() {
    ClientSecurity security = securityOptions.security();
    ManagedChannel channel = security.channelBuilder(server).build();
    try {
      EnvServiceGrpc.EnvServiceBlockingStub stub = EnvServiceGrpc.newBlockingStub(channel);
      MakeResponse made = make(stub); // the spec tells which client can take the env
      stub.withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)
          .close(CloseRequest.newBuilder().setSessionId(made.getSessionId()).build());
      Space obs = made.getSpec().getObservationSpace();
      Space act = made.getSpec().getActionSpace();
      if (act.getKindCase() != Space.KindCase.DISCRETE) {
        throw new IllegalArgumentException(
            "probe draws Discrete actions only; " + envId + " has " + Spaces.describe(act));
      }
      boolean dqnClient =
          obs.getKindCase() == Space.KindCase.BOX && obs.getBox().getDtype() == DType.DTYPE_FLOAT32;
      int[] counts = dqnClient ? viaRemoteSession(act, security) : viaStub(stub, obs, act);
      return String.format(
          Locale.ROOT,
          "{\"env\": \"%s\", \"client\": \"%s\", \"observation_space\": \"%s\", \"steps\": %d,"
              + " \"episodes\": %d}",
          envId,
          dqnClient ? "RemoteSession" : "stub",
          Spaces.describe(obs).replace("\"", "'"),
          counts[0],
          counts[1]);
    } finally {
      channel.shutdownNow();
    }
  }

  /** A NEXT_STEP session of the env, through the generated stub. */
  private MakeResponse make(EnvServiceGrpc.EnvServiceBlockingStub stub) {
    return stub.withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)
        .make(
            MakeRequest.newBuilder()
                .setEnvId(envId)
                .setNumEnvs(numEnvs)
                .setAutoresetMode(AutoresetMode.AUTORESET_MODE_NEXT_STEP)
                .build());
  }

  /** Through the agent's client: {steps, episodes ended}. */
  private int[] viaRemoteSession(Space act, ClientSecurity security) {
    SplittableRandom rng = new SplittableRandom(seed);
    int episodes = 0;
    try (RemoteSession s =
        RemoteSession.open(
            server, envId, numEnvs, ClientConfig.defaults().withSecurity(security))) {
      s.reset(seed);
      int[] actions = new int[numEnvs];
      for (int t = 0; t < steps; t++) {
        for (int i = 0; i < numEnvs; i++) {
          actions[i] = rng.nextInt(s.numActions());
        }
        StepBatch b = s.step(actions);
        for (int i = 0; i < numEnvs; i++) {
          if (b.terminated()[i] || b.truncated()[i]) {
            episodes++;
          }
        }
      }
    }
    return new int[] {steps, episodes};
  }

  /** Through the generated stub, each observation checked against the space: {steps, episodes}. */
  private int[] viaStub(EnvServiceGrpc.EnvServiceBlockingStub stub, Space obs, Space act) {
    SplittableRandom rng = new SplittableRandom(seed);
    long n = act.getDiscrete().getN();
    long start = act.getDiscrete().getStart();
    MakeResponse made = make(stub);
    String sid = made.getSessionId();
    int episodes = 0;
    try {
      Value o =
          stub.withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)
              .reset(ResetRequest.newBuilder().setSessionId(sid).setSeed(seed).build())
              .getObservation();
      SpaceMembership.checkBatch(obs, o, numEnvs, "reset observation");
      long[] actions = new long[numEnvs];
      for (int t = 0; t < steps; t++) {
        for (int i = 0; i < numEnvs; i++) {
          actions[i] = start + rng.nextLong(n);
        }
        StepResponse r =
            stub.withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)
                .step(
                    StepRequest.newBuilder()
                        .setSessionId(sid)
                        .setAction(Value.newBuilder().setTensor(Tensors.ofInt64(actions, numEnvs)))
                        .build());
        SpaceMembership.checkBatch(obs, r.getObservation(), numEnvs, "step observation");
        if (r.getRewardsCount() != numEnvs || r.getTerminatedCount() != numEnvs) {
          throw new IllegalStateException("step " + t + ": expected " + numEnvs + " rewards/flags");
        }
        for (int i = 0; i < numEnvs; i++) {
          if (r.getTerminated(i) || r.getTruncated(i)) {
            episodes++;
          }
        }
      }
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException(e.getStatus().toString(), e);
    } finally {
      stub.withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)
          .close(CloseRequest.newBuilder().setSessionId(sid).build());
    }
    return new int[] {steps, episodes};
  }
}
