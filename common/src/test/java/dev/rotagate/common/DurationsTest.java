package dev.rotagate.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parsesAndFormatsEveryUnit() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void rejectsNumbersWithoutUnitsAndUnknownUnits() {
        assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("expected: a number and a unit");
        assertThatThrownBy(() -> Durations.parse("5 weeks")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("-5s")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void byteSizes() {
        assertThat(ByteSizes.parse("16KiB")).isEqualTo(16384);
        assertThat(ByteSizes.parse("1MiB")).isEqualTo(1048576);
        assertThat(ByteSizes.parse("512")).isEqualTo(512);
        assertThatThrownBy(() -> ByteSizes.parse("12 parsecs")).isInstanceOf(IllegalArgumentException.class);
    }
}
