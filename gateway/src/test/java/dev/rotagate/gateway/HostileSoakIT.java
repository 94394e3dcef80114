package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.PlatformDependent;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many mixed inputs — valid requests, tunnels and SOCKS handshakes, the hostile cases, and random mutations of all of
 * them — from concurrent clients against one running gateway. Every connection ends within seconds; afterwards every
 * event loop still answers within a second, the open file descriptors and Netty's direct memory are back where they
 * were, and the paranoid leak detector has reported nothing.
 *
 * <p>{@code -Drotagate.soak.inputs=N} (default 10,000; the acceptance run used 100,000). Slow by design: the paranoid
 * leak detector records a stack trace at every buffer access.
 */
class HostileSoakIT extends WithOrigin {

    private static final int INPUTS = Integer.getInteger("rotagate.soak.inputs", 10_000);
    private static final int CLIENTS = 8;

    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\nserver: { event-loops: 2 }\n"
                + "timeouts: { connect: 2s, handshake: 2s, response: 3s, idle: 30s, request: 2s }\n"
                + "pools:\n  p:\n    upstreams: [ \"direct://\" ]\n");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private List<byte[]> bases() {
        String target = "127.0.0.1:" + origin.port();
        String get = "GET http://" + target + "/bytes/100 HTTP/1.1\r\nHost: " + target + "\r\n";
        byte[] inner = ("GET /bytes/200 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        int p = origin.port();
        return List.of(
                Wire.bytes(get + "\r\n" + get + "Connection: close\r\n\r\n"),
                Wire.bytes("POST http://" + target + "/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"),
                Wire.bytes("PUT http://" + target + "/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Wire.bytes("POST http://" + target + "/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\nping"),
                Wire.bytes("CONNECT " + target + " HTTP/1.1\r\n\r\n", inner),
                Wire.bytes(5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, p >> 8, p & 0xFF, inner),
                Wire.bytes(4, 1, p >> 8, p & 0xFF, 127, 0, 0, 1, "u", 0, inner),
                Wire.bytes(5, 1, 1, "X"),
                Wire.bytes(5, 1, 2, 1, 1, "u", 1, "x", 5, 1, 0, 1, 127, 0, 0, 1, 0, 80),
                Wire.bytes(5, 1, 0, 5, 2, 0, 1, 127, 0, 0, 1, 0, 80, "junk"),
                Wire.bytes("POST http://" + target + "/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Wire.bytes("POST http://" + target + "/ HTTP/1.1\r\nHost: x\r\nConnection: content-length\r\nContent-Length: 4\r\n\r\nabcd"),
                Wire.bytes(get + "X-A: a\r\n b\r\n\r\n"),
                Wire.bytes("GET http://" + target + "/ HTTP/1.1\nHost: x\n\n"),
                Wire.bytes(0x16, 3, 1, 0, 0x40, "not http at all\r\n\r\n"),
                Wire.bytes(get + "X-Big: " + "a".repeat(40_000) + "\r\n\r\n"));
    }

    /** One input: a base as it is, or mutated (bytes flipped, cut, repeated or inserted), decided by {@code random}. */
    private static byte[] mutate(byte[] base, Random random) {
        if (random.nextBoolean()) {
            return base;
        }
        byte[] b = base.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && b.length > 0; i++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(4)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b = Arrays.copyOf(b, at);
                case 2 -> b = Wire.bytes(Arrays.copyOf(b, at), Arrays.copyOfRange(b, Math.max(0, at - 8), b.length));
                default -> b = Wire.bytes(Arrays.copyOf(b, at), new byte[] {(byte) random.nextInt(256)},
                        Arrays.copyOfRange(b, at, b.length));
            }
        }
        return b;
    }

    /** Sends one input, FIN, and reads until the gateway closes; false when it did not close within 5 s. */
    private static boolean endsInTime(int port, byte[] input) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(input);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16 * 1024];
            while (in.read(buf) >= 0) {
                // what came back does not matter here: the ending does
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the gateway: ended
        }
    }

    private void run(int inputs, long seed) throws Exception {
        List<byte[]> bases = bases();
        AtomicInteger hung = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Random random = new Random(seed + c);
                work.add(clients.submit(() -> {
                    for (int i = 0; i < inputs / CLIENTS; i++) {
                        if (!endsInTime(gateway.port(), mutate(bases.get(random.nextInt(bases.size())), random))) {
                            hung.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> w : work) {
                w.get(30, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(hung.get()).as("connections that did not end within 5 s").isZero();
    }

    @Test
    void afterManyHostileInputsEverythingIsAsBefore() throws Exception {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        run(2_000, 1); // warm-up: pools, JIT, the allocator's first chunks
        int fdsBefore = stableFdCount();
        long directBefore = directMemory();
        long start = System.nanoTime();

        run(INPUTS, 42);

        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        EveryEventLoop.answers(gateway.port(), 2, origin.url("/bytes/10"), "");
        int fdsAfter = stableFdCount();
        long directAfter = directMemory();
        System.out.printf("soak: %d inputs in %d s, open fds %d -> %d, direct memory %d -> %d KiB%n", INPUTS, seconds,
                fdsBefore, fdsAfter, directBefore / 1024, directAfter / 1024);
        assertThat(fdsAfter).as("open file descriptors (idle pooled upstream connections aside)").isLessThanOrEqualTo(fdsBefore + 4);
        assertThat(directAfter).as("direct memory").isLessThanOrEqualTo(directBefore + 4L * 1024 * 1024);
        System.gc();
        for (int i = 0; i < 100; i++) { // the detector reports on allocation, after a leaked buffer was collected
            ByteBufAllocator.DEFAULT.buffer(1024).release();
        }
        run(200, 7);
        assertThat(LeakReports.reports()).isEmpty();
    }

    /** Direct memory in use: Netty's own count (cleaner-free buffers) plus the JVM's direct buffer pool. */
    private static long directMemory() {
        long jvm = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return Math.max(0, PlatformDependent.usedDirectMemory()) + jvm;
    }

    private static int stableFdCount() {
        int[] last = {-1};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String[] fds = new File("/proc/self/fd").list();
            int now = fds == null ? -1 : fds.length;
            boolean stable = now == last[0];
            last[0] = now;
            return stable;
        });
        return last[0];
    }
}
