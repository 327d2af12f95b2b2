package io.heliograph.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback port that only counts the TCP connections made to it and hangs up at once. Unlike a
 * {@link Receiver}, it notices any connection — an HTTPS handshake or a bare connect — not just
 * complete HTTP requests, so "it counted none" proves nothing connected.
 */
public final class ConnectionTrap implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger accepted = new AtomicInteger();

    private ConnectionTrap(InetAddress loopback) {
        if (!loopback.isLoopbackAddress()) {
            throw new IllegalArgumentException("a trap listens on loopback only: " + loopback);
        }
        try {
            socket = new ServerSocket(0, 50, loopback);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("connection-trap-" + socket.getLocalPort()).start(this::acceptUntilClosed);
    }

    /** A trap on 127.0.0.1. */
    public static ConnectionTrap ipv4() {
        return new ConnectionTrap(InetAddress.getLoopbackAddress());
    }

    /** A trap on ::1. */
    public static ConnectionTrap ipv6() {
        try {
            return new ConnectionTrap(InetAddress.getByName("::1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    private void acceptUntilClosed() {
        while (!socket.isClosed()) {
            try (Socket ignored = socket.accept()) {
                accepted.incrementAndGet();
            } catch (IOException e) {
                // closed: the loop ends
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
