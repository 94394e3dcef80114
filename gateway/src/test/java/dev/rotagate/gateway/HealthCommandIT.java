package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.TestOrigin;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rotagate health}: one probe per upstream, a table or JSON, and monitoring-plugin exit codes. */
class HealthCommandIT extends WithOrigin {

    static FakeUpstream live;
    static FakeUpstream dead;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        live = FakeUpstream.start(vertx, Mode.RELAY, "live");
        dead = FakeUpstream.start(vertx, Mode.REFUSE, "dead");
    }

    @AfterAll
    static void stop() throws Exception {
        live.close();
    }

    private Path config(String... upstreams) throws Exception {
        StringBuilder yaml = new StringBuilder("health: { timeout: 2s, target: \"" + origin.url("/health") + "\" }\n"
                + "pools:\n  first:\n    upstreams:\n");
        yaml.append(upstreams[0]);
        yaml.append("  second:\n    upstreams:\n").append(upstreams[1]);
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, yaml.toString());
        return file;
    }

    private static String named(FakeUpstream f) {
        return "      - { url: \"http://user:topsecret@127.0.0.1:" + f.port() + "\", name: " + f.name() + " }\n";
    }

    @Test
    void someUnhealthyExits1AndNamesIt() throws Exception {
        Path file = config(named(live) + named(dead), named(live));

        Cli.Run r = Cli.run("health", "--config", file.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).startsWith("POOL").contains("NAME").contains("STATE").contains("LATENCY").contains("EXIT IP");
        assertThat(lines[1]).as("unhealthy first").contains("first").contains("dead").contains("EJECTED")
                .contains("upstream-refused");
        assertThat(r.out()).contains("live").contains("HEALTHY").contains("http://user:****@127.0.0.1:")
                .doesNotContain("topsecret");
        assertThat(lines[lines.length - 1]).isEqualTo("2/3 healthy in 2 pools");
        assertThat(r.err()).contains("probed 3/3");
    }

    @Test
    void aPoolWithNoHealthyUpstreamExits2AndJsonIsForScripts() throws Exception {
        Path file = config(named(live), named(dead));

        Cli.Run r = Cli.run("health", "--config", file.toString(), "--format", "json");

        assertThat(r.exit()).isEqualTo(2);
        JsonObject json = new JsonObject(r.out());
        assertThat(json.getJsonArray("poolsDown").getList()).containsExactly("second");
        assertThat(json.getInteger("exitCode")).isEqualTo(2);
        assertThat(json.getString("summary")).isEqualTo("1/2 healthy in 2 pools; no healthy upstream in second");
    }

    @Test
    void allHealthyExits0() throws Exception {
        Cli.Run r = Cli.run("health", "--config", config(named(live), named(live)).toString());

        assertThat(r.exit()).as(r.out()).isZero();
    }

    @Test
    void badInputExits3() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "pools: {}\n");

        assertThat(Cli.run("health", "--config", bad.toString()).exit()).isEqualTo(3);
        assertThat(Cli.run("health", "--admin", "http://127.0.0.1:1").exit()).isEqualTo(3);
        assertThat(Cli.run("health", "--config", bad.toString(), "--format", "xml").exit()).isEqualTo(3);
    }

    @Test
    void adminModeReadsARunningGateway() throws Exception {
        try (TestGateway gw = TestGateway.start(vertx, "listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\npools:\n  p:\n    upstreams:\n"
                + named(live))) {
            Cli.Run r = Cli.run("health", "--admin", "http://127.0.0.1:" + gw.server().adminPort());

            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("live").contains("HEALTHY").endsWith("1/1 healthy in 1 pool\n");
        }
    }
}
