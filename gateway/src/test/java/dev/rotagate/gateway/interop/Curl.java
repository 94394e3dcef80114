package dev.rotagate.gateway.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The real curl, run as a child process; response heads come from {@code -D}, bodies from {@code -o} files. */
final class Curl {

    static final String CURL = "/usr/bin/curl";
    static final Duration LIMIT = Duration.ofSeconds(30);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** One response head as curl wrote it: status line and headers (names lower-case, values in order). */
    record Head(String statusLine, int status, Map<String, List<String>> headers) {

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    /**
     * @param heads  every head curl received, in order (a CONNECT answer, then the origin's response; one per URL)
     * @param bodies one per URL, as saved with {@code -o}
     */
    record Result(ChildProcess.Result run, List<Head> heads, List<byte[]> bodies) {

        int exitCode() {
            return run.exitCode();
        }

        String stderr() {
            return run.stderr();
        }

        Head last() {
            if (heads.isEmpty()) {
                throw new AssertionError("curl received no response head\n" + describe());
            }
            return heads.get(heads.size() - 1);
        }

        Head first() {
            if (heads.isEmpty()) {
                throw new AssertionError("curl received no response head\n" + describe());
            }
            return heads.get(0);
        }

        byte[] body() {
            return bodies.get(bodies.size() - 1);
        }

        /** The final response heads (interim CONNECT answers left out). */
        List<Head> responses() {
            return heads.stream().filter(h -> !h.statusLine().contains("Connection established")).toList();
        }

        String describe() {
            String small = bodies.stream().filter(b -> b.length > 0 && b.length <= 600)
                    .map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8)).reduce("", (a, b) -> a + b);
            return run.describe() + "\n  heads: " + heads + (small.isEmpty() ? "" : "\n  body: " + small);
        }
    }

    private Curl() {
    }

    static void requireInstalled() {
        Interop.binary(CURL, "curl");
    }

    /** {@code curl -sS [options] URL} saving the body and the heads. */
    static Result fetch(Path workDir, List<String> options, String url) {
        return fetchAll(workDir, options, List.of(url));
    }

    /** One curl invocation for several URLs (curl reuses its connection when it can). */
    static Result fetchAll(Path workDir, List<String> options, List<String> urls) {
        requireInstalled();
        int n = COUNTER.incrementAndGet();
        Path heads = workDir.resolve("curl-" + n + ".heads");
        List<Path> bodies = new ArrayList<>();
        List<String> command = new ArrayList<>(List.of(CURL, "-q", "-sS", "--max-time", "20", "-D", heads.toString()));
        command.addAll(options);
        for (int i = 0; i < urls.size(); i++) {
            Path body = workDir.resolve("curl-" + n + "-" + i + ".body");
            bodies.add(body);
            command.addAll(List.of("-o", body.toString(), urls.get(i)));
        }
        ChildProcess.Result run = ChildProcess.run(workDir, LIMIT, command);
        try {
            List<Head> parsed = parseHeads(ChildProcess.read(heads));
            List<byte[]> bodyBytes = new ArrayList<>();
            for (Path b : bodies) {
                bodyBytes.add(Files.exists(b) ? Files.readAllBytes(b) : new byte[0]);
                Files.deleteIfExists(b);
            }
            Files.deleteIfExists(heads);
            return new Result(run, parsed, bodyBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How often {@code needle} occurs in {@code text} (e.g. curl's verbose "Re-using existing connection"). */
    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    static List<Head> parseHeads(String text) {
        List<Head> heads = new ArrayList<>();
        String status = null;
        Map<String, List<String>> headers = null;
        for (String raw : text.split("\n")) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.startsWith("HTTP/")) {
                if (status != null) {
                    heads.add(head(status, headers));
                }
                status = line;
                headers = new LinkedHashMap<>();
            } else if (status != null && line.indexOf(':') > 0) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
        }
        if (status != null) {
            heads.add(head(status, headers));
        }
        return heads;
    }

    private static Head head(String statusLine, Map<String, List<String>> headers) {
        String[] parts = statusLine.split(" ", 3);
        int code = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 0;
        return new Head(statusLine, code, headers);
    }
}
