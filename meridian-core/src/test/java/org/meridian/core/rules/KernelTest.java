package org.meridian.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rule kernel alone: readings and time in, episodes out, no I/O. */
class KernelTest {
    private static final String LEVEL_SENSOR = "https://smartdatamodels.org/dataModel.Environment/WaterLevelObserved";
    private static final String WEATHER = "https://smartdatamodels.org/dataModel.Weather/WeatherObserved";
    private static final String LEVEL = "https://smartdatamodels.org/waterLevel";
    private static final String RAIN = "https://smartdatamodels.org/precipitation";
    private static final Instant T0 = Instant.parse("2026-07-01T06:00:00Z");

    private static Condition.Threshold above(String type, String attribute, double value, Duration sustained) {
        return new Condition.Threshold(type, attribute, new Comparison(Comparison.Op.ABOVE, value, null, null), sustained);
    }

    private static RuleLogic logic(Keying keying, Condition... conditions) {
        return new RuleLogic(List.of(conditions), keying, Duration.ofMinutes(2), Duration.ZERO, Duration.ZERO, null);
    }

    private static Reading level(String entity, String district, Instant at, double centimetres) {
        return new Reading(entity, List.of(LEVEL_SENSOR), 120.15, 30.27, district, Map.of(LEVEL, Sample.of(at, centimetres)));
    }

    private static Reading rain(String entity, String district, Instant at, double millimetresPerHour) {
        return new Reading(entity, List.of(WEATHER), 120.16, 30.28, district, Map.of(RAIN, Sample.of(at, millimetresPerHour)));
    }

    private static Instant minute(int n) {
        return T0.plus(Duration.ofMinutes(n));
    }

    /** Feeds readings in order, each processed at its own moment; returns every effect. */
    private static List<Effect> feed(Kernel kernel, RuleState state, List<Reading> readings) {
        List<Effect> effects = new ArrayList<>();
        for (Reading reading : readings) {
            effects.addAll(kernel.reading(state, reading, reading.at()));
        }
        return effects;
    }

    @Test
    void aLevelAboveItsLimitForFiveMinutesOpensOneEpisodeAndClearsWhenItDrops() {
        Kernel kernel = new Kernel("flood.1", logic(Keying.ENTITY, above(LEVEL_SENSOR, LEVEL, 30, Duration.ofMinutes(5))));
        RuleState state = new RuleState();
        List<Reading> rising = new ArrayList<>();
        for (int m = 0; m <= 4; m++) {
            rising.add(level("underpass-1", null, minute(m), 31 + m));
        }
        assertThat(feed(kernel, state, rising)).as("four minutes above is not five").isEmpty();
        List<Effect> opened = kernel.reading(state, level("underpass-1", null, minute(5), 36), minute(5));
        assertThat(opened).singleElement().isInstanceOf(Effect.Opened.class);
        Episode episode = opened.getFirst().episode();
        assertThat(episode.id()).isEqualTo("flood.1-1");
        assertThat(episode.evidence()).extracting(Evidence::at).as("the run's first reading and the last").containsExactly(minute(0), minute(5));

        List<Reading> storm = new ArrayList<>();
        for (int s = 1; s <= 1_000; s++) {
            storm.add(level("underpass-1", null, minute(5).plusMillis(s * 100L), 40));
        }
        assertThat(feed(kernel, state, storm)).as("a storm of readings is the same episode").isEmpty();
        List<Effect> cleared = kernel.reading(state, level("underpass-1", null, minute(7), 12), minute(7));
        assertThat(cleared).singleElement().isInstanceOfSatisfying(Effect.Cleared.class, c -> {
            assertThat(c.episode().id()).isEqualTo("flood.1-1");
            assertThat(c.byHand()).isFalse();
        });
        assertThat(state.openEpisodes()).isEmpty();
    }

