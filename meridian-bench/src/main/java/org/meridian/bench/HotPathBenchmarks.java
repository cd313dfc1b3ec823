package org.meridian.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.locationtech.jts.geom.Geometry;
import org.meridian.core.geo.GeoJson;
import org.meridian.core.geo.GeoQuery;
import org.meridian.core.jsonld.ContextCompiler;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.json.Json;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.ngsild.EntityRenderer;
import org.meridian.core.ngsild.RenderOptions;
import org.meridian.core.query.JsonPathTranslator;
import org.meridian.core.query.QueryParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The hot paths of every request: JSON-LD expansion and compaction of an entity, q parsing, geometry tests. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmarks {
    private JsonNode payload;
    private JsonNode coreContext;
    private JsonNode userContext;
    private JsonLdContext compiled;
    private Entity entity;
    private GeoQuery within;
    private Geometry point;
    private final Instant now = Instant.parse("2024-05-01T08:00:00Z");
    private org.meridian.core.ingest.ServiceGroup group;
    private org.meridian.core.ingest.Device device;
    private byte[] measurement;

    @Setup
    public void setUp() throws Exception {
        payload = Json.parseRequest(CityEntities.airQuality("AirQualityObserved", 1, new SplittableRandom(1)));
        coreContext = Json.parseRequest(new String(HotPathBenchmarks.class.getResourceAsStream(
                "/contexts/ngsi-ld-core-context-v1.8.jsonld").readAllBytes())).get("@context");
        userContext = Json.parseRequest("{\"sdm\": \"https://smartdatamodels.org/\", \"NO2\": \"sdm:NO2\", \"PM25\": \"sdm:PM25\"}");
        compiled = new ContextCompiler(url -> {
            throw new IllegalStateException("no remote contexts in this benchmark");
        }).compile(userContext, coreContext);
        entity = EntityParser.parseEntity(payload, compiled, now);
        within = GeoQuery.parse("within", "Polygon",
                "[[[116.3,39.85],[116.5,39.85],[116.55,39.95],[116.4,40.0],[116.3,39.95],[116.3,39.85]]]", "location");
        point = GeoJson.parse(Json.parseRequest("{\"type\":\"Point\",\"coordinates\":[116.41,39.91]}"));
        String vocab = "https://uri.etsi.org/ngsi-ld/default-context/";
        group = new org.meridian.core.ingest.ServiceGroup("", "air", vocab + "AirQualityObserved", java.util.List.of(
                new org.meridian.core.ingest.AttributeMapping("no2", vocab + "no2", org.meridian.core.ingest.ValueType.NUMBER, "GQ"),
                new org.meridian.core.ingest.AttributeMapping("pm25", vocab + "pm25", org.meridian.core.ingest.ValueType.NUMBER, "GQ"),
                new org.meridian.core.ingest.AttributeMapping("t", vocab + "temperature", org.meridian.core.ingest.ValueType.NUMBER, "CEL"),
                new org.meridian.core.ingest.AttributeMapping("lvl", vocab + "airQualityLevel", org.meridian.core.ingest.ValueType.TEXT, null)),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), false);
        device = new org.meridian.core.ingest.Device("", "air-1", "air", "urn:ngsi-ld:AirQualityObserved:air-1",
                vocab + "AirQualityObserved", java.util.List.of(), com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), null);
        measurement = "{\"no2\": 38.5, \"pm25\": 21.2, \"t\": 18.4, \"lvl\": \"good\", \"TimeInstant\": \"2024-05-01T08:00:00Z\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What the ingest path does per device message before the database: parse and map it to attribute instances. */
    @Benchmark
    public Object mapMeasurement() {
        return org.meridian.core.ingest.MeasurementMapper.map(group, device, Json.parseBytes(measurement), now, compiled);
    }

    /** What a general processor pays on every request: compiling the context from scratch. */
    @Benchmark
    public JsonLdContext compileContext() {
        return new ContextCompiler(url -> {
            throw new IllegalStateException();
        }).compile(userContext, coreContext);
    }

    /** Expansion with a compiled, cached context: parse and check a whole entity. */
    @Benchmark
    public Entity expandEntity() {
        return EntityParser.parseEntity(payload, compiled, now);
    }

    /** Compaction with a compiled, cached context: render a whole entity. */
    @Benchmark
    public JsonNode compactEntity() {
        return EntityRenderer.render(entity, compiled, RenderOptions.normalized());
    }

    @Benchmark
    public String parseAndTranslateQ() {
        return JsonPathTranslator.translate(QueryParser.parse(
                "NO2>40;(temperature<30|airQualityIndex==100..200);address[district]==\"Dongcheng\"", 64, compiled::expandTerm));
    }

    @Benchmark
    public boolean pointWithinPolygon() {
        return within.matches(point);
    }
}
