package dev.rotagate.gateway.interop;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One running third-party proxy daemon on 127.0.0.1: its process, port, private directory (config, pid file,
 * logs) and log files. {@link #close()} stops it (SIGTERM, then SIGKILL) with every child it forked and deletes
 * its directory; a JVM shutdown hook does the same for daemons a crashed test left behind. For failover tests it can
 * also {@link #crash()} (SIGKILL) or {@link #stop()} (SIGTERM) and {@link #restart()} on the same port, so a gateway's
 * config still points at it.
 */
final class ProxyProcess implements AutoCloseable {

    private static final Set<ProxyProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(p -> p.kill()), "interop-daemon-reaper"));
    }

    private final String name;
    private final String kind;
    private final int port;
    private final Path dir;
    private final List<String> command;
    private final List<Path> logs;
    private final String targetMarkerFormat;
    /** Replaced by {@link #restart()}. */
    private volatile Process process;

    private ProxyProcess(String name, String kind, int port, Path dir, List<String> command, Process process,
                         List<Path> logs, String targetMarkerFormat) {
        this.name = name;
        this.kind = kind;
        this.port = port;
        this.dir = dir;
        this.command = List.copyOf(command);
        this.process = process;
        this.logs = logs;
        this.targetMarkerFormat = targetMarkerFormat;
    }

    /**
     * Starts {@code command} in {@code dir} (stdout and stderr to files there) and waits until it accepts
     * connections on {@code port}; fails at once, with its logs, if it exits first.
     *
     * @param targetMarkerFormat how the daemon's log names a target port it connected to ({@code %d} = the port),
     *                           see {@link #timesConnectedTo(int)}
     */
    static ProxyProcess start(String name, String kind, int port, Path dir, List<String> command, List<Path> logs,
                              String targetMarkerFormat) {
        Process process = spawn(kind, dir, command, false);
        List<Path> allLogs = Stream.concat(logs.stream(), Stream.of(stdout(dir), stderr(dir))).toList();
        ProxyProcess proxy = new ProxyProcess(name, kind, port, dir, command, process, allLogs, targetMarkerFormat);
        RUNNING.add(proxy);
        try {
            proxy.awaitAccepting(process);
        } catch (RuntimeException | Error e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    private static Path stdout(Path dir) {
        return dir.resolve("stdout.log");
    }

    private static Path stderr(Path dir) {
        return dir.resolve("stderr.log");
    }

    /** Starts {@code command} in {@code dir}; stdout and stderr go to files there (appended to after a restart). */
    private static Process spawn(String kind, Path dir, List<String> command, boolean append) {
        try {
            return new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(append ? ProcessBuilder.Redirect.appendTo(stdout(dir).toFile())
                            : ProcessBuilder.Redirect.to(stdout(dir).toFile()))
                    .redirectError(append ? ProcessBuilder.Redirect.appendTo(stderr(dir).toFile())
                            : ProcessBuilder.Redirect.to(stderr(dir).toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + kind + ": " + command, e);
        }
    }

    /** Waits until {@code process} accepts connections on the port; fails at once, with the logs, if it exits. */
    private void awaitAccepting(Process process) {
        await("until " + kind + " " + name + " accepts connections on 127.0.0.1:" + port)
                .atMost(Duration.ofSeconds(20))
                .pollDelay(Duration.ofMillis(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new DaemonExited(kind + " " + name + " exited with status " + process.exitValue()
                                + " before accepting connections on port " + port + "\n" + logTail());
                    }
                    return accepts(port);
                });
    }

    /** Thrown while waiting for a daemon that died; the caller may retry on another port. */
    static final class DaemonExited extends IllegalStateException {
        DaemonExited(String message) {
            super(message);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@code scheme://[credentials@]127.0.0.1:port}, for a gateway's upstream list. */
    String url(String scheme, String credentials) {
        return scheme + "://" + (credentials == null ? "" : credentials + "@") + "127.0.0.1:" + port;
    }

    /**
     * How many times the daemon's logs mention connecting to 127.0.0.1:{@code targetPort}: proof that traffic
     * really went through this daemon (a SOCKS tunnel leaves no header behind).
     */
    long timesConnectedTo(int targetPort) {
        String marker = String.format(targetMarkerFormat, targetPort);
        long count = 0;
        for (Path log : logs) {
            String text = ChildProcess.read(log);
            for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + marker.length())) {
                count++;
            }
        }
        return count;
    }

    /** The last lines of every log, for failure messages. */
    String logTail() {
        StringBuilder sb = new StringBuilder();
        for (Path log : logs) {
            String text = ChildProcess.read(log);
            if (!text.isBlank()) {
                sb.append("--- ").append(log).append('\n').append(ChildProcess.tail(text, 2000)).append('\n');
            }
        }
        return sb.length() == 0 ? "(no log output)" : sb.toString();
    }

    @Override
    public String toString() {
        return kind + " " + name + " on 127.0.0.1:" + port;
    }

    /**
     * SIGKILL to the daemon and every child it forked, as in a crash, and waits until they are gone (so nothing
     * listens on the port any more). Directory and logs stay; the stale pid file is removed, so that a
     * {@link #restart()} cannot mistake a recycled pid for a running daemon.
     */
    void crash() {
        Process p = process;
        List<ProcessHandle> all = Stream.concat(Stream.of(p.toHandle()), p.descendants()).toList();
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(this + " did not die of SIGKILL within 10 s", e);
            }
        }
        waitForExit(this);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the pid file of " + this, e);
        }
    }

    /** Stops the daemon the orderly way (SIGTERM, SIGKILL after 10 s); directory and logs stay for a restart. */
    void stop() {
        stopAll(List.of(this));
    }

    /** {@link #stop()} for several daemons at once (squid takes about a second to exit, so in parallel). */
    static void stopAll(Collection<ProxyProcess> proxies) {
        terminate(proxies);
        proxies.forEach(ProxyProcess::waitForExit);
    }

    /**
     * Starts the stopped or crashed daemon again with the same command, on the same port and in the same directory
     * (its logs are appended to), and waits until it accepts connections.
     */
    void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(this + " is still running");
        }
        Process next = spawn(kind, dir, command, true);
        process = next;
        awaitAccepting(next);
    }

    /** Stops the daemon and its children, waits for them, deletes its directory. */
    @Override
    public void close() {
        closeAll(List.of(this));
    }

    /** Stops several daemons at once (squid takes about a second to exit, so they do it in parallel). */
    static void closeAll(Collection<ProxyProcess> proxies) {
        terminate(proxies);
        for (ProxyProcess p : proxies) {
            waitForExit(p);
            RUNNING.remove(p);
            deleteTree(p.dir);
        }
    }

    /** SIGTERM to every daemon and its children; SIGKILL to whatever still runs after 10 s. */
    private static void terminate(Collection<ProxyProcess> proxies) {
        List<ProcessHandle> all = proxies.stream()
                .flatMap(p -> Stream.concat(Stream.of(p.process.toHandle()), p.process.descendants()))
                .toList();
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : all) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    private static void waitForExit(ProxyProcess p) {
        try {
            p.process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file must not fail a test
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }
}