    @Test
    void theDurationRunsOnWithoutReadingsAndATickCompletesIt() {
        Kernel kernel = new Kernel("flood.1", logic(Keying.ENTITY, above(LEVEL_SENSOR, LEVEL, 30, Duration.ofMinutes(5))));
        RuleState state = new RuleState();
        kernel.reading(state, level("underpass-1", null, minute(0), 45), minute(0));
        assertThat(kernel.tick(state, minute(6))).as("six minutes on, less the two of lateness: four").isEmpty();
        assertThat(kernel.tick(state, minute(7))).singleElement().isInstanceOf(Effect.Opened.class);
    }

    @Test
    void readingsOutOfOrderWithinTheLatenessCountAndLaterOnesAreDroppedAndCounted() {
        Kernel kernel = new Kernel("flood.1", logic(Keying.ENTITY, above(LEVEL_SENSOR, LEVEL, 30, Duration.ofMinutes(5))));
        RuleState state = new RuleState();
        kernel.reading(state, level("underpass-1", null, minute(0), 35), minute(0));
        kernel.reading(state, level("underpass-1", null, minute(3), 35), minute(3));
        // The minute-2 reading was low: it arrives a minute late, within the lateness, and breaks the run.
        kernel.reading(state, level("underpass-1", null, minute(2), 10), minute(3));
        assertThat(kernel.reading(state, level("underpass-1", null, minute(5), 35), minute(5))).as("above only since minute 3").isEmpty();
        assertThat(kernel.reading(state, level("underpass-1", null, minute(1), 10), minute(5))).isEmpty();
        assertThat(state.lateReadings()).as("minute 1 came four minutes late, the lateness is two").isEqualTo(1);
        assertThat(kernel.reading(state, level("underpass-1", null, minute(8), 35), minute(8)))
                .as("five minutes from minute 3").singleElement().isInstanceOf(Effect.Opened.class);
    }

    @Test
    void aBacklogTakenInAtOnceAndDecidedAtEachReadingsMomentDecidesAsLive() {
        // A node catching up after an outage longer than the lateness: the batch's readings are all in the samples before
        // the first is decided, and the engine decides each at its own moment. Later samples must not leak into it.
        // No lateness: the rule keeps five minutes of readings, and the backlog spans seven, a reading every five seconds.
        Kernel kernel = new Kernel("flood.1", new RuleLogic(List.of(above(LEVEL_SENSOR, LEVEL, 30, Duration.ofMinutes(5))),
                Keying.ENTITY, Duration.ZERO, Duration.ZERO, Duration.ZERO, null));
        RuleState state = new RuleState();
        state.samples.serve(kernel);
        kernel.reading(state, level("underpass-1", null, minute(-1), 10), minute(-1));
        // As the engine does with a batch: what was decided settles, then the batch is taken in whole. Taking in minute
        // 7 must not prune minutes 0 and 1 away before they are decided on (pruning went by the batch's own latest).
        state.samples.settle();
        List<Reading> backlog = new ArrayList<>();
        for (int s = 0; s <= 6 * 60; s += 5) {
            backlog.add(level("underpass-1", null, minute(0).plusSeconds(s), 40));
        }
        backlog.add(level("underpass-1", null, minute(7), 10));
        Instant now = minute(60);
        backlog.forEach(reading -> state.samples.take(reading, now));
        List<Effect> effects = new ArrayList<>();
        for (Reading reading : backlog) {
            effects.addAll(kernel.decide(state, reading, reading.at()));
        }
        assertThat(effects).as("above from minute 0 to 7: opened at minute 5, cleared at 7, as they were live")
                .extracting(effect -> effect.getClass().getSimpleName()).containsExactly("Opened", "Cleared");
        assertThat(effects.getFirst().episode().evidence()).extracting(Evidence::at).containsExactly(minute(0), minute(5));
        assertThat(effects.getFirst().episode().openedAt()).isEqualTo(minute(5));
        assertThat(kernel.tick(state, now)).as("the clock, an hour on, sees it low").isEmpty();
    }

