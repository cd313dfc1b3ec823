package org.meridian.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.meridian.core.rules.Condition;
import org.meridian.core.rules.Keying;
import org.meridian.rules.RuleDefinition;
import org.meridian.rules.RuleLanguage;

/** The demo city's rules are valid rules at any speed, with their durations in city time. */
class DemoRulesTest {
    private final RuleLanguage language = new RuleLanguage(term -> "https://uri.etsi.org/ngsi-ld/default-context/" + term,
            ZoneId.of("Asia/Shanghai"));

    @Test
    void theDemoRulesAreValidAtEverySpeed() throws Exception {
        for (double speed : new double[] {1, 60, 600}) {
            for (String text : DemoRules.rules(speed)) {
                RuleDefinition rule = language.understand((ObjectNode) new YAMLMapper().readTree(text));
                assertThat(rule.actions()).isNotEmpty();
            }
        }
        RuleDefinition flood = language.understand((ObjectNode) new YAMLMapper().readTree(DemoRules.rules(60).getFirst()));
        assertThat(flood.logic().keying()).isEqualTo(Keying.DISTRICT);
        Condition.Threshold level = (Condition.Threshold) flood.logic().conditions().get(1);
        assertThat(level.sustained()).as("five city minutes at sixty times").isEqualTo(Duration.ofSeconds(5));
        assertThat(level.admits("urn:ngsi-ld:FloodMonitoring:underpass-00003")).isTrue();
        assertThat(level.admits("urn:ngsi-ld:FloodMonitoring:river-00001")).isFalse();
        assertThat(DemoRules.city(Duration.ofMinutes(15), 60, Duration.ofMinutes(1))).as("a silence is at least a minute").isEqualTo("PT1M");
    }
}
