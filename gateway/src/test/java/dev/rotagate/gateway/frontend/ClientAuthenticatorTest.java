package dev.rotagate.gateway.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotagate.config.AuthConfig;
import dev.rotagate.config.UserConfig;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAuthenticatorTest {

    private final ClientAuthenticator auth = new ClientAuthenticator(
            new AuthConfig(List.of(new UserConfig("alice", "pw1"), new UserConfig("bob", "pw2")), false));

    @Test
    void acceptsKnownUsersWithTheirPasswordAndHints() {
        assertThat(auth.authenticate("alice", "pw1")).isPresent();
        assertThat(auth.authenticate("bob-session-x1", "pw2")).get().satisfies(h -> {
            assertThat(h.user()).isEqualTo("bob");
            assertThat(h.session()).contains("x1");
        });
    }

    @Test
    void refusesWrongPasswordsOtherUsersPasswordsAndMissingCredentials() {
        assertThat(auth.authenticate("alice", "pw2")).isEmpty();
        assertThat(auth.authenticate("carol", "pw1")).isEmpty();
        assertThat(auth.authenticate(null, null)).isEmpty();
        assertThat(auth.authenticate("alice", null)).isEmpty();
    }

    @Test
    void withoutUsersEveryoneIsAcceptedAndTheUsernameStillCarriesHints() {
        ClientAuthenticator open = new ClientAuthenticator(AuthConfig.NONE);

        assertThat(open.required()).isFalse();
        assertThat(open.authenticate(null, null)).isPresent();
        assertThat(open.authenticate("x-pool-dc", "")).get().satisfies(h -> assertThat(h.pool()).contains("dc"));
        assertThatThrownBy(() -> open.authenticate("x-pool-", "")).isInstanceOf(IllegalArgumentException.class);
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
