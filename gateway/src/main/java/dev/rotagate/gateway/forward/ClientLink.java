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

    /**
     * The connection's one deadline, for the owner of the phase it is in (an exchange's response timeout): arming it
     * replaces the phase's own, and every change of phase disarms it. One timer per connection, not one per request.
     */
    LoopTimer deadline();

    /** The client becomes a plain HTTP exchange's, paused until the exchange is ready. */
    void enterExchange(MessageSocket.Listener exchange);

    /** The client becomes a tunnel's: first the opener's, then the relay's. Paused until the new owner resumes it. */
    void enterTunnel(MessageSocket.Listener owner);

    /** The exchange is over: the next request is read if {@code keepAlive}, else the connection closes after {@code lastWrite}. */
    void exchangeDone(boolean keepAlive, Future<Void> lastWrite);

    /** After the answer that opened a byte stream: the protocol's codecs go, the rest is bytes both ways. */
    void rawFromNowOn();

    /** Over {@code server.max-connections}: its first request is refused ({@code 503 overloaded}) and it closes. */
    boolean overLimit();

    /** The user whose connection slot this connection holds; null: none. */
    String user();

    /**
     * The connection now holds a slot of {@code user}'s (giving back the one it held for another user); {@code release}
     * gives it back when it closes.
     */
    void heldBy(String user, Runnable release);

    /** Writes {@code answer} (null: none), then closes within a second. */
    void closeWith(Object answer);
}
