package dev.rotagate.gateway.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.pool.connect.MessageSocket;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.transport.Transport;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageSocket#shutdownOutput()} on a real epoll socket whose connection the kernel has already finished
 * while Netty still thinks it open: the client sent FIN, then a reset (seen in the soak, from wrk with
 * {@code Connection: close}). It must close quietly, not throw {@code NotYetConnectedException} into the loop.
 */
class ShutdownOutputIT {

    private final List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    private Vertx vertx;
    private NetServer server;

    @BeforeEach
    void start() {
        vertx = Vertx.builder().withTransport(Transport.EPOLL).build();
        assertThat(vertx.isNativeTransportEnabled()).as("epoll").isTrue();
        vertx.exceptionHandler(unhandled::add);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void shuttingDownAfterTheClientsResetClosesQuietly() throws Exception {
        CompletableFuture<MessageSocket> accepted = new CompletableFuture<>();
        CompletableFuture<Void> finReceived = new CompletableFuture<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        server = vertx.createNetServer().connectHandler(netSocket -> {
            MessageSocket socket = MessageSocket.of(netSocket).allowHalfClosure();
            MessageSocket.Listener owner = new MessageSocket.Listener() {
                @Override
                public void onMessage(Object message) {
                    ReferenceCountUtil.release(message);
                }

                @Override
                public void onInputShutdown() {
                    finReceived.complete(null);
                }

                @Override
                public void onClose() {
                    closed.complete(null);
                }
            };
            socket.listen(owner);
            socket.resume(owner);
            accepted.complete(socket);
        });
        int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();

        Socket client = new Socket("127.0.0.1", port);
        MessageSocket socket = accepted.get(10, TimeUnit.SECONDS);
        client.shutdownOutput();
        finReceived.get(10, TimeUnit.SECONDS);
        client.setSoLinger(true, 0);
        client.close(); // a reset: the kernel is done with the connection; Netty, not reading any more, does not see it
        socket.eventLoop().execute(socket::shutdownOutput);
        closed.get(10, TimeUnit.SECONDS);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(unhandled::isEmpty);
        assertThat(unhandled).isEmpty();
    }
}
