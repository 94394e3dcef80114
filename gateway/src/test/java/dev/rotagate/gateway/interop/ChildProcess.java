package dev.rotagate.gateway.interop;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a real client (curl, python) as a child process with a hard time limit. Output goes to files in a work
 * directory (no pipes that could fill up), input is /dev/null, and proxy variables of the environment are
 * removed so that a client only ever uses the proxy the test gives it.
 */
final class ChildProcess {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    record Result(List<String> command, int exitCode, byte[] stdout, String stderr, Duration took) {

        String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** For assertion messages: what ran, how it ended, what it said. */
        String describe() {
            return String.join(" ", command) + "\n  exit " + exitCode + " after " + took.toMillis() + " ms"
                    + "\n  stderr: " + tail(stderr, 3000) + "\n  stdout: " + tail(stdoutText(), 1500);
        }
    }

    private ChildProcess() {
    }

    static Result run(Path workDir, Duration timeout, List<String> command) {
        return run(workDir, timeout, Map.of(), command);
    }

    static Result run(Path workDir, Duration timeout, Map<String, String> extraEnv, List<String> command) {
        int n = COUNTER.incrementAndGet();
        Path out = workDir.resolve("child-" + n + ".out");
        Path err = workDir.resolve("child-" + n + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).endsWith("_proxy")
                || k.equals("PYTHONPATH") || k.equals("PYTHONHOME") || k.equals("CURL_HOME"));
        env.put("PYTHONNOUSERSITE", "1");
        env.putAll(extraEnv);
        long start = System.nanoTime();
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command)
                        + "\n  stderr: " + tail(read(err), 3000));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Result result = new Result(command, process.exitValue(), Files.readAllBytes(out), read(err), took);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static String tail(String text, int max) {
        return text.length() <= max ? text : "…" + text.substring(text.length() - max);
    }
}
