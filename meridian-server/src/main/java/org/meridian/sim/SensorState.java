package org.meridian.sim;

import java.util.SplittableRandom;

/**
 * What changes in a sensor over time besides the city: slow drift of its calibration, failures (silent for a while,
 * or a lamp that stays broken until repaired) and, for waste containers, how full they are.
 */
final class SensorState {
    private double drift;
    private final double driftRate;
    private double silentUntilHour = -1;
    private boolean faulty;
    private double fill;
    private double lastHour;

    SensorState(SplittableRandom random) {
        // One sensor in ten drifts noticeably over a few city days.
        this.driftRate = random.nextInt(10) == 0 ? (random.nextBoolean() ? 1 : -1) * (0.05 + random.nextDouble(0.15)) : 0;
        this.fill = random.nextDouble(0.6);
    }

    /**
     * Moves the state to the given city hour.
     *
     * @return false when the sensor is silent now (failed, or rebooting)
     */
    boolean advance(SensorKind kind, double cityHour, double hourOfDay, SplittableRandom random) {
        double elapsed = Math.max(0, cityHour - lastHour);
        lastHour = cityHour;
        drift += driftRate * elapsed;
        if (kind == SensorKind.WASTE) {
            fill = Math.min(1.0, fill + elapsed * (0.02 + random.nextDouble(0.02)));
            // Collection rounds early in the morning.
            if (hourOfDay >= 5 && hourOfDay < 6 && fill > 0.5) {
                fill = 0.03;
            }
        }
        if (kind == SensorKind.STREETLIGHT && !faulty && random.nextInt(4000) == 0) {
            faulty = true;
        } else if (faulty && random.nextInt(400) == 0) {
            faulty = false;
        }
        if (cityHour < silentUntilHour) {
            return false;
        }
        if (random.nextInt(3000) == 0) {
            silentUntilHour = cityHour + 1 + random.nextDouble(5);
            return false;
        }
        return true;
    }

    double drift() {
        return drift;
    }

    boolean faulty() {
        return faulty;
    }

    double fillLevel() {
        return fill;
    }
}
