package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.gateway.demo.Demo;
import dev.rotagate.health.UpstreamReport;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code rotagate demo}: the commands it prints, run as a person would paste them, do what they say; then one upstream
 * is stopped, as the demo offers (in this order: the second test stops it for good).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoIT {

    static Vertx vertx;
    static Demo demo;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        demo = Demo.start(vertx, 0, 0).await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        demo.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static List<String> lines(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + "\n" + out).isZero();
        return out.lines().toList();
    }

    @Test
    @Order(1)
    void thePrintedCommandsShowRotationASessionATagTheSocksPathAndTheReport() throws Exception {
        List<String> commands = demo.commands();

        assertThat(lines(commands.get(0))).hasSize(6).containsAll(Demo.upstreamNames());
        assertThat(lines(commands.get(1))).hasSize(4).containsOnly(lines(commands.get(1)).get(0));
        assertThat(lines(commands.get(2))).containsExactly("demo-c", "demo-c", "demo-c");
        assertThat(lines(commands.get(3))).singleElement().asString().startsWith("hello from the Rotagate demo origin");
        assertThat(String.join("\n", lines(commands.get(4)))).contains("\"demo-a\"");
    }

    @Test
    @Order(2)
    void aStoppedUpstreamIsEjectedAndTheRequestsMoveWithoutErrors() throws Exception {
        demo.stopUpstream("demo-b").await(10, TimeUnit.SECONDS);

        List<String> during = lines(demo.commands().get(0));
        await().atMost(Duration.ofSeconds(15)).until(() -> stateOf("demo-b").equals("EJECTED"));
        List<String> after = lines(demo.commands().get(0));

        assertThat(during).as("retried on the others before it is ejected").hasSize(6).doesNotContain("", "demo-b");
        assertThat(after).hasSize(6).containsOnly("demo-a", "demo-c");
    }

    private static String stateOf(String name) {
        return demo.gateway().report().upstreams().stream().filter(u -> u.name().equals(name)).map(UpstreamReport::state)
                .findFirst().orElse("?");
    }
}
