package org.meridian.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.meridian.core.ingest.Device;
import org.meridian.core.ingest.StoredDevice;
import org.meridian.core.ingest.StoredGroup;
import org.meridian.core.json.Json;
import org.meridian.ingest.store.DeviceStore;
import org.meridian.platform.db.Transactions;

/**
 * Service groups and devices as the ingest path needs them, cached. Every batch first reads the provisioning version
 * (one row); when another request or another node changed the provisioning, the cache is dropped. So a cache is never
 * out of step with the database for longer than one batch.
 */
final class DeviceRegistry {
    private static final int MAX_CACHED = 200_000;

    private final Transactions transactions;
    private final DeviceStore store;

    /**
     * The version and what was read under it, replaced whole on refresh: a lookup that read the database before a
     * refresh writes into the copy it started with, which is then discarded, so a stale answer cannot outlive it.
     */
    private record Cache(long version, Map<String, Optional<StoredGroup>> groups,
                         Map<String, Optional<Known>> devices, Map<Object, Object> shared, Map<String, Principal> verified) {
        Cache(long version) {
            this(version, new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        }
    }

    private volatile Cache cache = new Cache(-1);

    DeviceRegistry(Transactions transactions, DeviceStore store) {
        this.transactions = transactions;
        this.store = store;
    }

    /** Drops the cache if the provisioning changed since it was filled. */
    void refresh(Connection connection) throws SQLException {
        long current = store.version(connection);
        if (current != cache.version()) {
            cache = new Cache(current);
        }
    }

    void refresh() {
        transactions.readOnly(connection -> {
            refresh(connection);
            return null;
        });
    }

    Optional<StoredGroup> group(Connection connection, String apiKey) throws SQLException {
        Map<String, Optional<StoredGroup>> groups = cache.groups();
        Optional<StoredGroup> cached = groups.get(apiKey);
        if (cached == null) {
            cached = store.group(connection, apiKey);
            bound(groups).put(apiKey, cached);
        }
        return cached;
    }

    /**
     * A device as the ingest path keeps it. Its static attributes stay JSON text until its entity is created: parsed,
     * they are trees of several kilobytes, and with 100,000 devices cached they outgrew the default heap of 384 MB
     * (the demo city at that size stopped with an OutOfMemoryError). The device itself carries none.
     */
    record Known(Device device, String staticAttributes) {
        static Known of(Device device, Map<Object, Object> shared) {
            return new Known(new Device(share(shared, device.tenant()), device.deviceId(), share(shared, device.apiKey()),
                    device.entityId(), share(shared, device.entityType()), share(shared, device.attributes()),
                    JsonNodeFactory.instance.objectNode(), device.explicitAttributes()), Json.write(device.staticAttributes()));
        }

        /** Devices of one kind repeat their group, type and measurement mappings: one copy serves them all. */
        @SuppressWarnings("unchecked")
        private static <T> T share(Map<Object, Object> shared, T value) {
            return value == null ? null : (T) shared.computeIfAbsent(value, v -> v);
        }

        ObjectNode parseStaticAttributes() {
            return (ObjectNode) Json.parseTrusted(staticAttributes);
        }
    }

    /**
     * Reads the devices of a batch that are not cached yet in one statement, so a batch after a start or a provisioning
     * change (every device new to the cache) is not a round trip per device: measured, 300–550 ms of a batch of 1,000.
     */
    void prefetch(Connection connection, List<String> apiKeys, List<String> deviceIds) throws SQLException {
        Cache current = cache;
        Map<String, Optional<Known>> devices = current.devices();
        Set<String> missing = new LinkedHashSet<>();
        List<String> keys = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < apiKeys.size(); i++) {
            String key = apiKeys.get(i) + "\n" + deviceIds.get(i);
            // Only keys of a known group, as the checks that follow look a device up only then.
            if (!devices.containsKey(key) && group(connection, apiKeys.get(i)).isPresent() && missing.add(key)) {
                keys.add(apiKeys.get(i));
                ids.add(deviceIds.get(i));
            }
        }
        if (missing.size() < 2) {
            return;
        }
        for (StoredDevice stored : store.devicesByKeys(connection, keys, ids)) {
            Device device = stored.device();
            String key = device.apiKey() + "\n" + device.deviceId();
            bound(devices).put(key, Optional.of(Known.of(device, bound(current.shared()))));
            missing.remove(key);
        }
        // Unknown ones are remembered as such, as a lookup one by one does.
        missing.forEach(key -> bound(devices).put(key, Optional.empty()));
    }

