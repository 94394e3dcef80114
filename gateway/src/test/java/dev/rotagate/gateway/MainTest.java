package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path dir;

    @Test
    void checkConfigAcceptsTheExampleConfig() {
        Cli.Run r = Cli.run("check-config", "--config", "../examples/rotagate.yaml");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("OK (1 pool(s), 1 upstream(s), listen 127.0.0.1:8080)");
    }

    @Test
    void checkConfigListsEveryProblemAndExits1() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "listen: 127.0.0.1:8080\npools:\n  p:\n    upstreams:\n      - ftp://x:1\n      - http://y\n    strategy: best\n");

        Cli.Run r = Cli.run("check-config", "-c", bad.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(bad + ":5: pools.p.upstreams[0]: scheme: ftp")
                .contains(bad + ":7: pools.p.strategy: unknown strategy 'best'")
                .contains("2 problem(s)");
    }

    @Test
    void serveRefusesToStartWithABadConfig() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "pools: {}\n");

        Cli.Run r = Cli.run("serve", "--config", bad.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no pools").contains("not starting");
    }

    @Test
    void missingConfigFileIsOneClearLine() {
        Cli.Run r = Cli.run("check-config", "--config", dir.resolve("nope.yaml").toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("nope.yaml: cannot read the file");
    }
}
