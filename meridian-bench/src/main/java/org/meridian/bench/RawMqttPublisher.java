package org.meridian.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.function.IntConsumer;

/**
 * A minimal MQTT 3.1.1 publisher (QoS 1 only) for the load generator: a general client library spends more CPU per
 * message than the broker and server it measures, on a machine all three share. One socket, a reader thread for
 * PUBACKs, a window of unacknowledged messages.
 */
final class RawMqttPublisher implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final Semaphore window;
    private final IntConsumer acknowledged;
    private final Thread reader;
    private int nextId = 1;

    /** @param acknowledged called with each acknowledged packet id, on the reader thread */
    RawMqttPublisher(String url, String clientId, String username, String password, int windowSize, IntConsumer acknowledged)
            throws IOException {
        URI uri = URI.create(url);
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        InputStream raw = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        in = new DataInputStream(raw);
        this.window = new Semaphore(windowSize);
        this.acknowledged = acknowledged;
        connect(clientId, username, password);
        reader = Thread.ofPlatform().name("mqtt-acks-" + clientId).daemon().start(this::readAcks);
    }

    private void connect(String clientId, String username, String password) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4);
        int flags = 0x02 | (username != null ? 0x80 : 0) | (password != null ? 0x40 : 0);
        body.write(flags);
        body.write(0);
        body.write(0); // no keep-alive: the run is short and busy
        writeString(body, clientId);
        if (username != null) {
            writeString(body, username);
        }
        if (password != null) {
            writeString(body, password);
        }
        packet(0x10, body.toByteArray());
        out.flush();
        int type = in.readUnsignedByte();
        int length = in.readUnsignedByte();
        in.readUnsignedByte();
        int code = in.readUnsignedByte();
        if (type != 0x20 || length != 2 || code != 0) {
            throw new IOException("CONNECT refused, return code " + code);
        }
    }

    /** Publishes with QoS 1, waiting for room in the window; returns the packet id. */
    synchronized int publish(String topic, byte[] payload) throws IOException {
        window.acquireUninterruptibly();
        int id = nextId;
        nextId = nextId == 65_535 ? 1 : nextId + 1;
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        int length = 2 + topicBytes.length + 2 + payload.length;
        out.write(0x32);
        writeLength(length);
        out.write(topicBytes.length >> 8);
        out.write(topicBytes.length & 0xFF);
        out.write(topicBytes);
        out.write(id >> 8);
        out.write(id & 0xFF);
        out.write(payload);
        return id;
    }

    synchronized void flush() throws IOException {
        out.flush();
    }

    private void readAcks() {
        try {
            while (true) {
                int type = in.readUnsignedByte();
                int length = in.readUnsignedByte();
                byte[] rest = new byte[length];
                in.readFully(rest);
                if ((type & 0xF0) == 0x40 && length >= 2) {
                    acknowledged.accept(((rest[0] & 0xFF) << 8) | (rest[1] & 0xFF));
                    window.release();
                }
            }
        } catch (IOException closed) {
            // the connection ended
        }
    }

    private void packet(int type, byte[] body) throws IOException {
        out.write(type);
        writeLength(body.length);
        out.write(body);
    }

    private void writeLength(int length) throws IOException {
        do {
            int digit = length % 128;
            length /= 128;
            out.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            out.write(0xE0);
            out.write(0);
            out.flush();
        }
        socket.close();
        try {
            reader.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
