package io.gymbridge.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.gymbridge.client.RemoteEnvException;
import io.gymbridge.client.ServerAddresses;
import io.gymbridge.codec.Spaces;
import io.gymbridge.transport.ClientSecurity;
import io.gymbridge.transport.InProcessServer;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.EnvSpec;
import io.gymbridge.v1.ListEnvsRequest;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/agent envs}: what a server offers (its ListEnvs), as a table or as JSON; without
 * {@code --server}, what the agent's in-process env-server would offer, ROMs found as train finds
 * them.
 */
@Command(
    name = "envs",
    mixinStandardHelpOptions = true,
    header = "List the envs a server offers, with their spaces and limits.",
    description =
        "One row per env: id, observation space, action space, max_episode_steps (the time"
            + " limit) and reward_threshold (solved at this mean return); '-' where the env has"
            + " none. Without --server: the envs of the env-server that train starts in-process"
            + " (the Atari games appear when ROMs are found).")
public final class EnvsCommand implements Callable<Integer> {
  private static final long DEADLINE_SECONDS = 30;

  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description = "The server to ask. Default: an in-process env-server, as train starts.")
  String server;

  @Option(
      names = "--rom-dir",
      paramLabel = "DIR",
      description = "Atari ROMs for the in-process env-server (as train's --rom-dir).")
  Path romDir;

  @Option(names = "--json", description = "Print one JSON array instead of the table.")
  boolean json;

  @Mixin SecurityOptions securityOptions;

  @Override
  public Integer call() throws Exception {
    List<EnvSpec> envs;
    if (server == null) {
      try (InProcessServer embedded = InProcessServer.start(null, romDir)) {
        envs = listEnvs(embedded.address(), ClientSecurity.plaintext());
      }
    } else {
      if (!server.startsWith("dns:///")) { // gRPC resolves those itself
        ServerAddresses.check(server);
      }
      envs = listEnvs(server, securityOptions.security());
    }
    if (json) {
      System.out.println(toJson(envs));
    } else {
      printTable(envs, System.out);
    }
    return 0;
  }

  /** The server's ListEnvs, a failure as a RemoteEnvException (which bin/agent explains). */
  static List<EnvSpec> listEnvs(String address, ClientSecurity security) {
    ManagedChannel channel = security.channelBuilder(address).build();
    try {
      return EnvServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .listEnvs(ListEnvsRequest.getDefaultInstance())
          .getEnvsList();
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      throw new RemoteEnvException(
          address,
          s.getCode(),
          "server " + address + ": ListEnvs failed: " + RemoteEnvException.describe(s),
          s.getCause());
    } finally {
      channel.shutdownNow();
    }
  }

  static void printTable(List<EnvSpec> envs, PrintStream out) {
    List<String[]> rows =
        envs.stream()
            .map(
                e ->
                    new String[] {
                      e.getId(),
                      Spaces.describe(e.getObservationSpace()),
                      Spaces.describe(e.getActionSpace()),
                      e.hasMaxEpisodeSteps() ? String.valueOf(e.getMaxEpisodeSteps()) : "-",
                      e.hasRewardThreshold() ? number(e.getRewardThreshold()) : "-"
                    })
            .toList();
    String[] header = {"ID", "OBSERVATION", "ACTION", "MAX STEPS", "THRESHOLD"};
    int[] width = new int[header.length];
    for (int c = 0; c < header.length; c++) {
      width[c] = header[c].length();
      for (String[] r : rows) {
        width[c] = Math.max(width[c], r[c].length());
      }
    }
    String format =
        String.format(
            Locale.ROOT,
            "%%-%ds  %%-%ds  %%-%ds  %%%ds  %%%ds%%n",
            width[0],
            width[1],
            width[2],
            width[3],
            width[4]);
    out.printf(Locale.ROOT, format, (Object[]) header);
    rows.forEach(r -> out.printf(Locale.ROOT, format, (Object[]) r));
    out.println(envs.size() + " envs");
  }

  static String toJson(List<EnvSpec> envs) {
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode array = mapper.createArrayNode();
    for (EnvSpec e : envs) {
      ObjectNode o = array.addObject();
      o.put("id", e.getId());
      o.put("observation_space", Spaces.describe(e.getObservationSpace()));
      o.put("action_space", Spaces.describe(e.getActionSpace()));
      if (e.hasMaxEpisodeSteps()) {
        o.put("max_episode_steps", e.getMaxEpisodeSteps());
      } else {
        o.putNull("max_episode_steps");
      }
      if (e.hasRewardThreshold()) {
        o.put("reward_threshold", e.getRewardThreshold());
      } else {
        o.putNull("reward_threshold");
      }
    }
    return array.toString();
  }

  /** 475 rather than 475.0; 0.78 as it is. */
  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }
}
