import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Benchmark origin for bench/gateway-load.sh: JDK only, run as {@code java bench/Origin.java [maxSeconds]}.
 * Listens on 127.0.0.1 (an ephemeral port, printed as {@code LISTENING <port>} on stdout), keep-alive:
 * <ul>
 *   <li>{@code GET /small}: 128 bytes of text/plain</li>
 *   <li>{@code GET /download[?bytes=N]}: N bytes (default 100 MiB) with a Content-Length</li>
 *   <li>{@code POST|PUT /upload}: reads the whole body, answers with the number of bytes received</li>
 * </ul>
 * Exits by itself after maxSeconds (default 600), so a killed benchmark leaves nothing running for long.
 */
public final class Origin {

    private static final int SMALL_SIZE = 128;
    private static final long DEFAULT_DOWNLOAD = 100L * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;

    public static void main(String[] args) throws Exception {
        // the JDK server leaves Nagle on by default: a head and body written apart would wait for delayed ACKs
        System.setProperty("sun.net.httpserver.nodelay", "true");
        long maxSeconds = args.length > 0 ? Long.parseLong(args[0]) : 600;

        byte[] small = new byte[SMALL_SIZE];
        Arrays.fill(small, (byte) 'x');
        small[SMALL_SIZE - 1] = '\n';
        byte[] chunk = new byte[CHUNK];
        for (int i = 0; i < CHUNK; i++) {
            chunk[i] = (byte) ('a' + i % 26);
        }

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.createContext("/small", ex -> {
            drain(ex.getRequestBody());
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, SMALL_SIZE);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(small);
            }
        });
        server.createContext("/download", ex -> {
            drain(ex.getRequestBody());
            long size = DEFAULT_DOWNLOAD;
            String q = ex.getRequestURI().getRawQuery();
            if (q != null && q.startsWith("bytes=")) {
                size = Long.parseLong(q.substring("bytes=".length()));
            }
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, size);
            try (OutputStream out = ex.getResponseBody()) {
                long left = size;
                while (left > 0) {
                    int n = (int) Math.min(CHUNK, left);
                    out.write(chunk, 0, n);
                    left -= n;
                }
            }
        });
        server.createContext("/upload", ex -> {
            long received = drain(ex.getRequestBody());
            byte[] body = (received + "\n").getBytes(StandardCharsets.US_ASCII);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/", ex -> reply(ex, 404, "not found\n"));

        ExecutorService pool = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "origin-worker");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.start();
        System.out.println("LISTENING " + server.getAddress().getPort());
        System.out.flush();

        Thread.sleep(maxSeconds * 1000);
        System.err.println("origin: max lifetime of " + maxSeconds + "s reached, stopping");
        server.stop(0);
        pool.shutdownNow();
        System.exit(0);
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buf = new byte[CHUNK];
        long total = 0;
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
            }
        }
        return total;
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        drain(ex.getRequestBody());
        byte[] body = text.getBytes(StandardCharsets.US_ASCII);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
