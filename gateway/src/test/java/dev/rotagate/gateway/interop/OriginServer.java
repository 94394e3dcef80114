package dev.rotagate.gateway.interop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The target every interop request ends at: an HTTP/1.1 keep-alive server on 127.0.0.1 (the JDK's own), serving
 * <ul>
 *   <li>{@code /big}: 1 MiB of deterministic pseudo-random bytes ({@link #BIG_SHA256});</li>
 *   <li>{@code /small}: {@link #SMALL_TEXT};</li>
 *   <li>{@code /headers}: the request head it received, one {@code name: value} per line (names lower-case);</li>
 *   <li>{@code /upload}: for any request body, {@code <length> <sha256>\n} of what arrived;</li>
 *   <li>{@code /too-many}: 429 Too Many Requests, as a site that rate-limits an exit.</li>
 * </ul>
 */
final class OriginServer implements AutoCloseable {

    static final int BIG_SIZE = 1024 * 1024;
    static final byte[] BIG = bigBody();
    static final String BIG_SHA256 = sha256(BIG);
    static final String SMALL_TEXT = "hello from the rotagate interop origin\n";

    static {
        // The JDK's server writes a response head and its body separately; without TCP_NODELAY, Nagle holds the body
        // back until the client's delayed ACK (~40 ms): every request on a keep-alive connection would take that long.
        // Read once, when the JDK's server configuration loads, so it must be set before the first HttpServer.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong requests = new AtomicLong();

    private OriginServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static OriginServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "interop-origin");
                t.setDaemon(true);
                return t;
            });
            OriginServer origin = new OriginServer(server, executor);
            server.createContext("/big", ex -> origin.reply(ex, "application/octet-stream", BIG));
            server.createContext("/small", ex -> origin.reply(ex, "text/plain; charset=utf-8",
                    SMALL_TEXT.getBytes(StandardCharsets.UTF_8)));
            // which address the request came from: tells squids apart that connect out from their own addresses
            server.createContext("/peer", ex -> origin.reply(ex, "text/plain; charset=utf-8",
                    ("peer " + ex.getRemoteAddress().getAddress().getHostAddress() + "\n").getBytes(StandardCharsets.UTF_8)));
            server.createContext("/too-many", ex -> origin.reply(ex, 429, "text/plain; charset=utf-8",
                    "slow down\n".getBytes(StandardCharsets.UTF_8)));
            server.createContext("/upload", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                origin.reply(ex, "text/plain; charset=utf-8",
                        (body.length + " " + sha256(body) + "\n").getBytes(StandardCharsets.UTF_8));
            });
            server.createContext("/headers", ex -> {
                StringBuilder sb = new StringBuilder(ex.getRequestMethod() + " " + ex.getRequestURI() + "\n");
                for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                    for (String v : h.getValue()) {
                        sb.append(h.getKey().toLowerCase(java.util.Locale.ROOT)).append(": ").append(v).append('\n');
                    }
                }
                origin.reply(ex, "text/plain; charset=utf-8", sb.toString().getBytes(StandardCharsets.UTF_8));
            });
            server.setExecutor(executor);
            server.start();
            return origin;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the origin server", e);
        }
    }

    private void reply(HttpExchange ex, String contentType, byte[] body) throws IOException {
        reply(ex, 200, contentType, body);
    }

    private void reply(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.getResponseHeaders().set("X-Origin", "rotagate-interop");
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT/path} */
    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    long requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] bigBody() {
        byte[] body = new byte[BIG_SIZE];
        SplittableRandom random = new SplittableRandom(0x526f7461L); // fixed seed: the same bytes in every run
        for (int i = 0; i < body.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < body.length; j++) {
                body[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return body;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
