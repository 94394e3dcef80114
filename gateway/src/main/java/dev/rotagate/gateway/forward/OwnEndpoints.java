package dev.rotagate.gateway.forward;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.stream.Collectors;

/**
 * The gateway's own listeners, which no client may reach through the gateway whatever {@code targets} allows (the
 * admin API among them). A target is one of them when its port is one the gateway listens on and its address is
 * this machine's: loopback, the unspecified address (which connects to this machine) or an interface's address.
 */
public final class OwnEndpoints {

    private final Set<Integer> ports = new CopyOnWriteArraySet<>();
    private final Set<InetAddress> interfaceAddresses = interfaceAddresses();

    /** A listener is bound (its actual port, also when the config said 0). */
    public void listening(int port) {
        ports.add(port);
    }

    public boolean isOwn(InetAddress address, int port) {
        return ports.contains(port) && (address.isLoopbackAddress() || address.isAnyLocalAddress()
                || interfaceAddresses.contains(address));
    }

    /** A name that is this machine by definition ({@code localhost}) on one of the gateway's ports. */
    public boolean isOwnPort(int port) {
        return ports.contains(port);
    }

    private static Set<InetAddress> interfaceAddresses() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(NetworkInterface::inetAddresses).collect(Collectors.toUnmodifiableSet());
        } catch (SocketException e) {
            return Set.of(); // loopback and the unspecified address are still recognised
        }
    }
}
