package dev.rotagate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotagate.common.TargetNames;
import org.junit.jupiter.api.Test;

class TargetRuleTest {

    @Test
    void rangesRangesOnAPortAndHostsOnAPort() {
        TargetRule range = TargetRule.parse("10.1.0.0/16");
        assertThat(range.allows(TargetNames.literal("10.1.2.3"), 80)).isTrue();
        assertThat(range.allows(TargetNames.literal("10.2.2.3"), 80)).isFalse();

        TargetRule onPort = TargetRule.parse("10.1.0.0/16:5432");
        assertThat(onPort.allows(TargetNames.literal("10.1.2.3"), 5432)).isTrue();
        assertThat(onPort.allows(TargetNames.literal("10.1.2.3"), 5433)).isFalse();

        TargetRule v6 = TargetRule.parse("fd00::/8:443");
        assertThat(v6.allows(TargetNames.literal("fd00::1"), 443)).isTrue();
        assertThat(v6.allows(TargetNames.literal("fd00::1"), 80)).isFalse();

        TargetRule one = TargetRule.parse("127.0.0.1:18080");
        assertThat(one.allows(TargetNames.literal("127.0.0.1"), 18080)).isTrue();
        assertThat(one.allows(TargetNames.literal("127.0.0.2"), 18080)).isFalse();
        assertThat(TargetRule.parse("[::1]:8080").allows(TargetNames.literal("::1"), 8080)).isTrue();
        assertThat(TargetRule.parse("::1").allows(TargetNames.literal("::1"), 1)).isTrue();

        TargetRule named = TargetRule.parse("DB.internal:5432");
        assertThat(named.allows("db.internal", 5432)).isTrue();
        assertThat(named.allows("db.internal", 5433)).isFalse();
        assertThat(named.allows(TargetNames.literal("10.0.0.1"), 5432)).isFalse();
    }

    @Test
    void anythingElseIsRefusedWithTheFormsItCouldBe() {
        for (String bad : new String[] {"db.internal", "10.0.0.0/8:0", "10.0.0.0/8:70000", "10.0.0.0/40", "a b:80",
            "0x7f000001:80", "host:port", ""}) {
            assertThatThrownBy(() -> TargetRule.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected");
        }
    }
}
