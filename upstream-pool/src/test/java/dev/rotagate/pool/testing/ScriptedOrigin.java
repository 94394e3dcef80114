package dev.rotagate.pool.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An origin on 127.0.0.1 that answers every request head with bytes a test chooses, exactly as given: for malformed,
 * ambiguous or lying responses that no real server library would send. It reads up to the end of each head
 * ({@code \r\n\r\n}, bodies are not parsed), records the heads, answers, and closes when the script says so.
 */
public final class ScriptedOrigin implements AutoCloseable {

    /**
     * What to send for one request head, and whether to close the connection after it; with {@code echo} every byte
     * that follows is sent back as it is (a protocol switched to after a 101).
     */
    public record Answer(byte[] bytes, boolean close, boolean echo) {
        public Answer(byte[] bytes, boolean close) {
            this(bytes, close, false);
        }

        public static Answer of(String text, boolean close) {
            return new Answer(text.getBytes(StandardCharsets.ISO_8859_1), close, false);
        }

        public static Answer thenEcho(String text) {
            return new Answer(text.getBytes(StandardCharsets.ISO_8859_1), false, true);
        }
    }

    private final NetServer server;
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private volatile Function<String, Answer> script;

    private ScriptedOrigin(Vertx vertx, Function<String, Answer> script) {
        this.script = script;
        this.server = vertx.createNetServer().connectHandler(this::serve);
    }

    /** @param script the answer to a request head (its text without the final empty line) */
    public static ScriptedOrigin start(Vertx vertx, Function<String, Answer> script) throws Exception {
        ScriptedOrigin origin = new ScriptedOrigin(vertx, script);
        origin.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        return origin;
    }

    /** From now on answer with {@code next}. */
    public void script(Function<String, Answer> next) {
        this.script = next;
    }

    public int port() {
        return server.actualPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Every request head received so far, in order. */
    public List<String> heads() {
        return heads;
    }

    public int connections() {
        return connections.get();
    }

    /** Connections that have ended (whoever closed them). */
    public int closedConnections() {
        return closed.get();
    }

    private void serve(NetSocket socket) {
        connections.incrementAndGet();
        socket.closeHandler(v -> closed.incrementAndGet());
        StringBuilder pending = new StringBuilder();
        boolean[] echoing = {false};
        socket.handler(data -> {
            if (echoing[0]) {
                socket.write(data);
                return;
            }
            pending.append(data.toString(StandardCharsets.ISO_8859_1));
            int end;
            while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
                String head = pending.substring(0, end);
                pending.delete(0, end + 4);
                heads.add(head);
                Answer answer = script.apply(head);
                socket.write(Buffer.buffer(answer.bytes()));
                if (answer.close()) {
                    socket.end();
                    return;
                }
                if (answer.echo()) {
                    echoing[0] = true;
                    if (!pending.isEmpty()) {
                        socket.write(pending.toString(), "ISO-8859-1");
                    }
                    return;
                }
            }
        });
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }
}
