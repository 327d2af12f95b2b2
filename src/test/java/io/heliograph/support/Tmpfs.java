package io.heliograph.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A small tmpfs mounted on a temp dir (needs root): a disk that fills up on purpose. */
public final class Tmpfs implements AutoCloseable {
    private final Path mountPoint;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    public static Tmpfs mount(int megabytes) {
        try {
            Path dir = Files.createTempDirectory("hg-tmpfs-");
            run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString()));
            return new Tmpfs(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return mountPoint;
    }

    @Override
    public void close() {
        try {
            run(List.of("umount", "-l", mountPoint.toString()));
            Files.deleteIfExists(mountPoint);
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    private static void run(List<String> command) {
        Commands.run(command, 30);
    }
}
