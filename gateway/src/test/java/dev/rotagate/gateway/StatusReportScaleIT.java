package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The status page's one fetch, {@code /api/report}, with 10,000 upstreams: it answers whole, and the time it takes is
 * printed (for the record, not asserted: timings vary with the machine).
 */
class StatusReportScaleIT extends WithOrigin {

    static final int UPSTREAMS = 10_000;

    @Test
    void theReportOfTenThousandUpstreamsIsOneFetch() throws Exception {
        StringBuilder yaml = new StringBuilder("listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\npools:\n  big:\n    upstreams:\n");
        for (int i = 0; i < UPSTREAMS; i++) {
            yaml.append("      - \"http://10.").append(i / 65536).append('.').append(i / 256 % 256).append('.')
                    .append(i % 256).append(":3128\"\n");
        }
        try (TestGateway g = TestGateway.start(vertx, yaml.toString())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create("http://127.0.0.1:" + g.server().adminPort() + "/api/report");
            long best = Long.MAX_VALUE;
            int bytes = 0;
            for (int i = 0; i < 5; i++) { // the first ones include JIT compilation
                long start = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                best = Math.min(best, System.nanoTime() - start);
                assertThat(r.statusCode()).isEqualTo(200);
                bytes = r.body().length();
                assertThat(new JsonObject(r.body()).getJsonArray("upstreams")).hasSize(UPSTREAMS);
            }
            System.out.printf("/api/report with %d upstreams: %d bytes, best of 5 fetches %d ms (server and loopback)%n",
                    UPSTREAMS, bytes, best / 1_000_000);
        }
    }
}
