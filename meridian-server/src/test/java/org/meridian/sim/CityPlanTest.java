package org.meridian.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The demo city is reproducible from its seed, scales with its size, and lives by daily rhythms and storms. */
class CityPlanTest {
    @Test
    void theSameSeedMakesTheSameCity() {
        CityPlan a = new CityPlan(7, 300);
        CityPlan b = new CityPlan(7, 300);
        CityPlan c = new CityPlan(8, 300);

        assertThat(a.sensors).isEqualTo(b.sensors);
        assertThat(a.sensors).isNotEqualTo(c.sensors);
        assertThat(a.districts).hasSize(6);
    }

    @Test
    void sizeScalesFromADistrictToACityAndEveryKindIsThere() {
        assertThat(new CityPlan(1, 20).sensors.stream().map(CityPlan.Sensor::kind).distinct()).hasSize(SensorKind.values().length);
        CityPlan big = new CityPlan(1, 100_000);
        assertThat(big.sensors.size()).isBetween(99_000, 101_000);
        assertThat(big.sensors.stream().map(CityPlan.Sensor::deviceId).distinct().count()).isEqualTo(big.sensors.size());
        for (CityPlan.Sensor sensor : big.sensors.subList(0, 1000)) {
            CityPlan.District district = big.districtAt(sensor.lon(), sensor.lat());
            assertThat(sensor.lon()).isBetween(district.west() - 0.01, district.east() + 0.01);
        }
    }

    @Test
    void trafficPeaksAtRushHourOnWeekdays() {
        assertThat(SensorKind.trafficLoad(8.2, false)).isGreaterThan(3 * SensorKind.trafficLoad(3, false));
        assertThat(SensorKind.trafficLoad(18, false)).isGreaterThan(SensorKind.trafficLoad(8.2, true));
    }

    @Test
    void stormsComeWithinTheFirstCityDayAndRaiseWaterLevels() {
        Weather weather = new Weather(42);
        double[] rain = IntStream.range(0, 24 * 4).mapToDouble(i -> weather.rain(i / 4.0)).toArray();
        assertThat(java.util.Arrays.stream(rain).max().orElse(0)).isGreaterThan(0.3);
        assertThat(rain[0]).isZero();
        double stormHour = IntStream.range(0, rain.length).filter(i -> rain[i] > 0.3).findFirst().orElseThrow() / 4.0;

        CityPlan plan = new CityPlan(42, 300);
        CityPlan.Sensor underpass = plan.sensors.stream().filter(s -> s.kind() == SensorKind.UNDERPASS_LEVEL).findFirst().orElseThrow();
        SensorState state = new SensorState(new SplittableRandom(1));
        ZonedDateTime time = ZonedDateTime.of(LocalDate.of(2026, 11, 23), LocalTime.of(9, 0), CityClock.ZONE);
        double dry = SensorKind.UNDERPASS_LEVEL.measure(underpass, state, time, 0, 0, new SplittableRandom(2)).path("lvl").asDouble();
        double wet = SensorKind.UNDERPASS_LEVEL.measure(underpass, state, time, weather.rain(stormHour + 1),
                weather.runoff(stormHour + 1.5), new SplittableRandom(2)).path("lvl").asDouble();
        assertThat(wet).isGreaterThan(dry);
    }
}
