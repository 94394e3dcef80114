package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void checkConfigAcceptsTheExampleConfig() {
        Run r = run("check-config", "--config", "../examples/rotagate.yaml");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("OK (1 pool(s), 1 upstream(s), listen 127.0.0.1:8080)");
    }

    @Test
    void checkConfigListsEveryProblemAndExits1() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "listen: 127.0.0.1:8080\npools:\n  p:\n    upstreams:\n      - ftp://x:1\n      - http://y\n    strategy: best\n");

        Run r = run("check-config", "-c", bad.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(bad + ":5: pools.p.upstreams[0]: scheme: ftp")
                .contains(bad + ":7: pools.p.strategy: unknown strategy 'best'")
                .contains("2 problem(s)");
    }

    @Test
    void serveRefusesToStartWithABadConfig() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "pools: {}\n");

        Run r = run("serve", "--config", bad.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no pools").contains("not starting");
    }

    @Test
    void missingConfigFileIsOneClearLine() {
        Run r = run("check-config", "--config", dir.resolve("nope.yaml").toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("nope.yaml: cannot read the file");
    }
}
