package org.meridian.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.rules.RuleService;

/**
 * The demo city's rules, as its departments would write them: a flood in a district (rain and an underpass filling for
 * five minutes → an episode, a case for the water authority with emergency and transport co-handling, an alert, the
 * district's underpasses closed, the operations centre told; undone when the water drops), a sensor gone silent (a
 * maintenance case), bad air (PM2.5 above the national grade-II limit of 75 µg/m³ for an hour → the ecology
 * bureau alerted), and a street light out (a repair case for urban management). Durations are city time: at the demo's speed, a city hour passes in a minute.
 */
public final class DemoRules {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DemoRules.class);

    private DemoRules() {
    }

    /** A city-time duration at the demo's speed, in whole seconds (at least {@code floor}). */
    static String city(Duration cityTime, double speed, Duration floor) {
        long seconds = Math.max(floor.toSeconds(), Math.max(1, Math.round(cityTime.toSeconds() / speed)));
        return Duration.ofSeconds(seconds).toString();
    }

    static List<String> rules(double speed) {
        String fiveMinutes = city(Duration.ofMinutes(5), speed, Duration.ofSeconds(1));
        return List.of("""
                id: underpass-flood
                name: 下穿通道积水 Underpass flooding
                description: Rain of at least 16 mm/h in a district while one of its underpasses is above 30 cm for five minutes
                department: emergency
                severity: high
                when:
                  per: district
                  all:
                    - {type: WeatherObserved, attribute: precipitation, atLeast: 16}
                    - {type: FloodMonitoring, idPattern: "underpass", attribute: currentLevel, above: 0.3, for: %s}
                lateness: %s
                clearAfter: %s
                suppressFor: %s
                escalateAfter: %s
                then:
                  - openCase: {category: road-flooding, urgency: urgent}
                  - raiseAlert: {category: weather, subCategory: flood, description: 下穿通道积水 请绕行 Underpass flooded - take another road}
                  - update:
                      type: RoadSegment
                      entity: "urn:ngsi-ld:RoadSegment:underpasses-{key}"
                      set: {status: closed, reason: flooding}
                      onClear: {status: open, reason: ""}
                  - notify: {stream: operations}
                """.formatted(fiveMinutes, city(Duration.ofMinutes(10), speed, Duration.ofSeconds(5)),
                        city(Duration.ofMinutes(15), speed, Duration.ofSeconds(1)), city(Duration.ofHours(1), speed, Duration.ofSeconds(1)),
                        city(Duration.ofMinutes(30), speed, Duration.ofSeconds(1))),
                """
                id: silent-water-gauge
                name: 水位计失联 Water gauge silent
                description: A river or underpass gauge that has sent nothing for fifteen minutes
                department: big-data
                severity: medium
                when:
                  all:
                    - {type: FloodMonitoring, silentFor: %s}
                then:
                  - openCase: {category: device-fault, urgency: normal}
                  - notify: {stream: operations}
                """.formatted(city(Duration.ofMinutes(15), speed, Duration.ofMinutes(1))),
                """
                id: pm25-hourly
                name: PM2.5 超标 Fine particles above the limit
                description: PM2.5 averaging above 75 µg/m³ (GB 3095-2012 grade II) over an hour at a station
                department: ecology
                severity: medium
                when:
                  all:
                    - {type: AirQualityObserved, attribute: pm25, average: %s, above: 75}
                suppressFor: %s
                then:
                  - raiseAlert: {category: environment, subCategory: airPollution}
                  - notify: {stream: operations}
                """.formatted(city(Duration.ofHours(1), speed, Duration.ofSeconds(10)), city(Duration.ofHours(2), speed, Duration.ofSeconds(1))),
                // The lamp's own report: dark (powerState off) with a defective lamp. A city on the wall clock would add
                // timeOfDay: {from: "18:30", to: "06:00"}; the demo city's nights come sixty times faster than the clock's.
                """
                id: dark-streetlight
                name: 路灯不亮 Street light out
                description: A street light dark with a defective lamp for ten minutes
                department: urban-management
                severity: low
                when:
                  all:
                    - {type: Streetlight, attribute: powerState, equals: "off", for: %s}
                    - {type: Streetlight, attribute: status, equals: defectiveLamp}
                suppressFor: %s
                then:
                  - openCase: {category: street-light, urgency: normal, answers: {lamps: 1}}
                  - notify: {stream: operations}
                """.formatted(city(Duration.ofMinutes(10), speed, Duration.ofSeconds(1)), city(Duration.ofDays(1), speed, Duration.ofSeconds(1))));
    }

    /**
     * Adds and enables the rules once the data they read exists (a rule naming what is not there is refused): tried
     * every five seconds for two minutes, on a thread of its own, while the demo city starts sending.
     */
    public static Thread create(RuleService rules, double speed) {
        return Thread.ofPlatform().name("meridian-demo-rules").daemon().start(() -> {
            Caller platform = Caller.system("", "demo");
            ObjectMapper yaml = new YAMLMapper();
            List<String> pending = new ArrayList<>(rules(speed));
            for (int attempt = 0; attempt < 24 && !pending.isEmpty(); attempt++) {
                for (String text : List.copyOf(pending)) {
                    try {
                        ObjectNode rule = (ObjectNode) yaml.readTree(text);
                        String id = rule.get("id").asText();
                        if (rules.list(platform).stream().noneMatch(stored -> stored.id().equals(id))) {
                            rules.add(platform, rule);
                        }
                        rules.enable(platform, id, true);
                        pending.remove(text);
                    } catch (MeridianException e) {
                        if (attempt == 23) {
                            LOG.warn("demo rule not added: {}", e.getMessage());
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                if (!pending.isEmpty()) {
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            LOG.info("the demo city's rules are running ({} of {})", rules(speed).size() - pending.size(), rules(speed).size());
        });
    }
}
