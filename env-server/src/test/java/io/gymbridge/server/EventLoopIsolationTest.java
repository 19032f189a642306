package io.gymbridge.server;

import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.StepResponse;
import io.gymbridge.v1.Value;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A slow call must not hold the event loop that other connections share: with one event loop for
 * the whole server, a step that blocks until the test says so runs while another client makes,
 * resets and steps CartPole. Had the blocked step held the loop, the CartPole calls would never be
 * answered (their deadline would fail the test) and the gate would never open.
 */
class EventLoopIsolationTest {
  private static final String GATED = "Gated-v0";
  private static final CountDownLatch gate = new CountDownLatch(1);
  private static final CountDownLatch insideTheEnv = new CountDownLatch(1);
  private static volatile boolean closeGate;

  @Test
  void aBlockedCostlyStepLeavesTheEventLoopToOtherClients() throws Exception {
    EnvRegistry envs = EnvRegistry.builtin();
    envs.register(
        new EnvRegistration(
            GATED,
            "steps wait for the gate",
            a -> new GatedEnv(),
            Map.of(),
            null,
            null,
            false,
            List.of(),
            0));
    ServerConfig config = TestServer.config();
    EventLoopGroup boss = new NioEventLoopGroup(1);
    EventLoopGroup oneLoop = new NioEventLoopGroup(1);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(oneLoop)
            .channelType(NioServerSocketChannel.class);
    try (EnvServer server = new EnvServer(builder, envs, config).start()) {
      ManagedChannel slowClient = channel(server);
      ManagedChannel fastClient = channel(server);
      try {
        var slow = EnvServiceGrpc.newFutureStub(slowClient);
        String gated = slow.make(make(GATED, 1)).get(10, TimeUnit.SECONDS).getSessionId();
        slow.reset(reset(gated, 1)).get(10, TimeUnit.SECONDS);
        slow.step(step(gated, 0)).get(10, TimeUnit.SECONDS); // measured: costly from now on
        closeGate = true;
        var blocked = slow.step(step(gated, 0)); // waits for the gate on a call thread
        // The CartPole calls start only once the blocked step is inside the env, holding
        // whichever thread runs it.
        assertTrue(
            insideTheEnv.await(10, TimeUnit.SECONDS), "the gated step never reached the env");

        var fast = TestServer.env(fastClient);
        String cartPole = fast.make(make("CartPole-v1", 1)).getSessionId();
        TestServer.env(fastClient).reset(reset(cartPole, 3));
        for (int i = 0; i < 5; i++) {
          assertEquals(1, TestServer.env(fastClient).step(step(cartPole, i % 2)).getRewardsCount());
        }
        gate.countDown();
        StepResponse released = blocked.get(10, TimeUnit.SECONDS);
        assertEquals(1.0, released.getRewards(0));
      } finally {
        gate.countDown();
        slowClient.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        fastClient.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      oneLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private static ManagedChannel channel(EnvServer server) {
    return io.grpc.Grpc.newChannelBuilder(
            "127.0.0.1:" + server.port(), io.grpc.InsecureChannelCredentials.create())
        .build();
  }

  /** Steps take a millisecond; once the gate is closed, a step waits until it opens. */
  private static final class GatedEnv implements Env {
    private static final Space OBS = Spaces.boxFloat32(new float[] {0f}, new float[] {1f}, 1);

    @Override
    public Space observationSpace() {
      return OBS;
    }

    @Override
    public Space actionSpace() {
      return Spaces.discrete(2);
    }

    @Override
    public void reset(Long seed, Map<String, Value> options, Transition out) {}

    @Override
    public void step(ByteBuffer action, Transition out) {
      try {
        Thread.sleep(1);
        if (closeGate) {
          insideTheEnv.countDown();
        }
        if (closeGate && !gate.await(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.setReward(1.0);
    }

    @Override
    public RgbFrame render() {
      throw new UnsupportedOperationException("no rendering");
    }
  }
}
