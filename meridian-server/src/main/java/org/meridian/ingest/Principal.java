package org.meridian.ingest;

/** Who an MQTT connection authenticated as, and so which topics it may publish. */
public sealed interface Principal {
    boolean mayPublish(String apiKey, String deviceId);

    /** A device (username = device id; password = its own password, or its group's API key): its own topics only. */
    record DevicePrincipal(String apiKey, String deviceId) implements Principal {
        @Override
        public boolean mayPublish(String key, String device) {
            return apiKey.equals(key) && deviceId.equals(device);
        }
    }

    /** A gateway (username = API key, password = the group's gateway secret): every device of its group. */
    record GatewayPrincipal(String apiKey) implements Principal {
        @Override
        public boolean mayPublish(String key, String device) {
            return apiKey.equals(key);
        }
    }
}
