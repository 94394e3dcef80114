package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeldEntriesTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final HeldEntries held = new HeldEntries(now::get);

    private JsonObject from(String address) {
        return new JsonObject().put("fromAddress", address).put("at", now.get());
    }

    @Test
    void countsPerKindAndPerOriginAndForgetsWhatExpired() {
        assertThat(held.hold(SharedKind.DISABLED, "p/up1", from("10.0.0.1:5701"))).isTrue();
        held.hold(SharedKind.BANS, "up2|shop.example", from("10.0.0.1:5701").put("until", now.get() + 60_000));
        held.hold(SharedKind.BANS, "up2|other.example", from("10.0.0.2:5701").put("until", now.get() + 1_000));
        held.hold(SharedKind.BANS, "up2|shop.example", from("10.0.0.1:5701").put("until", now.get() + 90_000));

        JsonObject json = held.json();
        assertThat(json.getInteger("disabled")).isEqualTo(1);
        assertThat(json.getInteger("bans")).as("the same pair twice is one entry").isEqualTo(2);
        assertThat(json.getInteger("sessions")).isZero();
        assertThat(json.getJsonObject("byOrigin").getJsonObject("10.0.0.1:5701").getMap())
                .containsEntry("disabled", 1).containsEntry("bans", 1);
        assertThat(json.getJsonObject("byOrigin").getJsonObject("10.0.0.2:5701").getInteger("bans")).isEqualTo(1);

        now.addAndGet(1_000);
        assertThat(held.hold(SharedKind.DISABLED, "p/up1", from("10.0.0.2:5701").put("enabled", true))).isTrue();
        JsonObject later = held.json();
        assertThat(later.getInteger("bans")).as("a ban whose cool-down ended").isEqualTo(1);
        assertThat(later.getInteger("disabled")).as("enabled again").isZero();
        assertThat(later.getJsonObject("byOrigin").fieldNames()).containsExactly("10.0.0.1:5701");
    }

    @Test
    void aRecordOlderThanTheOneHeldForItsKeyIsStaleAndNotApplied() {
        JsonObject disable = from("10.0.0.1:5701"); // read into a snapshot now...
        now.addAndGet(5);
        JsonObject enable = from("10.0.0.2:5701").put("enabled", true); // ...while a newer enable arrives
        assertThat(held.hold(SharedKind.DISABLED, "p/up1", enable)).isTrue();

        assertThat(held.hold(SharedKind.DISABLED, "p/up1", disable)).as("the snapshot's older disable").isFalse();
        assertThat(held.json().getInteger("disabled")).isZero();
        assertThat(held.hold(SharedKind.DISABLED, "p/up1", enable)).as("the same record again").isTrue();
    }
}
