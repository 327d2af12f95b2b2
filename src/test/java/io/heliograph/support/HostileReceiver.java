package io.heliograph.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver on loopback that misbehaves at the socket level, where MockWebServer cannot:
 * it hangs, resets the connection, answers with a gigabyte, or trickles one byte a second. It counts
 * connections and the bytes it managed to write, so a test can show the sender stopped reading.
 */
public final class HostileReceiver implements AutoCloseable {
    public enum Mode { HANG, RESET, GIGABYTE, TRICKLE }

    private static final long GIGABYTE = 1L << 30;

    private final Mode mode;
    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public HostileReceiver(Mode mode) {
        this.mode = mode;
        try {
            server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Thread.ofVirtual().start(this::accept);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
    }

    public int connections() {
        return connections.get();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                open.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            readHead(in);
            OutputStream out = socket.getOutputStream();
            switch (mode) {
                case HANG -> {
                    while (!closed && in.read() != -1) {
                        // say nothing; wait for the sender to give up
                    }
                }
                case RESET -> {
                    socket.setSoLinger(true, 0); // close() now sends RST
                }
                case GIGABYTE -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + GIGABYTE
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[64 * 1024];
                    for (long sent = 0; sent < GIGABYTE && !closed; sent += chunk.length) {
                        out.write(chunk);
                        bytesWritten.addAndGet(chunk.length);
                    }
                }
                case TRICKLE -> {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 100 && !closed; i++) {
                        out.write('x');
                        out.flush();
                        bytesWritten.incrementAndGet();
                        Thread.sleep(1_000);
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the sender went away: what we want to see
        } finally {
            open.remove(socket);
        }
    }

    /** Reads the request head and its Content-Length body, so the sender has finished sending. */
    private static void readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
