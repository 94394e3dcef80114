package dev.rotagate.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenderersTest {

    private static UpstreamReport row(String pool, String name, String state, String error, String exitIp, boolean shared) {
        return new UpstreamReport(pool, name, "http://u:****@10.0.0.1:3128", state, state.equals("HEALTHY") ? "probe passed"
                : "3 probes failed", 1_700_000_000_000L, "CLOSED", state.equals("HEALTHY") ? 12.4 : -1, 11, 30, exitIp, shared,
                1_700_000_001_000L, error, 10, 1, 90.0, 0, 100, 200, Map.of("upstream-refused", 1L), 0);
    }

    private final HealthReport report = new HealthReport(1_700_000_002_000L, List.of(
            row("dc", "dc-2", "EJECTED", "upstream-refused: connection refused", null, false),
            row("dc", "dc-1", "HEALTHY", null, "203.0.113.7", true),
            row("res", "res-1", "HEALTHY", null, "203.0.113.7", true)), List.of("dc", "res"));

    @Test
    void tableHasAlignedColumnsAndASummary() {
        String table = TableRenderer.render(report);

        assertThat(table).isEqualTo("""
                POOL  NAME   URL                          STATE    LATENCY  EXIT IP               LAST ERROR
                dc    dc-2   http://u:****@10.0.0.1:3128  EJECTED  -        -                     upstream-refused: connection refused
                dc    dc-1   http://u:****@10.0.0.1:3128  HEALTHY  12 ms    203.0.113.7 (shared)
                res   res-1  http://u:****@10.0.0.1:3128  HEALTHY  12 ms    203.0.113.7 (shared)
                2/3 healthy in 2 pools
                """);
    }

    @Test
    void exitCodesFollowTheMonitoringConvention() {
        assertThat(report.exitCode()).isEqualTo(HealthReport.SOME_UNHEALTHY);
        HealthReport down = new HealthReport(0, List.of(row("dc", "a", "EJECTED", "x", null, false),
                row("res", "b", "HEALTHY", null, null, false)), List.of("dc", "res"));
        assertThat(down.exitCode()).isEqualTo(HealthReport.POOL_DOWN);
        assertThat(down.summary()).isEqualTo("1/2 healthy in 2 pools; no healthy upstream in dc");
        HealthReport ok = new HealthReport(0, List.of(row("res", "b", "HEALTHY", null, null, false)), List.of("res"));
        assertThat(ok.exitCode()).isEqualTo(HealthReport.OK);
        assertThat(ok.summary()).isEqualTo("1/1 healthy in 1 pool");
    }

    @Test
    void jsonRoundTrips() {
        HealthReport back = JsonRenderer.parse(JsonRenderer.render(report));

        assertThat(back.upstreams()).usingRecursiveComparison().ignoringFields("latencyLastMs", "latencyP50Ms", "latencyP95Ms")
                .isEqualTo(report.upstreams());
        assertThat(back.pools()).isEqualTo(report.pools());
        assertThat(JsonRenderer.render(report).getInteger("exitCode")).isEqualTo(1);
    }

    @Test
    void percentilesOverTheWindow() {
        ProbeStats s = new ProbeStats();
        for (int i = 1; i <= 100; i++) {
            s.record(new ProbeResult(true, i * 1_000_000L, 200, null, null, 0));
        }

        assertThat(s.latencyPercentileMillis(50)).isEqualTo(84.0); // the last 32 samples: 69..100 ms
        assertThat(s.latencyPercentileMillis(95)).isEqualTo(99.0);
    }
}
