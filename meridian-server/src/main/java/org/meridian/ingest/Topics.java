package org.meridian.ingest;

import java.util.Optional;

/** The southbound MQTT topics of FIWARE IoT Agents: {@code /{apikey}/{deviceId}/attrs[/{key}]}, leading slash optional. */
public final class Topics {
    private Topics() {
    }

    /** @param key the single measurement key of {@code .../attrs/{key}}, or null for a JSON object of measurements */
    public record Target(String apiKey, String deviceId, String key) {
    }

    public static Optional<Target> parse(String topic) {
        String path = topic.startsWith("/") ? topic.substring(1) : topic;
        String[] levels = path.split("/", -1);
        if ((levels.length == 3 || levels.length == 4) && levels[2].equals("attrs")
                && !levels[0].isEmpty() && !levels[1].isEmpty() && (levels.length == 3 || !levels[3].isEmpty())) {
            return Optional.of(new Target(levels[0], levels[1], levels.length == 4 ? levels[3] : null));
        }
        return Optional.empty();
    }

    /** The topic filters that receive every measurement, for a client of an external broker. */
    public static final String[] SUBSCRIPTIONS = {"+/+/attrs", "+/+/attrs/+", "/+/+/attrs", "/+/+/attrs/+"};
}
