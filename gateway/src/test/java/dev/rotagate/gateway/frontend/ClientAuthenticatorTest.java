package dev.rotagate.gateway.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotagate.common.Cidr;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.RoutingHints;
import dev.rotagate.config.AuthConfig;
import dev.rotagate.config.ListenerConfig;
import dev.rotagate.config.UserConfig;
import dev.rotagate.gateway.admin.GatewayMetrics;
import java.net.InetAddress;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAuthenticatorTest {

    private static final GatewayMetrics METRICS = new GatewayMetrics();
    private static final Entrance MAIN = entrance(ListenerConfig.plain(HostAndPort.of("127.0.0.1", 8080)), 8080);
    private static final InetAddress CLIENT = address("10.1.2.3");
    private static final InetAddress OFFICE = address("192.0.2.7");

    private final ClientAuthenticator auth = new ClientAuthenticator(
            new AuthConfig(List.of(new UserConfig("alice", "pw1"), new UserConfig("bob", "pw2")), false));

    private static Entrance entrance(ListenerConfig listener, int port) {
        return new Entrance(listener, port, METRICS.listener(listener.name()));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<RoutingHints> check(ClientAuthenticator a, String user, String password) {
        return a.authenticate(MAIN, CLIENT, user, password);
    }

    @Test
    void acceptsKnownUsersWithTheirPasswordAndHints() {
        assertThat(check(auth, "alice", "pw1")).isPresent();
        assertThat(check(auth, "bob-session-x1", "pw2")).get().satisfies(h -> {
            assertThat(h.user()).isEqualTo("bob");
            assertThat(h.session()).contains("x1");
        });
    }

    @Test
    void refusesWrongPasswordsOtherUsersPasswordsAndMissingCredentials() {
        assertThat(check(auth, "alice", "pw2")).isEmpty();
        assertThat(check(auth, "carol", "pw1")).isEmpty();
        assertThat(check(auth, null, null)).isEmpty();
        assertThat(check(auth, "alice", null)).isEmpty();
    }

    @Test
    void withoutUsersEveryoneIsAcceptedAndTheUsernameStillCarriesHints() {
        ClientAuthenticator open = new ClientAuthenticator(AuthConfig.NONE);

        assertThat(open.required()).isFalse();
        assertThat(check(open, null, null)).isPresent();
        assertThat(check(open, "x-pool-dc", "")).get().satisfies(h -> assertThat(h.pool()).contains("dc"));
        assertThatThrownBy(() -> check(open, "x-pool-", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allowedAddressesNeedNoCredentialsAndAUsersOwnMakeTheClientThatUser() {
        ClientAuthenticator byAddress = new ClientAuthenticator(new AuthConfig(List.of(
                new UserConfig("alice", "pw1", null, 0, 0, List.of(Cidr.parse("192.0.2.0/24")))), false,
                List.of(Cidr.parse("10.0.0.0/8"))));

        assertThat(byAddress.authenticate(MAIN, OFFICE, null, null)).get().extracting(RoutingHints::user).isEqualTo("alice");
        assertThat(byAddress.authenticate(MAIN, CLIENT, null, null)).get().extracting(RoutingHints::user).isEqualTo("");
        assertThat(byAddress.authenticate(MAIN, address("203.0.113.9"), null, null)).isEmpty();
        assertThat(byAddress.authenticate(MAIN, address("203.0.113.9"), "alice", "pw1")).isPresent();
        assertThat(byAddress.authenticate(MAIN, OFFICE, "alice", "wrong")).as("credentials sent are checked").isEmpty();
    }

    @Test
    void withAllowedAddressesAndNoUsersOthersAreRefused() {
        ClientAuthenticator allowList = new ClientAuthenticator(new AuthConfig(List.of(), false,
                List.of(Cidr.parse("10.0.0.0/8"))));

        assertThat(allowList.required()).isTrue();
        assertThat(allowList.authenticate(MAIN, CLIENT, "x-session-s1", null)).get()
                .satisfies(h -> assertThat(h.session()).contains("s1"));
        assertThat(allowList.authenticate(MAIN, OFFICE, "x", "y")).isEmpty();
        assertThat(allowList.letsInWithoutCredentials(MAIN, OFFICE)).isFalse();
    }

    @Test
    void aListenerBoundToAUserAsksNothingAndFixesItsRouting() {
        ListenerConfig ports = new ListenerConfig("res", "127.0.0.1", 10000, 10099, true, "bob", "residential",
                List.of("us"));
        Entrance entrance = entrance(ports, 10042);

        RoutingHints hints = auth.authenticate(entrance, CLIENT, null, null).orElseThrow();
        RoutingHints fixed = entrance.apply(hints.withHeaders("clientsession", "other", List.of("de")));

        assertThat(auth.letsInWithoutCredentials(entrance, CLIENT)).isTrue();
        assertThat(fixed.user()).isEqualTo("bob");
        assertThat(fixed.session()).contains("port10042");
        assertThat(fixed.pool()).contains("residential");
        assertThat(fixed.tags()).containsExactly("us");
    }

    @Test
    void aListenerBoundToAUserWithAllowedAddressesRefusesOthers() {
        ClientAuthenticator restricted = new ClientAuthenticator(new AuthConfig(List.of(
                new UserConfig("bob", "pw2", null, 0, 0, List.of(Cidr.parse("192.0.2.0/24")))), false));
        Entrance bound = entrance(new ListenerConfig("b", "0.0.0.0", 9090, 9090, false, "bob", null, List.of()), 9090);

        assertThat(restricted.authenticate(bound, OFFICE, null, null)).isPresent();
        assertThat(restricted.authenticate(bound, CLIENT, "bob", "pw2")).isEmpty();
    }

    @Test
    void parsesBasicCredentialsWithColonsInThePassword() {
        String header = "Basic " + Base64.getEncoder().encodeToString("alice:a:b:c".getBytes());

        assertThat(ClientAuthenticator.parseBasic(header)).containsExactly("alice", "a:b:c");
        assertThat(ClientAuthenticator.parseBasic("Bearer xyz")).containsExactly(null, null);
        assertThat(ClientAuthenticator.parseBasic("Basic !!!notbase64")).containsExactly(null, null);
        assertThat(ClientAuthenticator.parseBasic(null)).containsExactly(null, null);
    }
}
