package dev.rotagate.gateway.forward;

import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Looks up a target name for {@code direct://} upstreams, so that the target policy sees every address the name has
 * and the connection goes to the address it checked (no second lookup that a DNS-rebinding name could answer
 * differently). The real one is Vert.x's resolver (hosts file, DNS, its cache); tests give their own.
 */
public interface TargetResolver {

    Future<List<InetAddress>> resolveAll(String host, EventLoop loop);

    static TargetResolver of(Vertx vertx) {
        return (host, loop) -> {
            Promise<List<InetAddress>> promise = Promise.promise();
            ((VertxInternal) vertx).nameResolver().resolveAll(loop, host).addListener(f -> {
                if (f.isSuccess()) {
                    @SuppressWarnings("unchecked")
                    List<InetSocketAddress> found = (List<InetSocketAddress>) f.getNow();
                    promise.complete(found.stream().map(InetSocketAddress::getAddress).toList());
                } else {
                    promise.fail(f.cause());
                }
            });
            return promise.future();
        };
    }
}
