package dev.rotagate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.RoutingHints;
import dev.rotagate.config.UserConfig;
import dev.rotagate.pool.connect.MessageSocket;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Admission admission = new Admission(now::get);

    /** Just enough of a client connection: its limit flag and the user slot it holds. */
    private static final class Client implements ClientLink {
        final boolean overLimit;
        String user;
        Runnable release;

        Client(boolean overLimit) {
            this.overLimit = overLimit;
        }

        @Override public MessageSocket socket() { throw new UnsupportedOperationException(); }
        @Override public String remoteAddress() { return "127.0.0.1:1"; }
        @Override public LoopTimer deadline() { throw new UnsupportedOperationException(); }
        @Override public void enterExchange(MessageSocket.Listener exchange) { }
        @Override public void enterTunnel(MessageSocket.Listener owner) { }
        @Override public void exchangeDone(boolean keepAlive, Future<Void> lastWrite) { }
        @Override public void rawFromNowOn() { }
        @Override public boolean overLimit() { return overLimit; }
        @Override public String user() { return user; }
        @Override public void heldBy(String user, Runnable release) { this.user = user; this.release = release; }
        @Override public void closeWith(Object answer) { }

        void close() {
            if (release != null) {
                release.run();
            }
        }
    }

    private static ProxyRequest request(String user) {
        return new ProxyRequest(ProxyRequest.Protocol.HTTP, "c", RoutingHints.parse(user), HostAndPort.of("example.com", 80));
    }

    @Test
    void aConnectionOverTheGatewayLimitIsOverloaded() {
        assertThat(admission.admit(request("u"), new Client(true)).kind()).isEqualTo(FailureKind.OVERLOADED);
        assertThat(admission.admit(request("u"), new Client(false))).isNull();
    }

    @Test
    void theRateIsATokenBucketOfOneSecond() {
        admission.configure(List.of(new UserConfig("u", "p", null, 0, 5)));
        Client c = new Client(false);
        for (int i = 0; i < 5; i++) {
            assertThat(admission.admit(request("u-session-" + i), c)).as("request " + i).isNull();
        }
        GatewayError over = admission.admit(request("u"), c);
        assertThat(over.kind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(over.getMessage()).contains("rate of 5");
        assertThat(admission.admit(request("other"), c)).as("users without limits").isNull();

        now.addAndGet(200_000_000L); // one interval later: one more
        assertThat(admission.admit(request("u"), c)).isNull();
        assertThat(admission.admit(request("u"), c)).isNotNull();
        now.addAndGet(10_000_000_000L); // idle a while: a full burst again, never more
        for (int i = 0; i < 5; i++) {
            assertThat(admission.admit(request("u"), c)).isNull();
        }
        assertThat(admission.admit(request("u"), c)).isNotNull();
    }

    @Test
    void maxConnectionsCountsConnectionsNotRequestsAndFreesOnClose() {
        admission.configure(List.of(new UserConfig("u", "p", null, 2, 0)));
        Client a = new Client(false);
        Client b = new Client(false);
        Client c = new Client(false);
        assertThat(admission.admit(request("u"), a)).isNull();
        assertThat(admission.admit(request("u"), a)).as("the same connection again").isNull();
        assertThat(admission.admit(request("u"), b)).isNull();
        assertThat(admission.admit(request("u"), c).kind()).isEqualTo(FailureKind.RATE_LIMITED);
        a.close();
        assertThat(admission.admit(request("u"), c)).isNull();

        admission.configure(List.of(new UserConfig("u", "p", null, 0, 0)));
        assertThat(admission.admit(request("u"), new Client(false))).as("a reload lifts the limit").isNull();
    }
}