    @Test
    void rainAndAHighUnderpassInOneDistrictMakeAFloodThere() {
        Kernel kernel = new Kernel("flood.1", logic(Keying.DISTRICT, above(WEATHER, RAIN, 16, Duration.ZERO),
                above(LEVEL_SENSOR, LEVEL, 30, Duration.ofMinutes(5))));
        RuleState state = new RuleState();
        List<Reading> readings = new ArrayList<>();
        for (int m = 0; m <= 6; m++) {
            readings.add(level("underpass-xihu", "xihu", minute(m), 40));
            readings.add(level("underpass-binjiang", "binjiang", minute(m), 40));
        }
        readings.add(rain("station-binjiang", "binjiang", minute(6), 3));
        assertThat(feed(kernel, state, readings)).as("no rain in either district").isEmpty();
        List<Effect> effects = kernel.reading(state, rain("station-xihu", "xihu", minute(7), 22), minute(7));
        assertThat(effects).singleElement().satisfies(effect -> {
            assertThat(effect).isInstanceOf(Effect.Opened.class);
            assertThat(effect.episode().key()).isEqualTo("xihu");
            assertThat(effect.episode().evidence()).extracting(Evidence::entity).contains("station-xihu", "underpass-xihu")
                    .doesNotContain("underpass-binjiang");
        });
        assertThat(kernel.reading(state, rain("station-xihu", "xihu", minute(8), 2), minute(8)))
                .singleElement().isInstanceOf(Effect.Cleared.class);
    }

    @Test
    void aSensorSilentForFifteenMinutesOpensAnEpisodeUntilItSpeaksAgain() {
        Kernel kernel = new Kernel("silent.1", logic(Keying.ENTITY, new Condition.Silence(LEVEL_SENSOR, Duration.ofMinutes(15))));
        RuleState state = new RuleState();
        kernel.reading(state, level("underpass-1", null, minute(0), 5), minute(0));
        assertThat(kernel.tick(state, minute(16))).isEmpty();
        assertThat(kernel.tick(state, minute(17))).singleElement().satisfies(effect -> {
            assertThat(effect).isInstanceOf(Effect.Opened.class);
            assertThat(effect.episode().evidence().getFirst().what()).isEqualTo("silence");
        });
        assertThat(kernel.tick(state, minute(30))).isEmpty();
        assertThat(kernel.reading(state, level("underpass-1", null, minute(31), 5), minute(31)))
                .singleElement().isInstanceOf(Effect.Cleared.class);
    }

    @Test
    void anHourlyAverageAndARateOfChange() {
        String pm25 = "https://smartdatamodels.org/pm25";
        String air = "https://smartdatamodels.org/dataModel.Environment/AirQualityObserved";
        Condition.Window hourly = new Condition.Window(air, pm25, Condition.Aggregate.AVERAGE, Duration.ofHours(1),
                new Comparison(Comparison.Op.ABOVE, 75.0, null, null));
        Kernel kernel = new Kernel("air.1", logic(Keying.ENTITY, hourly));
        RuleState state = new RuleState();
        List<Effect> effects = new ArrayList<>();
        for (int m = 0; m <= 120; m += 10) {
            double value = m < 60 ? 50 : 110; // an hour clean, then dirty
            effects.addAll(kernel.reading(state, new Reading("station-1", List.of(air), null, null, null,
                    Map.of(pm25, Sample.of(minute(m), value))), minute(m)));
        }
        assertThat(effects).singleElement().satisfies(effect -> {
            assertThat(effect.episode().evidence().getFirst().what()).isEqualTo("average(" + pm25 + ") over PT1H");
            assertThat(Double.parseDouble(effect.episode().evidence().getFirst().value())).isGreaterThan(75);
        });
        assertThat(effects.getFirst().episode().openedAt()).as("(50·2 + 110·4) / 6 = 90 at minute 90; at 80, (50·3+110·3)/6 = 80")
                .isEqualTo(minute(80));

        Condition.Window rising = new Condition.Window(LEVEL_SENSOR, LEVEL, Condition.Aggregate.CHANGE_PER_HOUR, Duration.ofMinutes(10),
                new Comparison(Comparison.Op.AT_LEAST, 60.0, null, null));
        Kernel fast = new Kernel("rise.1", logic(Keying.ENTITY, rising));
        RuleState levels = new RuleState();
        assertThat(fast.reading(levels, level("u", null, minute(0), 10), minute(0))).isEmpty();
        assertThat(fast.reading(levels, level("u", null, minute(5), 14), minute(5))).as("48 cm an hour").isEmpty();
        assertThat(fast.reading(levels, level("u", null, minute(9), 22), minute(9))).as("80 cm an hour").hasSize(1);
    }

