package dev.rotagate.gateway.forward;

import dev.rotagate.pool.connect.HttpConnection;
import dev.rotagate.pool.connect.MessageSocket;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;

/**
 * One attempt of an exchange on one upstream connection: the owner of that connection's socket for the attempt.
 * When the exchange moves on (a retry, its end), the leg is no longer its {@link Exchange#current} one, and whatever
 * its socket still reports is dropped — a callback of an earlier attempt can never act on a later one.
 */
final class UpstreamLeg implements MessageSocket.Listener {

    /** What a leg reports to its exchange, only while it is the exchange's current one. */
    interface Exchange {
        UpstreamLeg current();

        void onResponseHead(UpstreamLeg leg, HttpResponse head);

        /** Whether the exchange is relaying an answer's body now. */
        boolean responding();

        void onResponseContent(UpstreamLeg leg, HttpContent part);

        void onUpstreamDrain();

        void onUpstreamReadComplete();

        void onUpstreamClosed(UpstreamLeg leg);
    }

    final HttpConnection connection;
    private final Exchange exchange;
    private Future<Void> headWrite;

    UpstreamLeg(HttpConnection connection, Exchange exchange) {
        this.connection = connection;
        this.exchange = exchange;
    }

    MessageSocket socket() {
        return connection.socket();
    }

    /** Takes the connection over and sends the request head. */
    void start(Object head) {
        socket().listen(this);
        headWrite = socket().write(head);
    }

    /** The connection closed before the head could be written: the upstream cannot have seen the request. */
    boolean nothingWritten() {
        return headWrite != null && headWrite.failed();
    }

    private boolean stale() {
        return exchange.current() != this;
    }

    @Override
    public void onMessage(Object message) {
        if (stale()) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpResponse head) {
            exchange.onResponseHead(this, head);
        }
        if (message instanceof HttpContent part && exchange.responding() && !stale()) {
            exchange.onResponseContent(this, part);
        } else {
            ReferenceCountUtil.release(message); // the rest of an answer that was not passed on
        }
    }

    @Override
    public void onDrain() {
        if (!stale()) {
            exchange.onUpstreamDrain();
        }
    }

    @Override
    public void onReadComplete() {
        if (!stale()) {
            exchange.onUpstreamReadComplete();
        }
    }

    @Override
    public void onClose() {
        if (!stale()) {
            exchange.onUpstreamClosed(this);
        }
    }
}
