package dev.rotagate.gateway.forward;

import dev.rotagate.pool.connect.MessageSocket;
import io.vertx.core.Future;

/**
 * What an exchange or a tunnel needs of the client connection it serves: its socket, and the few ways to move the
 * connection on. The connection checks every move against its phase table, so a component can only hand the client
 * on, never take it back.
 */
public interface ClientLink {

    MessageSocket socket();

    String remoteAddress();

    /** The client becomes a plain HTTP exchange's, paused until the exchange is ready. */
    void enterExchange(MessageSocket.Listener exchange);

    /** The client becomes a tunnel's: first the opener's, then the relay's. Paused until the new owner resumes it. */
    void enterTunnel(MessageSocket.Listener owner);

    /** The exchange is over: the next request is read if {@code keepAlive}, else the connection closes after {@code lastWrite}. */
    void exchangeDone(boolean keepAlive, Future<Void> lastWrite);

    /** After the answer that opened a byte stream: the protocol's codecs go, the rest is bytes both ways. */
    void rawFromNowOn();

    /** Writes {@code answer} (null: none), then closes within a second. */
    void closeWith(Object answer);
}
