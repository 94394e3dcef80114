package dev.rotagate.pool.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.ServerSocket;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream HTTP proxy on 127.0.0.1 for fault injection: a working one ({@link Mode#RELAY}) or one that fails
 * in a chosen way. Shared by the tests of every module through the upstream-pool test-jar.
 */
public final class FakeUpstream implements AutoCloseable {

    public enum Mode {
        /** A working HTTP proxy: CONNECT tunnels and absolute-form requests; adds {@code Via: 1.1 NAME}. */
        RELAY,
        /** Nothing listens on the port: connect refused. */
        REFUSE,
        /** Accepts and reads, never answers. */
        HANG,
        /** Answers 407 Proxy Authentication Required to everything. */
        REJECT_407,
        /** Answers 502 Bad Gateway to everything (its own failure). */
        REJECT_502,
        /** Answers bytes that are not HTTP. */
        GARBAGE,
        /** CONNECT: 200, a few bytes, then the connection dies. GET: a head promising more body than it sends. */
        RESET_MID_STREAM,
        /** Answers the first request of a connection with keep-alive framing, then closes when a second comes (tinyproxy). */
        CLOSE_ON_SECOND_REQUEST,
        /** Answers one byte every 200 ms, forever: a head that never completes. */
        TRICKLE,
        /** Reads a request head, then closes without an answer (a proxy that crashed on it). */
        CLOSE_AFTER_HEAD
    }

    /** CONNECT targets whose host ends so are answered as squid answers when it cannot forward: 500 ERR_CANNOT_FORWARD. */
    public static final String CANNOT_FORWARD = ".cannot-forward.test";

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authorization", "proxy-authenticate", "te", "trailer", "upgrade", "transfer-encoding", "host");

    private final Vertx vertx;
    private final Mode mode;
    private final String name;
    private final String credentials;
    /** Null: plain TCP; else the certificate it answers TLS with (an https:// proxy). */
    private TestCertificates.Pair tls;
    private final List<TestOrigin.Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private HttpServer httpServer;
    private NetServer netServer;
    private HttpClient httpClient;
    private NetClient netClient;
    private int port;

    private FakeUpstream(Vertx vertx, Mode mode, String name, String credentials) {
        this.vertx = vertx;
        this.mode = mode;
        this.name = name;
        this.credentials = credentials;
    }

    public static FakeUpstream start(Vertx vertx, Mode mode, String name) throws Exception {
        return start(vertx, mode, name, null);
    }

    /** @param credentials {@code user:pass} the proxy requires (RELAY only), or null */
    public static FakeUpstream start(Vertx vertx, Mode mode, String name, String credentials) throws Exception {
        FakeUpstream f = new FakeUpstream(vertx, mode, name, credentials);
        f.listen();
        return f;
    }

    /** A working HTTP proxy behind TLS with {@code certificate}: {@link #url()} is https://. */
    public static FakeUpstream startTls(Vertx vertx, String name, TestCertificates.Pair certificate) throws Exception {
        return startTls(vertx, name, certificate, null);
    }

    /** @param credentials {@code user:pass} the proxy requires, or null */
    public static FakeUpstream startTls(Vertx vertx, String name, TestCertificates.Pair certificate, String credentials)
            throws Exception {
        FakeUpstream f = new FakeUpstream(vertx, Mode.RELAY, name, credentials);
        f.tls = certificate;
        f.listen();
        return f;
    }

    private void listen() throws Exception {
        switch (mode) {
            case REFUSE -> {
                try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                    port = s.getLocalPort(); // closed again: connects are refused
                }
            }
            case RELAY -> {
                httpClient = vertx.createHttpClient();
                netClient = vertx.createNetClient();
                HttpServerOptions options = new HttpServerOptions().setHandle100ContinueAutomatically(true);
                if (tls != null) {
                    options.setSsl(true).setKeyCertOptions(tls.keyCertOptions());
                }
                httpServer = vertx.createHttpServer(options).connectionHandler(c -> connections.incrementAndGet())
                        .requestHandler(this::relay);
                port = httpServer.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
            }
            default -> {
                netServer = vertx.createNetServer().connectHandler(this::scripted);
                port = netServer.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
            }
        }
    }

    public int port() {
        return port;
    }

    public String name() {
        return name;
    }

    /** {@code http://127.0.0.1:PORT}, with credentials when the proxy requires them. */
    public String url() {
        return (tls == null ? "http://" : "https://") + (credentials == null ? "" : credentials + "@") + "127.0.0.1:" + port;
    }

    /** Request heads as this proxy received them (header order and case kept). */
    public List<TestOrigin.Seen> seen() {
        return seen;
    }

    public int connections() {
        return connections.get();
    }

    private void relay(HttpServerRequest req) {
        seen.add(new TestOrigin.Seen(req.method().name(), req.uri(), List.copyOf(req.headers().entries())));
        if (credentials != null) {
            String expected = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes());
            if (!expected.equals(req.getHeader("Proxy-Authorization"))) {
                req.response().setStatusCode(407).putHeader("Proxy-Authenticate", "Basic realm=\"fake\"").end();
                return;
            }
        }
        if (req.method() == HttpMethod.CONNECT) {
            String authority = req.uri();
            int colon = authority.lastIndexOf(':');
            String host = authority.substring(0, colon).replace("[", "").replace("]", "");
            int targetPort = Integer.parseInt(authority.substring(colon + 1));
            if (host.endsWith(CANNOT_FORWARD)) {
                // squid without a way to the target (its DNS unreachable, no route): a 500 of its own, with a page
                req.response().setStatusCode(500).putHeader("X-Squid-Error", "ERR_CANNOT_FORWARD 0")
                        .putHeader("Content-Type", "text/html").end("<html>Unable to forward this request</html>");
                return;
            }
            req.pause();
            netClient.connect(targetPort, host).onComplete(ar -> {
                if (ar.failed()) {
                    // as squid says it: the target failed, not the proxy
                    req.response().setStatusCode(503).putHeader("X-Squid-Error", "ERR_CONNECT_FAIL 111").end();
                    return;
                }
                NetSocket target = ar.result();
                req.toNetSocket().onSuccess(client -> {
                    client.pipeTo(target);
                    target.pipeTo(client);
                });
            });
            return;
        }
        java.net.URI uri = java.net.URI.create(req.uri());
        RequestOptions options = new RequestOptions().setMethod(req.method()).setHost(uri.getHost())
                .setPort(uri.getPort() < 0 ? 80 : uri.getPort()).setURI(uri.getRawPath()
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        req.pause();
        httpClient.request(options).compose(out -> {
            for (Map.Entry<String, String> h : req.headers()) {
                if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                    out.headers().add(h.getKey(), h.getValue());
                }
            }
            if (req.headers().contains("Content-Length") || req.headers().contains("Transfer-Encoding")) {
                out.setChunked(!req.headers().contains("Content-Length"));
                if (req.headers().contains("Content-Length")) {
                    out.putHeader("Content-Length", req.getHeader("Content-Length"));
                }
            }
            req.resume();
            return sendWithBody(req, out);
        }).onComplete(ar -> {
            if (ar.failed()) {
                req.response().setStatusCode(502).end();
                return;
            }
            var in = ar.result();
            var resp = req.response().setStatusCode(in.statusCode());
            in.headers().forEach((k, v) -> {
                if (!HOP_BY_HOP.contains(k.toLowerCase())) {
                    resp.headers().add(k, v);
                }
            });
            resp.putHeader("Via", "1.1 " + name);
            if (!in.headers().contains("Content-Length")) {
                resp.setChunked(true);
            }
            in.pipeTo(resp);
        });
    }

    private static Future<io.vertx.core.http.HttpClientResponse> sendWithBody(HttpServerRequest req, HttpClientRequest out) {
        return req.body().compose(body -> out.send(body));
    }

    private void scripted(NetSocket socket) {
        connections.incrementAndGet();
        AtomicInteger requests = new AtomicInteger();
        StringBuilder pending = new StringBuilder();
        socket.handler(data -> {
            pending.append(data.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
            int end;
            while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
                String request = pending.substring(0, end);
                pending.delete(0, end + 4);
                onScriptedRequest(socket, request, requests.incrementAndGet());
            }
        });
    }

    private void onScriptedRequest(NetSocket socket, String request, int nth) {
        seen.add(new TestOrigin.Seen(request.split(" ")[0], request.split(" ").length > 1 ? request.split(" ")[1] : "", List.of()));
        boolean connect = request.startsWith("CONNECT ");
        switch (mode) {
            case HANG -> { }
            case REJECT_407 -> socket.write("HTTP/1.1 407 Proxy Authentication Required\r\n"
                    + "Proxy-Authenticate: Basic realm=\"fake\"\r\nContent-Length: 0\r\n\r\n");
            case REJECT_502 -> socket.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            case GARBAGE -> socket.write("SSH-2.0-OpenSSH_9.2 not a proxy at all\r\n\u0000\u0001\u0002\r\n\r\n")
                    .onComplete(v -> socket.close());
            case RESET_MID_STREAM -> {
                String start = connect ? "HTTP/1.1 200 Connection established\r\n\r\n"
                        : "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
                socket.write(Buffer.buffer(start).appendBytes(TestOrigin.bytes(1000))).onComplete(v -> socket.close());
            }
            case TRICKLE -> {
                byte[] head = "HTTP/1.1 200 OK\r\nX-Slow: 1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                int[] next = {0};
                vertx.setPeriodic(200, id -> {
                    if (next[0] >= head.length) {
                        next[0] = head.length - 1; // repeat the last byte: the head never ends
                    }
                    socket.write(Buffer.buffer(new byte[] {head[next[0]++]})).onFailure(e -> vertx.cancelTimer(id));
                });
            }
            case CLOSE_AFTER_HEAD -> socket.close();
            case CLOSE_ON_SECOND_REQUEST -> {
                if (nth == 1) {
                    socket.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nVia: 1.1 " + name + "\r\n\r\nfirst\n");
                } else {
                    socket.close();
                }
            }
            default -> socket.close();
        }
    }

    @Override
    public void close() throws Exception {
        if (httpServer != null) {
            httpServer.close().await(10, TimeUnit.SECONDS);
        }
        if (netServer != null) {
            netServer.close().await(10, TimeUnit.SECONDS);
        }
        if (httpClient != null) {
            httpClient.close();
        }
        if (netClient != null) {
            netClient.close();
        }
    }
}