    Optional<Known> device(Connection connection, String apiKey, String deviceId) throws SQLException {
        String key = apiKey + "\n" + deviceId;
        Map<String, Optional<Known>> devices = cache.devices();
        Optional<Known> cached = devices.get(key);
        if (cached == null) {
            cached = store.deviceByKey(connection, apiKey, deviceId).map(stored -> Known.of(stored.device(), bound(cache.shared())));
            bound(devices).put(key, cached);
        }
        return cached;
    }

    /** Unknown ids are cached too (a misconfigured device repeats itself); the bound keeps a flood of them harmless. */
    private static <K, V> Map<K, V> bound(Map<K, V> map) {
        if (map.size() >= MAX_CACHED) {
            map.clear();
        }
        return map;
    }

    /**
     * Checks credentials for one device of one group (an HTTP measurement names both): its group's gateway or the device
     * itself. Slow hashes are verified once and then remembered ({@link Secrets}).
     */
    Optional<Principal> authenticateFor(String apiKey, String deviceId, String username, String password) {
        // Credentials verified under the provisioning version the ingest path last read are remembered with it (the
        // pipeline reads the version at every batch, so a deleted device or a new secret is seen by the next
        // request); a stale answer costs nothing, as the measurement is then checked against the provisioning again.
        Cache current = cache;
        String key = apiKey + "\n" + deviceId + "\n" + username + "\n" + Secrets.fingerprint(password);
        Principal remembered = current.verified().get(key);
        if (remembered != null) {
            return Optional.of(remembered);
        }
        Optional<Principal> verified = verify(apiKey, deviceId, username, password);
        verified.ifPresent(principal -> bound(cache.verified()).put(key, principal));
        return verified;
    }

    private Optional<Principal> verify(String apiKey, String deviceId, String username, String password) {
        return transactions.readOnly(connection -> {
            refresh(connection);
            if (username.equals(apiKey)) {
                Optional<StoredGroup> group = group(connection, apiKey);
                return group.isPresent() && Secrets.matches(group.get().gatewaySecretHash(), password)
                        ? Optional.of(new Principal.GatewayPrincipal(apiKey)) : Optional.<Principal>empty();
            }
            if (username.equals(deviceId)) {
                Optional<StoredDevice> device = store.deviceByKey(connection, apiKey, deviceId);
                boolean valid = device.isPresent() && (device.get().passwordHash() != null
                        ? Secrets.matches(device.get().passwordHash(), password) : apiKey.equals(password));
                return valid ? Optional.of(new Principal.DevicePrincipal(apiKey, deviceId)) : Optional.<Principal>empty();
            }
            return Optional.<Principal>empty();
        });
    }

    /** Checks MQTT credentials: a gateway (username = API key) or a device (username = device id). */
    Optional<Principal> authenticate(String username, String password) {
        if (username == null || password == null) {
            return Optional.empty();
        }
        return transactions.readOnly(connection -> {
            refresh(connection);
            Optional<StoredGroup> group = group(connection, username);
            if (group.isPresent() && Secrets.matches(group.get().gatewaySecretHash(), password)) {
                return Optional.of(new Principal.GatewayPrincipal(username));
            }
            // A device signs in with its own password, or with its group's API key when it has none.
            for (StoredDevice device : store.devicesById(connection, username)) {
                boolean valid = device.passwordHash() != null ? Secrets.matches(device.passwordHash(), password)
                        : device.device().apiKey().equals(password);
                if (valid) {
                    return Optional.of(new Principal.DevicePrincipal(device.device().apiKey(), username));
                }
            }
            return Optional.empty();
        });
    }
}
