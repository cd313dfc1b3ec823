package org.meridian.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection that writes requests and reads status and body with almost no overhead.
 * The JDK HttpClient spent more CPU than the server under test on this 2-core machine, which measured the client,
 * not Meridian. It handles what Meridian sends back: Content-Length and chunked bodies.
 */
final class RawHttpConnection implements AutoCloseable {
    private final String host;
    private final int port;
    private final String authorization;
    private String location;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    RawHttpConnection(String baseUrl) {
        this(baseUrl, null);
    }

    /** A connection that sends the Authorization header on every request (a device gateway's credentials). */
    RawHttpConnection(String baseUrl, String authorization) {
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.authorization = authorization;
    }

    int request(String method, String path, String body) throws IOException {
        boolean reused = socket != null;
        try {
            return send(method, path, body);
        } catch (IOException e) {
            if (!reused) {
                throw e;
            }
            // The server closes idle keep-alive connections: one retry on a fresh connection.
            return send(method, path, body);
        }
    }

    private int send(String method, String path, String body) throws IOException {
        if (socket == null) {
            connect();
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append(':').append(port).append("\r\n");
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
        }
        head.append("\r\n");
        try {
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            return readResponse();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    /** The Location header of the last response that had one (where a created resource is). */
    String location() {
        return location;
    }

    private int readResponse() throws IOException {
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = 0;
        boolean close = false;
        boolean chunked = false;
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(line.substring(colon + 1).trim());
            } else if (name.equalsIgnoreCase("Connection") && line.toLowerCase().contains("close")) {
                close = true;
            } else if (name.equalsIgnoreCase("Location")) {
                location = line.substring(colon + 1).trim();
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = line.toLowerCase().contains("chunked");
            }
        }
        if (chunked) {
            skipChunks();
        } else {
            in.skipNBytes(length);
        }
        if (close) {
            close();
        }
        return status;
    }

    private void skipChunks() throws IOException {
        for (long size = chunkSize(); size > 0; size = chunkSize()) {
            in.skipNBytes(size);
            readLine();
        }
        for (String trailer = readLine(); !trailer.isEmpty(); trailer = readLine()) {
            // trailers carry nothing the benchmark needs
        }
    }

    private long chunkSize() throws IOException {
        String line = readLine();
        int extension = line.indexOf(';');
        return Long.parseLong((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
    }

    private String readLine() throws IOException {
        return readLine(in);
    }

    /** One CRLF-terminated line of an HTTP head, without its CRLF; fails at the end of the stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int previous = -1;
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
            }
            line.write(b);
            previous = b;
        }
        throw new IOException("connection closed by the peer");
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing to do
            }
            socket = null;
        }
    }
}
