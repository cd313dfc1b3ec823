package org.meridian.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The city's weather over city time: mostly dry, with rainstorms drawn from the seed (one every day or two of city
 * time, lasting two to five hours). A storm moves many sensors at once: rain gauges, humidity, river and underpass
 * water levels (with a lag), traffic speed, noise and air quality (rain washes particles out).
 */
final class Weather {
    private record Storm(double startHour, double hours, double intensity) {
    }

    private final List<Storm> storms = new ArrayList<>();

    Weather(long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5EED_0F_5701L);
        // The first storm comes early, so a newcomer sees one within minutes at the default speed.
        double hour = 3 + random.nextDouble(3);
        for (int i = 0; i < 400; i++) {
            Storm storm = new Storm(hour, 2 + random.nextDouble(3), 0.4 + random.nextDouble(0.6));
            storms.add(storm);
            hour += storm.hours() + 18 + random.nextDouble(30);
        }
    }

    /** Rain intensity 0..1 at the given city hour. */
    double rain(double cityHour) {
        for (Storm storm : storms) {
            if (cityHour < storm.startHour()) {
                return 0;
            }
            double into = cityHour - storm.startHour();
            if (into < storm.hours()) {
                // Builds up, peaks, eases off.
                return storm.intensity() * Math.sin(Math.PI * into / storm.hours());
            }
        }
        return 0;
    }

    /** Rain over the last hours, weighted towards the recent: what rivers and underpasses respond to. */
    double runoff(double cityHour) {
        double total = 0;
        for (int i = 0; i < 12; i++) {
            total += rain(cityHour - i * 0.5) * Math.exp(-i * 0.25);
        }
        return total / 4.0;
    }
}