    @Test
    void unacknowledgedEpisodesEscalateOnceAndAcknowledgedOnesDoNot() {
        RuleLogic rule = new RuleLogic(List.of(above(LEVEL_SENSOR, LEVEL, 30, Duration.ZERO)), Keying.ENTITY, Duration.ofMinutes(2),
                Duration.ZERO, Duration.ofMinutes(30), Duration.ofMinutes(10));
        Kernel kernel = new Kernel("flood.1", rule);
        RuleState state = new RuleState();
        kernel.reading(state, level("a", null, minute(0), 40), minute(0));
        kernel.reading(state, level("b", null, minute(0), 40), minute(0));
        String b = state.openEpisodes().get("b").id();
        assertThat(kernel.acknowledge(state, b, minute(5))).isTrue();
        assertThat(kernel.acknowledge(state, "nothing-1", minute(5))).isFalse();
        List<Effect> effects = kernel.tick(state, minute(10));
        assertThat(effects).singleElement().satisfies(effect -> {
            assertThat(effect).isInstanceOf(Effect.Escalated.class);
            assertThat(effect.episode().key()).isEqualTo("a");
        });
        assertThat(kernel.tick(state, minute(20))).as("once").isEmpty();

        // Cleared when the level drops; within the suppression window a new rise opens nothing.
        assertThat(kernel.reading(state, level("a", null, minute(21), 10), minute(21))).singleElement().isInstanceOf(Effect.Cleared.class);
        assertThat(kernel.reading(state, level("a", null, minute(22), 40), minute(22))).as("suppressed for 30 minutes").isEmpty();
        assertThat(kernel.reading(state, level("a", null, minute(52), 41), minute(52))).singleElement().isInstanceOf(Effect.Opened.class);

        // Cleared by hand while still high: nothing reopens until the level has dropped once.
        assertThat(kernel.clear(state, b, minute(53))).singleElement().isInstanceOfSatisfying(Effect.Cleared.class,
                cleared -> assertThat(cleared.byHand()).isTrue());
        assertThat(kernel.reading(state, level("b", null, minute(54), 40), minute(54))).isEmpty();
        assertThat(kernel.reading(state, level("b", null, minute(55), 10), minute(55))).isEmpty();
        assertThat(kernel.reading(state, level("b", null, minute(56), 40), minute(56))).singleElement().isInstanceOf(Effect.Opened.class);
    }

    @Test
    void aStreetLightDarkAtNightButNotByDay() {
        String light = "https://smartdatamodels.org/dataModel.Streetlighting/Streetlight";
        String power = "https://smartdatamodels.org/powerState";
        RuleLogic rule = logic(Keying.ENTITY, new Condition.Threshold(light, power, new Comparison(Comparison.Op.EQUALS, null, null, "off"),
                Duration.ZERO), new Condition.TimeOfDay(LocalTime.of(18, 30), LocalTime.of(6, 0), ZoneId.of("Asia/Shanghai")));
        Kernel kernel = new Kernel("dark.1", rule);
        RuleState state = new RuleState();
        Instant noon = Instant.parse("2026-07-01T04:00:00Z"); // 12:00 in Hangzhou
        Instant night = Instant.parse("2026-07-01T14:00:00Z"); // 22:00
        assertThat(kernel.reading(state, new Reading("lamp-1", List.of(light), null, null, null, Map.of(power, Sample.of(noon, "off"))), noon))
                .isEmpty();
        assertThat(kernel.reading(state, new Reading("lamp-2", List.of(light), null, null, null, Map.of(power, Sample.of(night, "on"))),
                night)).isEmpty();
        assertThat(kernel.tick(state, night.plus(Duration.ofMinutes(5)))).as("lamp-1 is still off, and now it is night")
                .singleElement().satisfies(effect -> assertThat(effect.episode().key()).isEqualTo("lamp-1"));
    }

