package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.TestOrigin;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive {@code mvn package} builds ({@code target/rotagate-VERSION.tar.gz}), unpacked as an operator would:
 * its layout, the systemd unit's hardening, and {@code bin/rotagate} checking a config and serving from it.
 */
class DistributionIT {

    @TempDir
    Path dir;

    private record Run(int exit, String output) {
    }

    private static Run run(Path workDir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finishes", List.of(command)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private Path unpack() throws Exception {
        Path archive;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            archive = files.filter(f -> f.getFileName().toString().matches("rotagate-.+\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/rotagate-*.tar.gz: mvn package builds it"));
        }
        Run tar = run(dir, "tar", "-xzf", archive.toAbsolutePath().toString());
        assertThat(tar.exit()).as(tar.output()).isZero();
        String version = archive.getFileName().toString().replaceAll("^rotagate-(.+)\\.tar\\.gz$", "$1");
        Path home = dir.resolve("rotagate-" + version);
        assertThat(home).isDirectory();
        return home;
    }

    @Test
    void theArchiveIsAnInstallThatChecksItsConfigAndServes() throws Exception {
        Path home = unpack();
        Path bin = home.resolve("bin/rotagate");

        assertThat(Files.isExecutable(bin)).isTrue();
        assertThat(home.resolve("lib/rotagate.jar")).isRegularFile();
        assertThat(home.resolve("conf/logback.xml")).isRegularFile();
        assertThat(Files.readString(home.resolve("systemd/rotagate.service"))).contains("DynamicUser=yes",
                "NoNewPrivileges=yes", "ProtectSystem=strict", "LimitNOFILE=1048576", "ExecReload=/bin/kill -HUP $MAINPID",
                "Restart=on-failure");

        Run version = run(dir, bin.toString(), "version");
        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("rotagate ").doesNotContain("rotagate dev");
        Run check = run(dir, bin.toString(), "check-config", "--config", home.resolve("conf/rotagate.yaml").toString());
        assertThat(check.exit()).as(check.output()).isZero();
        Run completion = run(dir, bin.toString(), "generate-completion");
        assertThat(completion.output()).contains("complete -F").contains("check-config");

        Vertx vertx = Vertx.vertx();
        try (TestOrigin origin = TestOrigin.start(vertx);
             GatewayProcess gateway = GatewayProcess.start(dir, "listen: 127.0.0.1:0\n"
                     + "pools: { p: { upstreams: [ \"direct://\" ] } }\n" + TestGateway.LOOPBACK_TARGETS, List.of(bin.toString()));
             RawHttpClient client = new RawHttpClient(gateway.port())) {
            RawHttpClient.Response r = client.exchange("GET " + origin.url("/bytes/100") + " HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(TestOrigin.bytes(100));
            gateway.terminate();
            assertThat(gateway.waitFor(Duration.ofSeconds(30))).as(gateway.output()).isZero();
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
