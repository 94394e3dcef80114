package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.TestOrigin;
import io.netty.util.ResourceLeakDetector;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every way a connection can end — completed, refused, cut by the client mid-response, cut mid-tunnel — leaves no
 * socket open and no buffer unreleased: open file descriptors return to where they were, and Netty's paranoid
 * leak detector reports nothing.
 */
class LeakIT extends WithOrigin {

    static FakeUpstream relay;
    static FakeUpstream refusing;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        relay = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "relay");
        refusing = FakeUpstream.start(vertx, FakeUpstream.Mode.REFUSE, "refusing");
        gateway = TestGateway.withUpstreams(vertx, relay.url(), "direct://", refusing.url());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        relay.close();
    }

    private static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    private void workload() throws Exception {
        String host = "127.0.0.1:" + origin.port();
        for (int i = 0; i < 3; i++) { // three requests: each upstream of the pool once
            try (RawHttpClient c = new RawHttpClient(gateway.port())) {
                c.exchange("GET http://" + host + "/bytes/20000 HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
                c.exchange("POST http://" + host + "/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            }
            try (RawHttpClient c = new RawHttpClient(gateway.port())) {
                c.send("CONNECT " + host + " HTTP/1.1\r\n\r\nGET /bytes/50000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                c.readToEnd();
            }
            try (RawHttpClient c = new RawHttpClient(gateway.port())) { // client leaves mid-response
                c.send("GET http://" + host + "/stream/50000000 HTTP/1.1\r\nHost: x\r\n\r\n");
                if (c.read(true).status() == 200) {
                    c.readExactly(100_000);
                }
            }
            try (RawHttpClient c = new RawHttpClient(gateway.port())) { // client leaves mid-tunnel
                c.send("CONNECT " + host + " HTTP/1.1\r\n\r\nGET /stream/50000000 HTTP/1.1\r\nHost: x\r\n\r\n");
                if (c.read().status() == 200) {
                    c.readExactly(100_000);
                }
            }
            try (RawHttpClient c = new RawHttpClient(gateway.port())) { // garbage
                c.send("\u0016\u0003\u0001 not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                c.readToEnd();
            }
        }
    }

    @Test
    void noSocketOrBufferOutlivesItsConnection() throws Exception {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        workload(); // warm up: idle keep-alive connections to upstreams are pooled, not leaked
        workload();
        await().atMost(Duration.ofSeconds(10)).until(() -> openFds() > 0);
        int before = stableFdCount();

        for (int i = 0; i < 10; i++) {
            workload();
        }

        int after = stableFdCount();
        // a leak grows with the rounds (each opens 15 connections); the slack covers idle keep-alive connections that
        // another event loop's pool may still be filling (one per upstream and loop)
        assertThat(after).as("open file descriptors after 10 more rounds (before: %d)", before).isLessThanOrEqualTo(before + 10);
        System.gc();
        for (int i = 0; i < 100; i++) { // the detector reports on allocation after a leaked buffer was collected
            io.netty.buffer.ByteBufAllocator.DEFAULT.buffer(1024).release();
        }
        workload();
        assertThat(LeakReports.reports()).isEmpty();
    }

    private static int stableFdCount() {
        int[] last = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            int now = openFds();
            boolean stable = now == last[0];
            last[0] = now;
            return stable;
        });
        return last[0];
    }
}