    @Test
    void aPlaceAroundAnEntityCombinesWhatIsNearIt() {
        RuleLogic rule = logic(Keying.near(500), above(LEVEL_SENSOR, LEVEL, 30, Duration.ZERO), above(WEATHER, RAIN, 16, Duration.ZERO));
        Kernel kernel = new Kernel("near.1", rule);
        RuleState state = new RuleState();
        kernel.reading(state, new Reading("underpass", List.of(LEVEL_SENSOR), 120.1500, 30.2700, null, Map.of(LEVEL, Sample.of(minute(0), 40))),
                minute(0));
        assertThat(kernel.reading(state, new Reading("far-station", List.of(WEATHER), 120.1700, 30.2700, null,
                Map.of(RAIN, Sample.of(minute(1), 30))), minute(1))).as("about 1.9 km away").isEmpty();
        assertThat(kernel.reading(state, new Reading("near-station", List.of(WEATHER), 120.1530, 30.2700, null,
                Map.of(RAIN, Sample.of(minute(2), 30))), minute(2))).as("about 290 m away").singleElement()
                .satisfies(effect -> assertThat(effect.episode().key()).isEqualTo("underpass"));
    }

    /**
     * The state kept after any reading, read back with the readings a restart reads back from the history, decides
     * exactly as the state never put away: a restart loses nothing.
     */
    @Test
    void stateReadBackDecidesAsTheStateNeverPutAway() {
        RuleLogic rule = new RuleLogic(List.of(above(WEATHER, RAIN, 16, Duration.ZERO), above(LEVEL_SENSOR, LEVEL, 30, Duration.ofMinutes(5))),
                Keying.DISTRICT, Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofMinutes(15));
        List<Reading> readings = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int m = 0; m < 240; m++) {
            String district = random.nextBoolean() ? "xihu" : "binjiang";
            readings.add(level("underpass-" + district, district, minute(m).minusSeconds(random.nextInt(90)), 20 + random.nextInt(30)));
            readings.add(rain("station-" + district, district, minute(m), random.nextInt(30)));
        }
        Kernel kernel = new Kernel("flood.1", rule);
        RuleState kept = new RuleState();
        List<String> uninterrupted = new ArrayList<>();
        RuleState restarted = new RuleState();
        List<String> withRestarts = new ArrayList<>();
        for (int i = 0; i < readings.size(); i++) {
            Reading reading = readings.get(i);
            Instant now = minute(i / 2);
            kernel.reading(kept, reading, now).forEach(effect -> uninterrupted.add(describe(effect)));
            kernel.tick(kept, now).forEach(effect -> uninterrupted.add(describe(effect)));
            restarted = RuleState.fromJson(restarted.toJson(), readBack(kernel, readings.subList(0, i), now));
            kernel.reading(restarted, reading, now).forEach(effect -> withRestarts.add(describe(effect)));
            kernel.tick(restarted, now).forEach(effect -> withRestarts.add(describe(effect)));
        }
        assertThat(uninterrupted).as("the data makes episodes").hasSizeGreaterThan(4);
        assertThat(withRestarts).containsExactlyElementsOf(uninterrupted);
        assertThat(restarted.toJson()).isEqualTo(kept.toJson());
    }

    /** What a restart reads back: every reading recorded so far, in no particular order. */
    private static Samples readBack(Kernel kernel, List<Reading> recorded, Instant now) {
        Samples samples = new Samples();
        samples.serve(kernel);
        List<Reading> shuffled = new ArrayList<>(recorded);
        java.util.Collections.shuffle(shuffled, new java.util.Random(recorded.size()));
        shuffled.forEach(reading -> {
            samples.restore(reading, now);
            samples.group(reading.entity(), kernel.rule().keying().grouping(), reading.group());
        });
        return samples;
    }

    private static String describe(Effect effect) {
        return effect.getClass().getSimpleName() + " " + effect.episode().id() + " " + effect.episode().key() + " " + effect.episode().evidence();
    }

    @Test
    void entitiesJoinedByARelationshipCombineUnderTheEntityTheyName() {
        // A lamp dark while the cabinet it hangs on has power: the lamp is broken, not the supply.
        String lamp = "https://smartdatamodels.org/dataModel.Streetlighting/Streetlight";
        String cabinet = "https://smartdatamodels.org/dataModel.Streetlighting/StreetlightControlCabinet";
        String powerState = "https://smartdatamodels.org/powerState";
        String energy = "https://smartdatamodels.org/energyConsumed";
        Condition dark = new Condition.Threshold(lamp, powerState, new Comparison(Comparison.Op.EQUALS, null, null, "off"), Duration.ZERO);
        Condition powered = above(cabinet, energy, 0, Duration.ZERO);
        Kernel kernel = new Kernel("broken-lamp.1", logic(Keying.related("https://smartdatamodels.org/refStreetlightControlCabinet"),
                dark, powered));
        RuleState state = new RuleState();
        // Lamp 1 hangs on cabinet A (powered), lamp 2 on cabinet B (a power cut): both dark.
        List<Effect> effects = new ArrayList<>();
        effects.addAll(kernel.reading(state, new Reading("cabinet-A", List.of(cabinet), null, null, "cabinet-A",
                Map.of(energy, Sample.of(minute(0), 3.5))), minute(0)));
        effects.addAll(kernel.reading(state, new Reading("cabinet-B", List.of(cabinet), null, null, "cabinet-B",
                Map.of(energy, Sample.of(minute(0), 0))), minute(0)));
        effects.addAll(kernel.reading(state, new Reading("lamp-2", List.of(lamp), null, null, "cabinet-B",
                Map.of(powerState, Sample.of(minute(1), "off"))), minute(1)));
        assertThat(effects).as("lamp 2 is dark because its cabinet has no power").isEmpty();
        effects.addAll(kernel.reading(state, new Reading("lamp-1", List.of(lamp), null, null, "cabinet-A",
                Map.of(powerState, Sample.of(minute(1), "off"))), minute(1)));
        assertThat(effects).singleElement().satisfies(effect -> {
            assertThat(effect.episode().key()).isEqualTo("cabinet-A");
            assertThat(effect.episode().evidence()).extracting(Evidence::entity).containsExactly("lamp-1", "cabinet-A");
        });
        // Read back, the group holds: the lamp lit again clears it.
        RuleState again = RuleState.fromJson(state.toJson(), state.samples());
        assertThat(kernel.reading(again, new Reading("lamp-1", List.of(lamp), null, null, "cabinet-A",
                Map.of(powerState, Sample.of(minute(2), "on"))), minute(2))).singleElement().isInstanceOf(Effect.Cleared.class);
    }

    @Test
    void aWorkingTimeConditionFollowsTheCalendarItIsGiven() {
        // Outside working hours (here: 09:00-17:00 UTC, weekdays), a pump running is an alarm; within them it is work.
        java.util.function.Predicate<Instant> working = at -> {
            java.time.ZonedDateTime utc = at.atZone(ZoneId.of("UTC"));
            return utc.getDayOfWeek().getValue() <= 5 && utc.getHour() >= 9 && utc.getHour() < 17;
        };
        Kernel kernel = new Kernel("pump.1", logic(Keying.ENTITY, above(LEVEL_SENSOR, LEVEL, 30, Duration.ZERO),
                new Condition.WorkingTime(false)), working);
        RuleState state = new RuleState();
        Instant wednesdayNoon = Instant.parse("2026-07-01T12:00:00Z");
        assertThat(kernel.reading(state, level("pump", null, wednesdayNoon, 40), wednesdayNoon)).as("working hours").isEmpty();
        Instant evening = Instant.parse("2026-07-01T17:00:00Z");
        assertThat(kernel.tick(state, evening.plus(Kernel.SKEW).plus(Duration.ofMinutes(3)))).as("the day ends: the same reading now counts")
                .singleElement().isInstanceOf(Effect.Opened.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Kernel("pump.1", logic(Keying.ENTITY,
                above(LEVEL_SENSOR, LEVEL, 30, Duration.ZERO), new Condition.WorkingTime(false))))
                .hasMessageContaining("working calendar");
    }
}
