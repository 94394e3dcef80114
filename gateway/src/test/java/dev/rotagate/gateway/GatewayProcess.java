package dev.rotagate.gateway;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged gateway ({@code target/rotagate.jar}) as a process of its own: for signals, fds and memory. */
public final class GatewayProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("rotagate listening on [^ ]+:(\\d+) ");

    private final Process process;
    private final Path log;

    private GatewayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code rotagate serve} with {@code yaml} (which should say {@code listen: 127.0.0.1:0}); waits until it listens. */
    public static GatewayProcess start(Path dir, String yaml) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return start(dir, yaml, List.of(java.toString(), "-Xmx256m", "-jar", Path.of("target", "rotagate.jar").toString()));
    }

    /** As above, started by {@code launcher} (a command that runs the gateway's main: a jar, an installed bin/rotagate). */
    public static GatewayProcess start(Path dir, String yaml, List<String> launcher) throws IOException {
        Path config = dir.resolve("rotagate.yaml");
        Files.writeString(config, yaml);
        Path log = Files.createTempFile(dir, "gateway", ".log");
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("serve", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putIfAbsent("ROTAGATE_JAVA_OPTS", "-Xmx256m");
        Process p = builder.start();
        GatewayProcess gateway = new GatewayProcess(p, log);
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.port() > 0 || !p.isAlive());
        if (gateway.port() < 0) {
            throw new IllegalStateException("the gateway did not start:\n" + gateway.output());
        }
        return gateway;
    }

    /** The port from its "listening" line; -1 before that. */
    public int port() {
        Matcher m = LISTENING.matcher(output());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 if it is still running after {@code timeout}. */
    public int waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    public long openFiles() throws IOException {
        try (var files = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return files.count();
        }
    }

    public long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
