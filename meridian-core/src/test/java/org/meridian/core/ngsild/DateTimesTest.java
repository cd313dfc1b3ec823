package org.meridian.core.ngsild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written reading and writing of UTC date-times agree with java.time's, everywhere they apply. */
class DateTimesTest {
    private static final long FROM = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long TO = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @Test
    void writesAndReadsAsInstantDoesOverAMillionRandomInstants() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            long seconds = random.nextLong(FROM, TO + 1);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            String written = instant.toString();
            assertThat(DateTimes.formatUtc(instant)).isEqualTo(written);
            assertThat(DateTimes.parseUtc(written)).isEqualTo(instant);
        }
    }

    @Test
    void readsAnyNumberOfFractionDigitsAndLeavesTheRestToInstantParse() {
        assertThat(DateTimes.parseUtc("2026-07-01T06:00:00.1Z")).isEqualTo(Instant.parse("2026-07-01T06:00:00.100Z"));
        assertThat(DateTimes.parseUtc("2026-07-01T06:00:00.12345Z")).isEqualTo(Instant.parse("2026-07-01T06:00:00.123450Z"));
        assertThat(DateTimes.parseUtc("2024-02-29T23:59:59.999999999Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59.999999999Z"));
        assertThat(DateTimes.parseUtc("2026-07-01T08:00:00+02:00")).isEqualTo(Instant.parse("2026-07-01T06:00:00Z"));
        for (String edge : new String[] {"+10000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z",
            "-0001-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.000001Z"}) {
            Instant instant = Instant.parse(edge);
            assertThat(DateTimes.formatUtc(instant)).as(edge).isEqualTo(instant.toString());
            assertThat(DateTimes.parseUtc(instant.toString())).as(edge).isEqualTo(instant);
        }
        // What the hand-written path does not take, it leaves to Instant.parse: the same answer or the same refusal.
        for (String odd : new String[] {"2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-07-01T24:00:00Z",
            "2026-07-01T23:59:60Z", "1900-02-29T00:00:00Z", "2026-07-01t06:00:00z", "2026-07-01T06:00:00.Z", "2026-07-01T06:00:0xZ", "2026-07-01T06:00:00.1234567890Z",
            "not a date"}) {
            Object expected;
            try {
                expected = Instant.parse(odd);
            } catch (DateTimeParseException e) {
                expected = DateTimeParseException.class;
            }
            if (expected instanceof Instant instant) {
                assertThat(DateTimes.parseUtc(odd)).as(odd).isEqualTo(instant);
            } else {
                assertThatThrownBy(() -> DateTimes.parseUtc(odd)).as(odd).isInstanceOf(DateTimeParseException.class);
            }
        }
    }
}
