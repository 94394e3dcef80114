package dev.rotagate.pool.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An origin web server on 127.0.0.1 for tests. Paths: {@code /bytes/N} N deterministic bytes; {@code /chunked/N}
 * the same, chunked; {@code /stream/N} N bytes written with backpressure (see {@link #streamed()});
 * {@code /health} answers the status set by {@link #healthStatus(int)}; {@code /ip} the caller's address;
 * {@code /echo} echoes method and body; {@code /status/N} an empty answer with status N;
 * anything else a short text.
 * Every request's head (method, uri, header names in order as received) is recorded.
 */
public final class TestOrigin implements AutoCloseable {

    /** One request as the origin saw it; header entries keep order and case. */
    public record Seen(String method, String uri, List<Map.Entry<String, String>> headers) {
        public String header(String name) {
            return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong streamed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger healthStatus = new java.util.concurrent.atomic.AtomicInteger(200);

    private TestOrigin(Vertx vertx) {
        this.vertx = vertx;
        this.server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHandle100ContinueAutomatically(true))
                .requestHandler(this::handle);
    }

    public static TestOrigin start(Vertx vertx) throws Exception {
        TestOrigin origin = new TestOrigin(vertx);
        origin.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        return origin;
    }

    public int port() {
        return server.actualPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public List<Seen> seen() {
        return seen;
    }

    /** What {@code /health} answers from now on. */
    public void healthStatus(int status) {
        healthStatus.set(status);
    }

    /** Bytes handed to sockets by {@code /stream/N} answers so far: stalls when the reader stops reading. */
    public long streamed() {
        return streamed.get();
    }

    /** The same bytes {@code /bytes/N} serves. */
    /** The SHA-256 (hex) of what {@code /stream/N} sends: its 64 KiB pattern over and over. */
    public static String streamSha256(long n) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] piece = bytes(64 * 1024);
            for (long left = n; left > 0; left -= piece.length) {
                sha.update(piece, 0, (int) Math.min(piece.length, left));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    private void handle(HttpServerRequest req) {
        seen.add(new Seen(req.method().name(), req.uri(), List.copyOf(req.headers().entries())));
        String path = req.path();
        if (path.startsWith("/bytes/")) {
            req.response().end(Buffer.buffer(bytes(Integer.parseInt(path.substring(7)))));
        } else if (path.startsWith("/chunked/")) {
            byte[] b = bytes(Integer.parseInt(path.substring(9)));
            req.response().setChunked(true);
            for (int i = 0; i < b.length; i += 10_000) {
                req.response().write(Buffer.buffer(java.util.Arrays.copyOfRange(b, i, Math.min(b.length, i + 10_000))));
            }
            req.response().end();
        } else if (path.equals("/health")) {
            req.response().setStatusCode(healthStatus.get()).end("health\n");
        } else if (path.equals("/ip")) {
            req.response().end(req.remoteAddress().host() + "\n");
        } else if (path.startsWith("/stream/")) {
            stream(req, Long.parseLong(path.substring(8)));
        } else if (path.equals("/echo")) {
            req.body().onSuccess(body -> req.response().putHeader("X-Method", req.method().name())
                    .end(body));
        } else if (path.startsWith("/status/")) {
            req.response().setStatusCode(Integer.parseInt(path.substring(8))).end();
        } else {
            req.response().putHeader("Content-Type", "text/plain").end("hello from origin\n");
        }
    }

    /** Writes {@code total} bytes in 64 KiB pieces, never more than the socket accepts (backpressure). */
    private void stream(HttpServerRequest req, long total) {
        var resp = req.response().putHeader("Content-Length", Long.toString(total));
        Buffer piece = Buffer.buffer(bytes(64 * 1024));
        long[] left = {total};
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (left[0] > 0 && !resp.writeQueueFull()) {
                int n = (int) Math.min(piece.length(), left[0]);
                resp.write(n == piece.length() ? piece : piece.getBuffer(0, n));
                left[0] -= n;
                streamed.addAndGet(n);
            }
            if (left[0] == 0) {
                resp.end();
            } else {
                resp.drainHandler(v -> pump[0].run());
            }
        };
        pump[0].run();
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }
}
