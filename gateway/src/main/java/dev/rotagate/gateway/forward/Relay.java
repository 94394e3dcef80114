package dev.rotagate.gateway.forward;

import dev.rotagate.pool.connect.MessageSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Copies bytes both ways between two sockets in message mode: no copy of the buffers, backpressure by pausing
 * the reader while the writer's queue is full, TCP half-close passed through (a FIN from one side becomes a FIN
 * to the other), and both sockets closed as soon as one closes or both directions have ended.
 */
public final class Relay {

    /** Bytes each way once the relay has ended. */
    public record Result(long clientToUpstream, long upstreamToClient) {
    }

    private final MessageSocket client;
    private final MessageSocket upstream;
    private final Promise<Result> done = Promise.promise();
    private long up;
    private long down;
    private int directionsEnded;
    private boolean closed;

    public Relay(MessageSocket client, MessageSocket upstream) {
        this.client = client;
        this.upstream = upstream;
    }

    /** Starts relaying; call on the event loop of the two sockets, with the client paused. */
    public Future<Result> start() {
        client.allowHalfClosure();
        upstream.allowHalfClosure();
        pipe(client, upstream, true);
        pipe(upstream, client, false);
        client.resume();
        upstream.resume();
        return done.future();
    }

    private void pipe(MessageSocket from, MessageSocket to, boolean clientToUpstream) {
        boolean[] inputEnded = {false};
        from.messageHandler(msg -> {
            if (!(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg); // e.g. the empty LastHttpContent behind a CONNECT head
                return;
            }
            if (clientToUpstream) {
                up += buf.readableBytes();
            } else {
                down += buf.readableBytes();
            }
            to.write(buf);
            if (to.writeQueueFull() && !inputEnded[0]) {
                from.pause();
                to.drainHandler(v -> from.resume());
            }
        });
        from.eventHandler(event -> {
            if (event instanceof ChannelInputShutdownEvent) {
                // FIN from one side. Bytes read before it may still wait in the paused queue (events overtake it):
                // let them through — no more can come — and pass the FIN on after them, in a later loop task.
                inputEnded[0] = true;
                from.resume();
                from.eventLoop().execute(() -> to.write(Unpooled.EMPTY_BUFFER).onComplete(v -> {
                    to.shutdownOutput();
                    if (++directionsEnded == 2) {
                        closeBoth();
                    }
                }));
            } else {
                ReferenceCountUtil.release(event);
            }
        });
        from.closeHandler(v -> closeBoth());
        from.exceptionHandler(e -> closeBoth());
    }

    private void closeBoth() {
        if (closed) {
            return;
        }
        closed = true;
        Future.all(client.close(), upstream.close())
                .onComplete(v -> done.tryComplete(new Result(up, down)));
    }
}
