package org.meridian.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The living demo city. It uses only the platform's public interfaces, as a real city's systems would: it provisions
 * its sensors through the device API, writes districts and roads through NGSI-LD, and its sensors publish over MQTT
 * through one gateway per kind of sensor.
 */
public final class DemoCity implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCity.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Publishing advances in steps of this length; each sensor is due in one step of its interval. */
    private static final long STEP_MILLIS = 100;

    /**
     * @param sensors the city's size in sensors: 300 is a district, 100,000 a city for load tests
     * @param speed how much faster than the wall clock the city's day runs
     * @param intervalSeconds how often each sensor reports (wall-clock seconds)
     * @param apiKey the simulator's machine-client API key (sent as X-Api-Key on provisioning; see app.DemoDirectory)
     * @param district the name of the one district this node simulates (a district node of a federation), or null
     *                 for the whole city
     */
    public record Options(long seed, double speed, int sensors, int intervalSeconds, String httpBase, String mqttUrl,
                          Path dataDirectory, String apiKey, String district) {
        public Options(long seed, double speed, int sensors, int intervalSeconds, String httpBase, String mqttUrl,
                       Path dataDirectory, String apiKey) {
            this(seed, speed, sensors, intervalSeconds, httpBase, mqttUrl, dataDirectory, apiKey, null);
        }
    }

    /** The demo city's districts: name, and the area as a GeoJSON Polygon's coordinates (longitude, latitude). */
    public record DistrictArea(String name, String localName, double[][] ring) {
    }

    public static List<DistrictArea> districts(long seed) {
        return new CityPlan(seed, 0).districts.stream()
                .map(district -> new DistrictArea(district.name(), district.localName(), district.ring())).toList();
    }

    private final Options options;
    private final CityPlan plan;
    private final CityClock clock;
    private final Weather weather;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<SensorKind, MqttAsyncClient> gateways = new EnumMap<>(SensorKind.class);
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong notSent = new AtomicLong();
    private final String gatewaySecret;
    private volatile boolean running = true;
    private Thread publisher;

    private DemoCity(Options options, String gatewaySecret) {
        this.options = options;
        this.plan = new CityPlan(options.seed(), options.sensors());
        if (options.district() != null) {
            plan.keepOnly(options.district());
        }
        // The city's first day starts on a Monday at 06:00, just before the morning rush.
        this.clock = new CityClock(Instant.now(), ZonedDateTime.of(LocalDate.of(2026, 11, 23), LocalTime.of(6, 0), CityClock.ZONE),
                options.speed());
        this.weather = new Weather(options.seed());
        this.gatewaySecret = gatewaySecret;
    }

    /** Provisions the city (idempotent: a restart finds it provisioned) and starts its sensors. */
    public static DemoCity start(Options options) {
        DemoCity city = new DemoCity(options, gatewaySecret(options.dataDirectory()));
        city.provision();
        city.connectGateways();
        city.publisher = Thread.ofPlatform().name("meridian-demo-city").daemon().start(city::publish);
        return city;
    }

    public int sensorCount() {
        return plan.sensors.size();
    }

    /** The credentials of one gateway, for the welcome message: enough to publish as the city's sensors do. */
    public String exampleGateway() {
        return "username " + apiKey(SensorKind.WEATHER) + ", password " + gatewaySecret;
    }

    public String exampleDevice() {
        CityPlan.Sensor sensor = plan.sensors.stream().filter(s -> s.kind() == SensorKind.WEATHER).findFirst()
                .orElse(plan.sensors.getFirst());
        return "/" + apiKey(SensorKind.WEATHER) + "/" + sensor.deviceId() + "/attrs";
    }

    static String apiKey(SensorKind kind) {
        return "demo-" + kind.keySuffix;
    }

    /** A secret per data directory, made on the first run: never in the repository, stable across restarts. */
    private static String gatewaySecret(Path dataDirectory) {
        Path file = dataDirectory.resolve("demo-city.properties");
        Properties properties = new Properties();
        try {
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    properties.load(in);
                }
            }
            String secret = properties.getProperty("gateway.secret");
            if (secret == null) {
                byte[] bytes = new byte[12];
                new SecureRandom().nextBytes(bytes);
                secret = HexFormat.of().formatHex(bytes);
                properties.setProperty("gateway.secret", secret);
                Files.createDirectories(dataDirectory);
                try (OutputStream out = Files.newOutputStream(file)) {
                    properties.store(out, "Demo city gateway secret (MQTT password of the demo-* gateways)");
                }
                try {
                    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // the data directory's own permissions protect it
                }
            }
            return secret;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot keep the demo city's secret in " + file + ": " + e.getMessage(), e);
        }
    }

    private void provision() {
        for (SensorKind kind : SensorKind.values()) {
            ObjectNode group = NODES.objectNode().put("apikey", apiKey(kind)).put("entity_type", kind.entityType)
                    .put("gateway_secret", gatewaySecret);
            group.set("attributes", kind.attributeMappings());
            group.putObject("static_attributes").putObject("dataProvider").put("type", "Property").put("value", "Meridian demo city");
            post("/iot/services", group, true);
        }
        ArrayNode places = NODES.arrayNode();
        for (CityPlan.District district : plan.districts) {
            ObjectNode entity = places.addObject().put("id", district.id()).put("type", "District");
            entity.putObject("name").put("type", "Property").put("value", district.name());
            entity.putObject("alternateName").put("type", "Property").put("value", district.localName());
            entity.putObject("population").put("type", "Property").put("value", district.population());
            ObjectNode polygon = entity.putObject("location").put("type", "GeoProperty").putObject("value").put("type", "Polygon");
            ArrayNode ring = polygon.putArray("coordinates").addArray();
            for (double[] point : district.ring()) {
                ring.addArray().add(point[0]).add(point[1]);
            }
        }
        for (CityPlan.Road road : plan.roads) {
            ObjectNode entity = places.addObject().put("id", road.id()).put("type", "Road");
            entity.putObject("name").put("type", "Property").put("value", road.name());
            ObjectNode line = entity.putObject("location").put("type", "GeoProperty").putObject("value").put("type", "LineString");
            ArrayNode coordinates = line.putArray("coordinates");
            for (double[] point : road.line()) {
                coordinates.addArray().add(point[0]).add(point[1]);
            }
        }
        post("/ngsi-ld/v1/entityOperations/upsert", places, false);
        List<CityPlan.Sensor> sensors = plan.sensors;
        // A restart finds its devices provisioned: only the missing ones are sent (a hundred thousand one by one would
        // take long and run into the rate limit).
        java.util.Set<String> existing = existingDevices();
        List<CityPlan.Sensor> missing = sensors.stream().filter(sensor -> !existing.contains(sensor.deviceId())).toList();
        for (int start = 0; start < missing.size(); start += 500) {
            ArrayNode devices = NODES.arrayNode();
            for (CityPlan.Sensor sensor : missing.subList(start, Math.min(missing.size(), start + 500))) {
                devices.add(device(sensor));
            }
            if (post("/iot/devices", NODES.objectNode().set("devices", devices), true) == 409) {
                // Some exist already (a restart, or a larger city than last time): add the missing ones one by one.
                for (var device : devices) {
                    post("/iot/devices", device, true);
                }
            }
        }
        LOG.info("demo city provisioned: {} districts, {} roads, {} sensors", plan.districts.size(), plan.roads.size(), sensors.size());
    }

    /** The ids of the devices provisioned already, read a thousand at a time. */
    private java.util.Set<String> existingDevices() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int offset = 0; ; offset += 1000) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(options.httpBase() + "/iot/devices?limit=1000&offset=" + offset))
                    .timeout(Duration.ofSeconds(60)).header("X-Api-Key", options.apiKey()).GET().build();
            com.fasterxml.jackson.databind.JsonNode page;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    return ids;
                }
                page = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("devices");
            } catch (IOException e) {
                return ids;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            page.forEach(device -> ids.add(device.path("device_id").asText()));
            if (page.size() < 1000) {
                return ids;
            }
        }
    }

    private ObjectNode device(CityPlan.Sensor sensor) {
        ObjectNode device = NODES.objectNode().put("device_id", sensor.deviceId()).put("apikey", apiKey(sensor.kind()));
        device.set("static_attributes", sensor.kind().staticAttributes(sensor));
        return device;
    }

    private int post(String path, com.fasterxml.jackson.databind.JsonNode body, boolean conflictIsFine) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.httpBase() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("X-Api-Key", options.apiKey()).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            for (int attempt = 0; response.statusCode() == 429 && attempt < 30; attempt++) {
                // The platform's rate limit: wait as long as it says, then send again.
                Thread.sleep(1000L * Math.max(1, Math.min(10, response.headers().firstValue("Retry-After").map(Integer::parseInt).orElse(1))));
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            int status = response.statusCode();
            if (status >= 300 && !(conflictIsFine && status == 409)) {
                throw new IllegalStateException("The demo city could not provision itself: " + path + " answered " + status
                        + " " + response.body());
            }
            return status;
        } catch (IOException e) {
            throw new IllegalStateException("The demo city could not reach " + options.httpBase() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void connectGateways() {
        for (SensorKind kind : SensorKind.values()) {
            try {
                MqttAsyncClient client = new MqttAsyncClient(options.mqttUrl(), "demo-gateway-" + kind.keySuffix, new MemoryPersistence());
                MqttConnectOptions connect = new MqttConnectOptions();
                connect.setUserName(apiKey(kind));
                connect.setPassword(gatewaySecret.toCharArray());
                connect.setAutomaticReconnect(true);
                connect.setMaxInflight(2000);
                client.connect(connect).waitForCompletion(30_000);
                gateways.put(kind, client);
            } catch (MqttException e) {
                throw new IllegalStateException("The demo city's " + kind.keySuffix + " gateway cannot connect to "
                        + options.mqttUrl() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Each step, the sensors due in it measure and publish; every sensor is due once per interval. */
    private void publish() {
        List<CityPlan.Sensor> sensors = plan.sensors;
        int steps = (int) Math.max(1, options.intervalSeconds() * 1000L / STEP_MILLIS);
        List<List<Integer>> due = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            due.add(new ArrayList<>());
        }
        SplittableRandom random = new SplittableRandom(options.seed() ^ 0xC17EL);
        List<SensorState> states = new ArrayList<>();
        for (int i = 0; i < sensors.size(); i++) {
            due.get(random.nextInt(steps)).add(i);
            states.add(new SensorState(random));
        }
        long next = System.currentTimeMillis();
        long lastReport = next;
        int step = 0;
        while (running) {
            Instant now = Instant.now();
            ZonedDateTime cityTime = clock.cityTime(now);
            double cityHours = clock.cityHours(now);
            double rain = weather.rain(cityHours);
            double runoff = weather.runoff(cityHours);
            for (int index : due.get(step)) {
                CityPlan.Sensor sensor = sensors.get(index);
                SensorState state = states.get(index);
                if (!state.advance(sensor.kind(), cityHours, CityClock.hourOfDay(cityTime), random)) {
                    continue;
                }
                ObjectNode measurement = sensor.kind().measure(sensor, state, cityTime, rain, runoff, random);
                if (random.nextInt(5000) == 0) {
                    // Now and then a sensor sends garbage, as real ones do: the platform rejects and counts it.
                    measurement.put(measurement.fieldNames().next(), "ERR");
                }
                send(sensor, measurement);
            }
            step = (step + 1) % steps;
            next += STEP_MILLIS;
            long sleep = next - System.currentTimeMillis();
            if (sleep > 0) {
                sleepQuietly(sleep);
            }
            if (System.currentTimeMillis() - lastReport > 60_000) {
                lastReport = System.currentTimeMillis();
                LOG.info("demo city: {} measurements sent ({} not sent), city time {}{}", published.get(), notSent.get(),
                        cityTime.format(DateTimeFormatter.ofPattern("EEE HH:mm", Locale.ENGLISH)), rain > 0.05 ? ", raining" : "");
            }
        }
    }

    private void send(CityPlan.Sensor sensor, ObjectNode measurement) {
        MqttAsyncClient gateway = gateways.get(sensor.kind());
        MqttMessage message = new MqttMessage(measurement.toString().getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        try {
            gateway.publish("/" + apiKey(sensor.kind()) + "/" + sensor.deviceId() + "/attrs", message);
            published.incrementAndGet();
        } catch (MqttException e) {
            // Disconnected or too many in flight: a real sensor would also lose this reading.
            notSent.incrementAndGet();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long published() {
        return published.get();
    }

    @Override
    public void close() {
        running = false;
        if (publisher != null) {
            try {
                publisher.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (MqttAsyncClient gateway : gateways.values()) {
            try {
                gateway.disconnect(2_000).waitForCompletion(3_000);
                gateway.close();
            } catch (MqttException e) {
                LOG.debug("demo gateway did not close cleanly: {}", e.toString());
            }
        }
    }
}
