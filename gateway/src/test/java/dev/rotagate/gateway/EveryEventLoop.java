package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Checks that a gateway still serves fresh requests on every one of its event loops. */
final class EveryEventLoop {

    private EveryEventLoop() {
    }

    /**
     * Sends {@code 2 × loops} fresh requests at once (Vert.x hands new connections to the loops in turn, so each loop
     * gets some) and expects every one answered {@code 200} and closed within a second.
     */
    static void answers(int port, int loops, String url, String extraHeaders) throws Exception {
        List<CompletableFuture<Wire.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 2 * loops; i++) {
            replies.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return Wire.send(port, Wire.bytes("GET " + url + " HTTP/1.1\r\nHost: x\r\n" + extraHeaders
                            + "Connection: close\r\n\r\n"), 1000);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<Wire.Reply> r : replies) {
            Wire.Reply reply = r.get(5, TimeUnit.SECONDS);
            assertThat(reply.status()).as("a fresh request: %s", reply).isEqualTo(200);
            assertThat(reply.closed()).as("answered and closed within a second: %s", reply).isTrue();
        }
    }
}
