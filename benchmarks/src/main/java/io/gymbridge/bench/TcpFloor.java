package io.gymbridge.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The cheapest possible round trip between two threads over loopback TCP (blocking sockets, 64
 * bytes each way): no RPC can beat it, so it puts the gRPC figures in proportion.
 */
final class TcpFloor {
  private TcpFloor() {}

  static double roundTripMicros() throws IOException, InterruptedException {
    try (ServerSocket server = new ServerSocket(0)) {
      Thread echo =
          new Thread(
              () -> {
                try (Socket c = server.accept()) {
                  c.setTcpNoDelay(true);
                  InputStream in = c.getInputStream();
                  OutputStream out = c.getOutputStream();
                  byte[] b = new byte[64];
                  while (in.readNBytes(b, 0, 64) == 64) {
                    out.write(b);
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              "tcp-floor-echo");
      echo.setDaemon(true);
      echo.start();
      try (Socket c = new Socket("127.0.0.1", server.getLocalPort())) {
        c.setTcpNoDelay(true);
        InputStream in = c.getInputStream();
        OutputStream out = c.getOutputStream();
        byte[] b = new byte[64];
        int n = 20_000;
        for (int i = 0; i < n; i++) { // warm-up
          out.write(b);
          in.readNBytes(b, 0, 64);
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          out.write(b);
          in.readNBytes(b, 0, 64);
        }
        return (System.nanoTime() - start) / 1e3 / n;
      } finally {
        echo.join(1000);
      }
    }
  }
}
