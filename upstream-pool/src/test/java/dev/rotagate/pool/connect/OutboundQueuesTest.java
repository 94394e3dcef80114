package dev.rotagate.pool.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboundQueuesTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theWorkaroundFindsVertxFields() {
        // fails when a Vert.x upgrade moves them: then look again at the per-connection queue size (OutboundQueues)
        assertThat(OutboundQueues.active()).isTrue();
    }

    @Test
    void aBurstQueuedByVertxArrivesWholeAndInOrder() throws Exception {
        int messages = 20_000;
        CompletableFuture<NetSocket> accepted = new CompletableFuture<>();
        NetServer server = vertx.createNetServer().connectHandler(s -> {
            s.pause(); // the peer reads nothing at first: the gateway side's writes pile up in Vert.x's queue
            accepted.complete(s);
        });
        int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
        NetSocket clientSide = vertx.createNetClient().connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
        NetSocket peer = accepted.get(10, TimeUnit.SECONDS);

        CompletableFuture<Void> written = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            MessageSocket socket = MessageSocket.of(clientSide);
            for (int i = 0; i < messages; i++) {
                ByteBuf counter = Unpooled.buffer(4).writeInt(i);
                socket.write(counter);
            }
            written.complete(null);
        });
        written.get(10, TimeUnit.SECONDS);

        CompletableFuture<Integer> received = new CompletableFuture<>();
        Buffer all = Buffer.buffer();
        peer.handler(b -> {
            all.appendBuffer(b);
            if (all.length() == messages * 4) {
                ByteBuffer ints = ByteBuffer.wrap(all.getBytes());
                int inOrder = 0;
                while (ints.hasRemaining() && ints.getInt() == inOrder) {
                    inOrder++;
                }
                received.complete(inOrder);
            }
        });
        peer.resume();
        assertThat(received.get(20, TimeUnit.SECONDS)).isEqualTo(messages);
    }
}
