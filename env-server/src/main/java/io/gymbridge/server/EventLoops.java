package io.gymbridge.server;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The env-server's own Netty event loops, two per core ({@code gymbridge-loop-N}), shared by every
 * server in the process; daemon threads, so they never keep a JVM alive.
 *
 * <p>Why not gRPC's default group, which also has two per core: a standalone server with 6 client
 * connections ran all of them on 2 of its 4 loops, so a heavy connection (an Atari session writes
 * ~1.8 MB per step of 64 envs) shared a loop with a given light one every other time. A connection
 * waits for whatever its loop is doing, so that sharing is what a CartPole client's p99 beside an
 * Atari client still paid (bench-isolation). With this group the connections take the loops in
 * turn, all 4 of them.
 */
final class EventLoops {
  private static final boolean EPOLL = Epoll.isAvailable();
  private static final EventLoopGroup BOSS = group(1, "gymbridge-accept");
  private static final EventLoopGroup WORKERS =
      group(2 * Runtime.getRuntime().availableProcessors(), "gymbridge-loop");

  private EventLoops() {}

  /** Makes {@code builder} accept and serve its connections on these loops. */
  static NettyServerBuilder use(NettyServerBuilder builder) {
    Class<? extends ServerChannel> channel =
        EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    return builder.bossEventLoopGroup(BOSS).workerEventLoopGroup(WORKERS).channelType(channel);
  }

  private static EventLoopGroup group(int threads, String name) {
    IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
  }
}
