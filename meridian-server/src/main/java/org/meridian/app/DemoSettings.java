package org.meridian.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Settings of {@code meridian demo}'s simulated city (README, "Demo city"). The same seed gives the same city and
 * the same weather; size and speed scale it from a district to a city of 100,000 devices.
 */
record DemoSettings(long seed, double speed, int sensors, int intervalSeconds) {
    static final String SEED = "MERIDIAN_DEMO_SEED";
    static final String SPEED = "MERIDIAN_DEMO_SPEED";
    static final String SENSORS = "MERIDIAN_DEMO_SENSORS";
    static final String INTERVAL = "MERIDIAN_DEMO_INTERVAL_SECONDS";

    static DemoSettings fromEnvironment(Map<String, String> environment) {
        List<String> problems = new ArrayList<>();
        long seed = number(environment, SEED, 42, problems);
        double speed = number(environment, SPEED, 60, problems);
        long sensors = number(environment, SENSORS, 300, problems);
        long interval = number(environment, INTERVAL, 30, problems);
        if (speed < 1 || speed > 10_000) {
            problems.add(SPEED + " must be 1..10000 (city seconds per wall-clock second), not " + speed);
        }
        if (sensors < 10 || sensors > 200_000) {
            problems.add(SENSORS + " must be 10..200000, not " + sensors);
        }
        if (interval < 1 || interval > 3600) {
            problems.add(INTERVAL + " must be 1..3600 seconds, not " + interval);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid demo settings:\n  " + String.join("\n  ", problems));
        }
        return new DemoSettings(seed, speed, (int) sensors, (int) interval);
    }

    private static long number(Map<String, String> environment, String key, long fallback, List<String> problems) {
        String value = environment.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            problems.add(key + " must be a whole number, not '" + value + "'");
            return fallback;
        }
    }
}
