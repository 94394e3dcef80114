package dev.rotagate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.RoutingHints;
import dev.rotagate.config.LogConfig;
import dev.rotagate.gateway.admin.GatewayMetrics;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {

    private final List<String> lines = new ArrayList<>();

    private static ProxyRequest request(String user) {
        return new ProxyRequest(ProxyRequest.Protocol.HTTP, "127.0.0.1:5000", RoutingHints.parse(user),
                HostAndPort.of("example.com", 80));
    }

    @Test
    void controlCharactersAndBackslashesAreEscaped() {
        assertThat(AccessLog.escape("scraper-session-a1")).isEqualTo("scraper-session-a1");
        assertThat(AccessLog.escape("a\nb\rc\u0000d\u001b[31m\u007f\\")).isEqualTo("a\\x0ab\\x0dc\\x00d\\x1b[31m\\x7f\\x5c");
    }

    @Test
    void aTextLineHasTheFieldsInTheirOrder() {
        AccessLog log = new AccessLog(new GatewayMetrics(), LogConfig.AccessFormat.TEXT, lines::add);
        log.log(request("scraper"), "GET", "dc-12", 200, 10, 1048576, System.nanoTime(), null);
        log.log(request("scraper"), "CONNECT", null, 502, 0, 0, System.nanoTime(), "upstream-refused");

        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  access 127\\.0\\.0\\.1:5000 scraper"
                + " http GET example\\.com:80 dc-12 200 10 1048576 \\d+ms");
        assertThat(lines.get(1)).matches(".* CONNECT example\\.com:80 - 502 0 0 \\d+ms upstream-refused");
    }

    @Test
    void aJsonLineIsJsonWhateverTheClientSent() {
        AccessLog log = new AccessLog(new GatewayMetrics(), LogConfig.AccessFormat.JSON, lines::add);
        log.log(request("u\"\\\n\u0001"), "G\"ET", "dc-12", 200, 1, 2, System.nanoTime(), null);

        JsonObject line = new JsonObject(lines.get(0));
        assertThat(line.getString("user")).isEqualTo("u\"\\\n\u0001");
        assertThat(line.getString("method")).isEqualTo("G\"ET");
        assertThat(line.getInteger("status")).isEqualTo(200);
        assertThat(line.getLong("bytes_down")).isEqualTo(2);
        assertThat(line.getString("time")).endsWith("Z");
        assertThat(line.containsKey("error")).isTrue();
        assertThat(line.getValue("error")).isNull();
        assertThat(lines.get(0)).doesNotContain("\n");
    }

    @Test
    void offWritesNoLine() {
        new AccessLog(new GatewayMetrics(), LogConfig.AccessFormat.OFF, lines::add)
                .log(request("u"), "GET", "x", 200, 0, 0, System.nanoTime(), null);
        assertThat(lines).isEmpty();
    }

    @Test
    void theWriterAppendsAndReopensAfterTheFileWasMoved(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        AccessLogWriter writer = new AccessLogWriter(file);
        try {
            writer.accept("one");
            writer.accept("two");
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 2);
            Files.move(file, dir.resolve("access.log.1")); // logrotate
            writer.reopen();
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file));
            writer.accept("three");
        } finally {
            writer.close();
        }
        assertThat(Files.readAllLines(dir.resolve("access.log.1"))).containsExactly("one", "two");
        assertThat(Files.readAllLines(file)).containsExactly("three");
        assertThat(writer.dropped()).isZero();
    }
}
