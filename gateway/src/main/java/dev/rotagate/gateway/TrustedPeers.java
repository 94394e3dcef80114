package dev.rotagate.gateway;

import dev.rotagate.common.Cidr;
import dev.rotagate.common.TargetNames;
import dev.rotagate.config.AuthConfig;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/** Who may send a PROXY header ({@code server.proxy-protocol-from}): checked on the TCP peer, at accept. */
final class TrustedPeers {

    private TrustedPeers() {
    }

    /** Whether the socket's TCP peer (not the address a PROXY header may claim) is one of {@code trusted}. */
    static boolean isTrusted(NetSocket socket, List<Cidr> trusted) {
        SocketAddress peer = socket.remoteAddress(true);
        try {
            return peer != null && peer.hostAddress() != null
                    && AuthConfig.matches(trusted, TargetNames.literal(peer.hostAddress()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
