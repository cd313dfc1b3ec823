package org.meridian.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.meridian.core.json.Json;
import org.meridian.core.rules.Sample;

/** The moment a rule reads a value at: when it was observed, else when it was written, else the change's. */
class RuleSampleTest {
    private static final Instant ENTITY_MODIFIED = Instant.parse("2026-07-01T06:10:00Z");

    @Test
    void aValueCountsWhenObservedElseWhenWrittenNotWhenItsEntityLastChanged() {
        Sample observed = RuleEngine.sample(Json.parseTrusted("""
                {"type": "Property", "value": 12, "observedAt": "2026-07-01T06:00:00.5Z", "modifiedAt": "2026-07-01T06:00:01Z"}"""),
                ENTITY_MODIFIED);
        assertThat(observed.at()).isEqualTo(Instant.parse("2026-07-01T06:00:00.500Z"));
        // Read back whole after a restart, the entity's other values are older than its modifiedAt: stamped with it,
        // each would add a sample no reading made.
        Sample written = RuleEngine.sample(Json.parseTrusted("""
                [{"type": "Property", "value": "dark", "modifiedAt": "2026-07-01T06:02:00Z"}]"""), ENTITY_MODIFIED);
        assertThat(written.at()).isEqualTo(Instant.parse("2026-07-01T06:02:00Z"));
        assertThat(written.text()).isEqualTo("dark");
        Sample unstamped = RuleEngine.sample(Json.parseTrusted("""
                {"type": "Property", "value": 3, "modifiedAt": "yesterday"}"""), ENTITY_MODIFIED);
        assertThat(unstamped.at()).isEqualTo(ENTITY_MODIFIED);
    }
}
