package org.meridian.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The notification benchmark's receiver: keep-alive HTTP/1.1 connections, one virtual thread each, Content-Length
 * bodies, answered 204. It stands for a city's receivers, which run on machines of their own. With the JDK's
 * HttpServer in its place the load generator took 0.28-0.29 of the 2-core machine's cores at 712-742 updates/s; with
 * this one 0.17-0.19 at 813-1,000/s: CPU the benchmark took from the server it measures.
 */
final class RawHttpReceiver implements AutoCloseable {
    private static final byte[] NO_CONTENT = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final Consumer<byte[]> bodies;

    RawHttpReceiver(Consumer<byte[]> bodies) throws IOException {
        this.bodies = bodies;
        this.server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("bench-receiver").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = socket.getOutputStream();
            while (true) {
                RawHttpConnection.readLine(in); // the request line: every request here is a notification
                int length = 0;
                for (String line = RawHttpConnection.readLine(in); !line.isEmpty(); line = RawHttpConnection.readLine(in)) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                        length = Integer.parseInt(line.substring(colon + 1).trim());
                    }
                }
                bodies.accept(in.readNBytes(length));
                out.write(NO_CONTENT);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the sender closed the connection (or sent what this receiver does not read): drop it
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
