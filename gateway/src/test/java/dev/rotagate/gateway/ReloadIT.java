package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.config.ConfigLoader;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.TestOrigin;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live edits of the YAML and of list files: applied as a diff within seconds, never cutting traffic. */
class ReloadIT extends WithOrigin {

    static FakeUpstream up1;
    static FakeUpstream up2;
    static FakeUpstream up3;
    static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        up1 = FakeUpstream.start(vertx, Mode.RELAY, "up1");
        up2 = FakeUpstream.start(vertx, Mode.RELAY, "up2");
        up3 = FakeUpstream.start(vertx, Mode.RELAY, "up3");
    }

    @AfterAll
    static void stop() throws Exception {
        up1.close();
        up2.close();
        up3.close();
    }

    private static String yaml(FakeUpstream... ups) {
        StringBuilder b = new StringBuilder("listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\npools:\n  p:\n    upstreams:\n");
        for (FakeUpstream u : ups) {
            b.append("      - { url: \"").append(u.url()).append("\", name: ").append(u.name()).append(" }\n");
        }
        return TestGateway.allowingLoopback(b.toString());
    }

    private static String upstreamOf(int port) throws Exception {
        try (RawHttpClient c = new RawHttpClient(port)) {
            return c.exchange("GET " + origin.url("/bytes/1") + " HTTP/1.1\r\nHost: x\r\n\r\n").header("X-Rotagate-Upstream");
        }
    }

    private static JsonObject configStatus(GatewayServer gw) throws Exception {
        return new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.adminPort() + "/api/config"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }


    @Test
    void aLongDownloadSurvivesAValidAndABrokenEditWhileTheValidOneTakesEffect() throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, yaml(up1, up2));
        GatewayServer gw = GatewayServer.start(vertx, new ConfigLoader(System::getenv).load(file)).await(10, TimeUnit.SECONDS);
        gw.watch(new ConfigLoader(System::getenv), Duration.ofMillis(200));
        long size = 100L * 1024 * 1024;
        try (RawHttpClient download = new RawHttpClient(gw.port())) {
            download.socket().setReceiveBufferSize(64 * 1024);
            String target = "127.0.0.1:" + origin.port();
            RawHttpClient.Response ok = download.exchange("CONNECT " + target + " HTTP/1.1\r\n\r\n");
            String carrying = ok.header("X-Rotagate-Upstream");
            download.send("GET /stream/" + size + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
            RawHttpClient.Response head = download.read(true);
            InputStream body = download.socket().getInputStream();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            long read = 0;
            while (read < 10L * 1024 * 1024) {
                int n = body.read(buf, 0, (int) Math.min(buf.length, 10L * 1024 * 1024 - read));
                sha.update(buf, 0, n);
                read += n;
            }

            // valid edit: the upstream carrying the download goes, up3 comes
            FakeUpstream stays = carrying.equals("up1") ? up2 : up1;
            long edited = System.nanoTime();
            Files.writeString(file, yaml(stays, up3));
            await().atMost(Duration.ofSeconds(3)).until(() -> "up3".equals(upstreamOf(gw.port())));
            long ms = (System.nanoTime() - edited) / 1_000_000;
            for (int i = 0; i < 10; i++) {
                assertThat(upstreamOf(gw.port())).as("the removed upstream takes no new traffic").isNotEqualTo(carrying);
            }
            Upstream kept = gw.pools().get(0).upstream(stays.name());
            assertThat(kept.requests()).as("unchanged upstreams keep their statistics").isGreaterThan(0);
            assertThat(configStatus(gw).getJsonObject("lastReload").getJsonArray("changes").getString(0))
                    .isEqualTo("pool p +1 -1 ~0 upstreams");

            // broken edit: nothing changes
            Files.writeString(file, "pools:\n  p:\n    upstreams: [ \"ftp://nope\"\n");
            // writeString truncates before it writes: the watcher may see the empty file first (refused as well)
            await().atMost(Duration.ofSeconds(3)).until(() -> "rejected".equals(
                    configStatus(gw).getJsonObject("lastReload").getString("result"))
                    && configStatus(gw).getJsonObject("lastReload").getJsonArray("problems").getString(0)
                            .startsWith(file + ":4: YAML syntax error"));
            assertThat(upstreamOf(gw.port())).isIn(stays.name(), "up3");

            // an editor truncating the file before writing: refused too
            Files.writeString(file, "");
            await().atMost(Duration.ofSeconds(3)).until(() -> configStatus(gw).getJsonObject("lastReload").getJsonArray("problems")
                    .getString(0).contains("the file is empty"));
            assertThat(gw.pools().get(0).upstreams()).extracting(Upstream::name).containsExactlyInAnyOrder(stays.name(), "up3");

            while (read < size) {
                int n = body.read(buf);
                assertThat(n).as("the download ended early at %d bytes", read).isPositive();
                sha.update(buf, 0, n);
                read += n;
            }
            assertThat(head.status()).isEqualTo(200);
            assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(TestOrigin.streamSha256(size));
            assertThat(ms).isLessThan(3000);
        } finally {
            gw.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUpstreamAddedToAListFileGetsTrafficWithoutARestart() throws Exception {
        Path list = dir.resolve("upstreams.txt");
        Files.writeString(list, "# our exits\n127.0.0.1:" + up1.port() + "\n");
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, TestGateway.allowingLoopback(
                "listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\npools:\n  p:\n    upstream-files: [upstreams.txt]\n"));
        GatewayServer gw = GatewayServer.start(vertx, new ConfigLoader(System::getenv).load(file)).await(10, TimeUnit.SECONDS);
        gw.watch(new ConfigLoader(System::getenv), Duration.ofMillis(200));
        try {
            assertThat(upstreamOf(gw.port())).isEqualTo("127.0.0.1:" + up1.port());

            Files.writeString(list, "# our exits\n127.0.0.1:" + up1.port() + "\n127.0.0.1:" + up2.port() + "\n");

            await().atMost(Duration.ofSeconds(3)).until(() -> upstreamOf(gw.port()).equals("127.0.0.1:" + up2.port()));
            Files.writeString(list, "127.0.0.1:" + up2.port() + "\nthis is not an upstream\n");
            await().atMost(Duration.ofSeconds(3)).until(() -> "rejected".equals(
                    configStatus(gw).getJsonObject("lastReload").getString("result")));
            assertThat(configStatus(gw).getJsonObject("lastReload").getJsonArray("problems").getString(0))
                    .isEqualTo(list + ":2: upstream line: this is not an upstream (expected: a URL, host:port or host:port:user:pass)");
            assertThat(gw.pools().get(0).upstreams()).hasSize(2);
        } finally {
            gw.close().await(10, TimeUnit.SECONDS);
        }
    }
}
